/** The conformance report built from a run's results (its types: apis/v1alpha1.ts). */
import { REPORT_API_VERSION, REPORT_KIND, type ConformanceReport, type Environment, type ProfileReport } from './apis/v1alpha1.ts';
import type { Feature, Profile } from '../scenario/types.ts';
import type { Scenario } from '../record/record.ts';
import { countOutcomes, type Outcome, type ScenarioResult, type SetupFailure } from '../runner/results.ts';
import { SUITE_VERSION } from '../versions/versions.ts';
import type { Plane } from '../checks/check.ts';
import type { Implementation } from '../claim/implementation.ts';
import { gatewayApiConformanceOf } from './gateway-api-report.ts';
import { safeLine, safeText } from '../text.ts';

/** What the run says of where it ran; the report adds the suite's version and its images. */
export type RunEnvironment = Omit<Environment, 'suiteVersion' | 'images'>;

export interface ReportInput {
  results: ScenarioResult[];
  scenarios: Scenario[];
  implementation: Implementation;
  environment: RunEnvironment;
  mode: 'e2e' | 'selftest' | 'certification';
  /** Features the implementation claims (certification); undefined: not claimed. */
  claimedFeatures: Feature[] | undefined;
  claimedProfiles?: Profile[];
  /** The run's own setup failed (install, clients): the report records the step, never conformance. */
  setup?: SetupFailure;
  /** The images of the workloads the run applied (and the outside client's, when it started one); the kind node's is added. */
  images: string[];
  /** The planes whose checks ran; a control-plane-only report is no certification. */
  planes: Plane[];
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

/**
 * Every string of the report with control characters escaped (text.ts): scenario reasons, check
 * details, versions and the setup message can carry what an API server or a tool said, and the
 * report, the summary and a terminal that prints them must not run what such bytes would do.
 */
function safeStrings<T>(v: T): T {
  if (typeof v === 'string') return safeText(v) as T;
  if (Array.isArray(v)) return v.map(safeStrings) as T;
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, safeStrings(x)])) as T;
  return v;
}

/** The setup failure on one line each: the summary's first line is built from it. */
function setupRecord(setup: SetupFailure) {
  return {
    outcome: setup.outcome ?? ('error' as 'error' | 'interrupted'),
    step: safeLine(setup.step),
    message: safeLine(setup.message),
    ...(setup.fix ? { fix: safeLine(setup.fix) } : {}),
  };
}

export function buildReport(input: ReportInput, date = new Date()): ConformanceReport {
  return safeStrings(reportOf(input, date));
}

function reportOf(input: ReportInput, date: Date): ConformanceReport {
  const byId = new Map(input.scenarios.map((s) => [s.id, s]));
  const profiles: ProfileReport[] = (['core', 'extended'] as Profile[]).map((profile) => {
    const rs = input.results.filter((r) => byId.get(r.id)?.profile === profile);
    const summary = countOutcomes(rs);
    const features = new Set(rs.flatMap((r) => byId.get(r.id)!.features));
    const unsupported = new Set(
      rs.flatMap((r) => [...(r.unsupportedFeatures ?? []), ...r.checks.flatMap((c) => c.unsupportedFeatures ?? [])]),
    );
    return {
      name: profile,
      result: profileResult(summary),
      summary,
      supportedFeatures: [...features].filter((f) => !unsupported.has(f)).sort(),
      unsupportedFeatures: [...unsupported].sort(),
    };
  });
  const report: Omit<ConformanceReport, 'gatewayApiConformance'> = {
    apiVersion: REPORT_API_VERSION,
    kind: REPORT_KIND,
    date: date.toISOString(),
    mode: input.mode,
    planes: [...input.planes].sort(),
    implementation: input.implementation,
    environment: {
      ...input.environment,
      suiteVersion: SUITE_VERSION,
      images: [...new Set([...input.images, ...(input.environment.kindNodeImage ? [input.environment.kindNodeImage] : [])])].sort(),
    },
    ...(input.claimedFeatures ? { claimedFeatures: [...input.claimedFeatures].sort() } : {}),
    ...(input.claimedProfiles ? { claimedProfiles: input.claimedProfiles } : {}),
    ...(input.setup ? { setup: setupRecord(input.setup) } : {}),
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
      ...(r.startedMs !== undefined ? { startedMs: r.startedMs } : {}),
      ...(r.reason ? { reason: r.reason } : {}),
      ...(r.unsupportedFeatures ? { unsupportedFeatures: r.unsupportedFeatures } : {}),
      ...(r.diagnostics ? { diagnostics: diagnosticsFile(r.id) } : {}),
      checks: r.checks.map((c) => ({
        step: c.step,
        check: c.check,
        plane: c.plane,
        outcome: c.outcome,
        requests: c.requests,
        detail: c.detail,
        ...(c.unsupportedFeatures ? { unsupportedFeatures: c.unsupportedFeatures } : {}),
        ...(c.evidence ? { evidence: c.evidence } : {}),
      })),
      timings: r.timings,
    })),
  };
  return { ...report, gatewayApiConformance: gatewayApiConformanceOf(report) };
}
