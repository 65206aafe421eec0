/** The conformance report: its own apiVersion/kind, a document a machine can check. */
import type { Feature, Scenario, Tier } from '../scenario/types.ts';
import type { ScenarioResult } from '../runner/scenario-runner.ts';
import { SUITE_VERSION } from '../platform/versions.ts';

export const REPORT_API_VERSION = 'waypoint-conformance.dev/v1alpha1';
export const REPORT_KIND = 'ConformanceReport';

export interface Implementation {
  organization: string;
  project: string;
  version: string;
  url: string;
  contact: string[];
  gatewayClassName: string;
}

export interface Environment {
  kubernetesVersion: string;
  istioVersion?: string;
  gatewayApi: { version: string; channel: string };
  /** The GatewayClass the waypoints used, and the controller that Accepted it (the pre-run gate). */
  gatewayClass?: { name: string; controllerName: string };
  kindNodeImage?: string;
  commandLine: string;
}

export interface ReportInput {
  results: ScenarioResult[];
  scenarios: Scenario[];
  implementation: Implementation;
  environment: Environment;
  mode: 'e2e' | 'selftest' | 'certification';
  /** Features the implementation claims (certification); undefined: not claimed. */
  claimedFeatures: Feature[] | undefined;
  claimedProfiles?: Tier[];
}

export interface ProfileReport {
  name: Tier;
  result: 'success' | 'partial' | 'failure';
  summary: { passed: number; failed: number; skipped: number };
  supportedFeatures: string[];
  unsupportedFeatures: string[];
}

export function buildReport(input: ReportInput, date = new Date()) {
  const byId = new Map(input.scenarios.map((s) => [s.id, s]));
  const profiles: ProfileReport[] = (['core', 'extended'] as Tier[]).map((tier) => {
    const rs = input.results.filter((r) => byId.get(r.id)?.tier === tier);
    const summary = {
      passed: rs.filter((r) => r.status === 'passed').length,
      failed: rs.filter((r) => r.status === 'failed').length,
      skipped: rs.filter((r) => r.status === 'skipped').length,
    };
    const features = new Set(rs.flatMap((r) => byId.get(r.id)!.features));
    const unsupported = new Set(rs.filter((r) => r.status === 'skipped').flatMap((r) => /unsupported features: (.*)/.exec(r.skipReason ?? '')?.[1]?.split(', ') ?? []));
    const result = summary.failed > 0 ? 'failure' : summary.skipped > 0 || summary.passed === 0 ? 'partial' : 'success';
    return { name: tier, result, summary, supportedFeatures: [...features].filter((f) => !unsupported.has(f)).sort(), unsupportedFeatures: [...unsupported].sort() };
  });
  return {
    apiVersion: REPORT_API_VERSION,
    kind: REPORT_KIND,
    date: date.toISOString(),
    mode: input.mode,
    implementation: input.implementation,
    environment: { ...input.environment, suiteVersion: SUITE_VERSION },
    ...(input.claimedFeatures ? { claimedFeatures: [...input.claimedFeatures].sort() } : {}),
    ...(input.claimedProfiles ? { claimedProfiles: input.claimedProfiles } : {}),
    profiles,
    scenarios: input.results.map((r) => ({
      id: r.id,
      area: byId.get(r.id)!.area,
      tier: byId.get(r.id)!.tier,
      features: byId.get(r.id)!.features,
      source: byId.get(r.id)!.source,
      result: r.status,
      durationMs: r.durationMs,
      convergenceMs: r.convergenceMs,
      ...(r.skipReason ? { skipReason: r.skipReason } : {}),
      ...(r.failure ? { failure: r.failure } : {}),
      checks: r.checks.map((c) => ({ step: c.step, check: c.check, result: c.status, requests: c.requests, detail: c.detail })),
    })),
  };
}

export type ConformanceReport = ReturnType<typeof buildReport>;
