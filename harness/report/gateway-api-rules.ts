/**
 * Upstream's rules for a Gateway API ConformanceReport (kubernetes-sigs/gateway-api conformance/utils/suite:
 * suite.go, reports.go), one function each, so that tests can swap one and the Go cross-check can hold
 * each against upstream's own code.
 */
import { GATEWAY_API_VERSION } from '../versions/versions.ts';
import type { ExtendedStatus, ProfileReport, Result, Statistics, Status, TestResult } from './apis/gateway-api-v1.ts';
import type { Feature } from '../scenario/types.ts';
import type { Outcome } from '../runner/results.ts';
import { GATEWAY_API_MESH_FEATURES, GATEWAY_API_PROFILES, type GatewayApiProfileDef, type GatewayApiTest } from './gateway-api-tests.ts';

/** The parts of the suite's report the rules read. */
export interface ReportView {
  date: string;
  planes: readonly string[];
  implementation: { organization: string; project: string; url: string; version: string; contact: string[] };
  environment: { gatewayApi: { version: string; channel: string } };
  claimedFeatures?: readonly string[];
  setup?: unknown;
  scenarios: readonly {
    id: string;
    outcome: Outcome | string;
    unsupportedFeatures?: readonly string[];
    checks: readonly { unsupportedFeatures?: readonly string[] }[];
  }[];
}

export interface Rules {
  /** The supported features: the claim, or without one every feature no scenario or check found unsupported. */
  supported(r: ReportView): Set<Feature>;
  /** The profiles enabled; upstream unions their core features into the supported ones (suite.go NewConformanceTestSuite). */
  enabled(supported: Set<Feature>): GatewayApiProfileDef[];
  /** A test's result; NOT_SUPPORTED unless every feature is supported (suite.go Run: SupportedFeatures.HasAll). */
  testResult(t: GatewayApiTest, r: ReportView, supported: Set<Feature>): TestResult;
  /** suite.go getConformanceProfilesForTest: each enabled profile whose core or extended features hold all of the test's. */
  profilesOf(t: GatewayApiTest, enabled: GatewayApiProfileDef[]): GatewayApiProfileDef[];
  /** reports.go isTestExtended: extended in a profile when any feature is not one of its core features. */
  isExtended(p: GatewayApiProfileDef, t: GatewayApiTest): boolean;
  /** reports.go addTestResults: SUCCEEDED, FAILED and SKIPPED count; a NOT_SUPPORTED test is in no statistic. */
  counts(result: TestResult): boolean;
  /** reports.go addTestResults: a level's status exists once a test counted in it (Extended is a nil pointer until then). */
  hasLevel(s: Statistics): boolean;
  /** reports.go compileResults: failure if any failed, else partial if any skipped, else success (an empty level too). */
  result(s: Statistics): Result;
  /** reports.go buildSummary, buildReportSummary. */
  summary(p: Omit<ProfileReport, 'summary'>): string;
  /** reports.go compileResults with NewConformanceTestSuite's ExtendedFeatures ∩ / − supported, listed only where Extended exists. */
  extendedFeatures(p: GatewayApiProfileDef, supported: Set<Feature>): Pick<ExtendedStatus, 'supportedFeatures' | 'unsupportedFeatures'>;
  /** suite.go Report: SucceededProvisionalTests, provisional tests that succeeded, sorted, in any profile or none. */
  provisional(results: Map<GatewayApiTest, TestResult>): string[] | undefined;
  /** suite.go Report: time.Now().Format(time.RFC3339): seconds, no fraction (the suite writes UTC). */
  date(iso: string): string;
  /** Why upstream's suite would write no report for this run, or undefined. */
  withheld(r: ReportView, enabled: GatewayApiProfileDef[]): string | undefined;
}

export const sorted = <T extends string>(xs: Iterable<T>): T[] => [...xs].sort();
const isUnknown = (v: string) => ['', 'unknown', 'none'].includes(v);

