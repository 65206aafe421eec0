/** The conformance report: its own apiVersion/kind, a document a machine can check. */
import type { Feature, Scenario, Profile } from '../scenario/types.ts';
import { countOutcomes, type Outcome, type ScenarioResult, type SetupFailure } from '../runner/results.ts';
import { IMAGES, SUITE_VERSION, type Images } from '../platform/versions.ts';
import type { Plane } from '../checks/check.ts';
import { suiteImages } from './images.ts';
import type { MeshFacts } from '../platform/mesh.ts';

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
  /** The mesh as read from the cluster (harness/platform/mesh.ts). */
  mesh?: MeshFacts;
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
  claimedProfiles?: Profile[];
  /** The run's own setup failed (install, clients): the report records the step, never conformance. */
  setup?: SetupFailure;
  /** The images the run deployed (default: the pinned ones). */
  images?: Images;
  /** The planes whose checks ran; a control-plane-only report is no certification. */
  planes: Plane[];
}

export interface ProfileReport {
  name: Profile;
  result: 'success' | 'partial' | 'failure';
  summary: Record<Outcome, number>;
  supportedFeatures: string[];
  unsupportedFeatures: string[];
}

/** success: every scenario passed; failure: one failed or broke; partial: some were not run or not supported. */
export function profileResult(summary: Record<Outcome, number>): ProfileReport['result'] {
  if (summary.failed > 0 || summary.error > 0) return 'failure';
  return summary['not-run'] > 0 || summary['not-supported'] > 0 || summary.passed === 0 ? 'partial' : 'success';
}

/** Where a scenario's diagnostics live in the bundle; report.yaml names the file so a deleted one shows. */
export function diagnosticsFile(id: string): string {
  return `diagnostics/${id.replace('/', '__')}.yaml`;
}

export function buildReport(input: ReportInput, date = new Date()) {
  const byId = new Map(input.scenarios.map((s) => [s.id, s]));
  const profiles: ProfileReport[] = (['core', 'extended'] as Profile[]).map((profile) => {
    const rs = input.results.filter((r) => byId.get(r.id)?.profile === profile);
    const summary = countOutcomes(rs);
    const features = new Set(rs.flatMap((r) => byId.get(r.id)!.features));
    const unsupported = new Set(rs.flatMap((r) => [...(r.unsupportedFeatures ?? []), ...r.checks.flatMap((c) => c.unsupportedFeatures ?? [])]));
    return {
      name: profile, result: profileResult(summary), summary,
      supportedFeatures: [...features].filter((f) => !unsupported.has(f)).sort(), unsupportedFeatures: [...unsupported].sort(),
    };
  });
  return {
    apiVersion: REPORT_API_VERSION,
    kind: REPORT_KIND,
    date: date.toISOString(),
    mode: input.mode,
    planes: [...input.planes].sort(),
    implementation: input.implementation,
    environment: { ...input.environment, suiteVersion: SUITE_VERSION, images: suiteImages(input.images ?? IMAGES, input.environment.kindNodeImage) },
    ...(input.claimedFeatures ? { claimedFeatures: [...input.claimedFeatures].sort() } : {}),
    ...(input.claimedProfiles ? { claimedProfiles: input.claimedProfiles } : {}),
    ...(input.setup ? { setup: { outcome: 'error' as const, ...input.setup } } : {}),
    profiles,
    scenarios: input.results.map((r) => ({
      id: r.id,
      area: byId.get(r.id)!.area,
      profile: byId.get(r.id)!.profile,
      features: byId.get(r.id)!.features,
      source: byId.get(r.id)!.source,
      outcome: r.outcome,
      durationMs: r.durationMs,
      convergenceMs: r.convergenceMs,
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.unsupportedFeatures ? { unsupportedFeatures: r.unsupportedFeatures } : {}),
      ...(r.diagnostics ? { diagnostics: diagnosticsFile(r.id) } : {}),
      checks: r.checks.map((c) => ({
        step: c.step, check: c.check, plane: c.plane, outcome: c.outcome, requests: c.requests, detail: c.detail,
        ...(c.unsupportedFeatures ? { unsupportedFeatures: c.unsupportedFeatures } : {}),
      })),
      timings: r.timings,
    })),
  };
}

export type ConformanceReport = ReturnType<typeof buildReport>;