/** apis/v1 Implementation.Validate: the first field it rejects, in its order. */
export function implementationProblem(i: ReportView['implementation']): string | undefined {
  for (const f of ['organization', 'project', 'url', 'version'] as const) if (!i[f]) return `implementation's ${f} cannot be empty`;
  return i.contact?.length ? undefined : "implementation's contact cannot be empty";
}

export const UPSTREAM_RULES: Rules = {
  supported(r) {
    if (r.claimedFeatures) {
      const claims = new Set(r.claimedFeatures);
      return new Set(GATEWAY_API_MESH_FEATURES.filter((f) => claims.has(f)));
    }
    const found = new Set(
      r.scenarios.flatMap((s) => [...(s.unsupportedFeatures ?? []), ...s.checks.flatMap((c) => c.unsupportedFeatures ?? [])]),
    );
    return new Set(GATEWAY_API_MESH_FEATURES.filter((f) => !found.has(f)));
  },
  enabled: (supported) => GATEWAY_API_PROFILES.filter((p) => p.core.every((f) => supported.has(f))),
  testResult(t, r, supported) {
    if (!t.features.every((f) => supported.has(f))) return 'NOT_SUPPORTED';
    const s = r.scenarios.find((x) => x.id === t.scenario);
    if (!s || !r.planes.includes('data')) return 'SKIPPED';
    if (s.outcome === 'passed') return 'SUCCEEDED';
    return s.outcome === 'failed' || s.outcome === 'error' ? 'FAILED' : 'SKIPPED';
  },
  profilesOf: (t, enabled) => enabled.filter((p) => t.features.every((f) => p.core.includes(f) || p.extended.includes(f))),
  isExtended: (p, t) => t.features.some((f) => !p.core.includes(f)),
  counts: (result) => result !== 'NOT_SUPPORTED',
  hasLevel: (s) => s.Passed + s.Failed + s.Skipped > 0,
  result: (s) => (s.Failed > 0 ? 'failure' : s.Skipped > 0 ? 'partial' : 'success'),
  summary(p) {
    const words = (s: Status) =>
      ({
        success: 'succeeded',
        partial: `partially succeeded with ${s.statistics.Skipped} test skips`,
        failure: `failed with ${s.statistics.Failed} test failures`,
      })[s.result];
    return `Core tests ${words(p.core)}${p.extended ? `. Extended tests ${words(p.extended)}` : ''}.`;
  },
  extendedFeatures(p, supported) {
    const yes = sorted(p.extended.filter((f) => supported.has(f)));
    const no = sorted(p.extended.filter((f) => !supported.has(f)));
    return { ...(yes.length ? { supportedFeatures: yes } : {}), ...(no.length ? { unsupportedFeatures: no } : {}) };
  },
  provisional(results) {
    const names = sorted([...results].filter(([t, r]) => t.provisional && r === 'SUCCEEDED').map(([t]) => t.name));
    return names.length ? names : undefined;
  },
  date: (iso) => new Date(iso).toISOString().replace(/\.\d+Z$/, 'Z'),
  withheld(r, enabled) {
    if (r.setup) return "the run's setup failed: no test ran";
    // conformance.go RunConformanceWithOptions: require.NoError(Implementation.Validate()) before a report is written.
    const invalid = implementationProblem(r.implementation);
    if (invalid) return `upstream's Implementation.Validate rejects the implementation: ${invalid}`;
    // suite.go getAPIVersionAndChannel: bundle annotations on the CRDs, equal to consts.BundleVersion.
    const { version, channel } = r.environment.gatewayApi;
    if (isUnknown(version) || isUnknown(channel)) return 'the installed Gateway API CRDs carry no bundle-version and channel annotations';
    if (version !== GATEWAY_API_VERSION) return `the installed Gateway API CRDs are ${version}, the tests are ${GATEWAY_API_VERSION}'s`;
    if (enabled.length === 0)
      return `no conformance profile is enabled: the core features of ${GATEWAY_API_PROFILES.map((p) => `${p.name} (${p.core.join(', ')})`).join(' and ')} are not supported`;
    return undefined;
  },
};
