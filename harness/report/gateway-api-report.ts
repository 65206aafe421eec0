/**
 * Gateway API's own ConformanceReport (gateway.networking.k8s.io/v1, the Go types of
 * kubernetes-sigs/gateway-api v1.6.0 conformance/apis/v1), built from this suite's report by the
 * rules upstream's suite applies (conformance/utils/suite: suite.go Run and Report, reports.go,
 * profiles.go; conformance/conformance.go). Each rule is one function of UPSTREAM_RULES, cited; the
 * cross-check (equipment/gateway-api-check, upstream's own Go code) breaks them one at a time.
 *
 * The suite's part is the per-test result (report.yaml gatewayApiConformance.tests): a test whose
 * features are not all supported is NOT_SUPPORTED (upstream's rule); otherwise it SUCCEEDED when its
 * scenario passed with data-plane checks run, FAILED when the scenario failed or broke, and was
 * SKIPPED (as upstream's SkipTests) in every other case: a control-plane-only run, a scenario not
 * selected or not run.
 */
import { Document, Scalar } from 'yaml';
import { readSchema, schemaProblems } from '../schema.ts';
import { GATEWAY_API_VERSION } from '../versions/versions.ts';
import type { ExtendedStatus, GatewayApiReport, ProfileReport, Result, Statistics, Status, TestResult } from './apis/gateway-api-v1.ts';
import type { GatewayApiConformance } from './apis/v1alpha1.ts';
import type { Feature } from '../scenario/types.ts';
import type { Outcome } from '../runner/results.ts';
import {
  GATEWAY_API_MESH_FEATURES, GATEWAY_API_MESH_TESTS, GATEWAY_API_PROFILES,
  type GatewayApiProfileDef, type GatewayApiTest,
} from './gateway-api-tests.ts';

export const GATEWAY_API_REPORT_FILE = 'gateway-api-conformance-report.yaml';
const gatewayApiReportProblems = schemaProblems(readSchema(new URL('gateway-api-report.schema.json', import.meta.url)));

/** The parts of the suite's report the rules read. */
export interface ReportView {
  date: string;
  planes: readonly string[];
  implementation: { organization: string; project: string; url: string; version: string; contact: string[] };
  environment: { gatewayApi: { version: string; channel: string } };
  claimedFeatures?: readonly string[];
  setup?: unknown;
  scenarios: readonly { id: string; outcome: Outcome | string; unsupportedFeatures?: readonly string[]; checks: readonly { unsupportedFeatures?: readonly string[] }[] }[];
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

const sorted = <T extends string>(xs: Iterable<T>): T[] => [...xs].sort();
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
    const found = new Set(r.scenarios.flatMap((s) => [...(s.unsupportedFeatures ?? []), ...s.checks.flatMap((c) => c.unsupportedFeatures ?? [])]));
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
    const words = (s: Status) => ({ success: 'succeeded', partial: `partially succeeded with ${s.statistics.Skipped} test skips`, failure: `failed with ${s.statistics.Failed} test failures` })[s.result];
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
    if (enabled.length === 0) return `no conformance profile is enabled: the core features of ${GATEWAY_API_PROFILES.map((p) => `${p.name} (${p.core.join(', ')})`).join(' and ')} are not supported`;
    return undefined;
  },
};

/** report.yaml's gatewayApiConformance section: per-test results and what they depend on. */
export function gatewayApiConformanceOf(r: ReportView, rules: Rules = UPSTREAM_RULES): GatewayApiConformance {
  const supported = rules.supported(r);
  const enabled = rules.enabled(supported);
  const withheld = rules.withheld(r, enabled);
  return {
    version: GATEWAY_API_VERSION,
    profiles: enabled.map((p) => p.name),
    supportedFeatures: sorted(supported),
    tests: GATEWAY_API_MESH_TESTS.map((t) => ({ name: t.name, scenario: t.scenario, result: rules.testResult(t, r, supported) })),
    ...(withheld ? { withheld } : {}),
  };
}

function statusOf(entries: [string, TestResult][], rules: Rules): Status {
  const named = (x: TestResult) => entries.filter(([, r]) => r === x).map(([n]) => n);
  const statistics = { Failed: named('FAILED').length, Passed: named('SUCCEEDED').length, Skipped: named('SKIPPED').length };
  const failedTests = named('FAILED');
  const skippedTests = named('SKIPPED');
  return { ...(failedTests.length ? { failedTests } : {}), result: rules.result(statistics), ...(skippedTests.length ? { skippedTests } : {}), statistics };
}

function profileReport(p: GatewayApiProfileDef, results: Map<GatewayApiTest, TestResult>, supported: Set<Feature>, rules: Rules): ProfileReport | undefined {
  // reports.go: tests are added in ShortName order (suite.go Report sorts them).
  const mine = [...results].filter(([t, r]) => rules.counts(r) && rules.profilesOf(t, [p]).length > 0).sort(([a], [b]) => (a.name < b.name ? -1 : 1));
  if (mine.length === 0) return undefined;
  const core = statusOf(mine.filter(([t]) => !rules.isExtended(p, t)).map(([t, r]) => [t.name, r]), rules);
  const ext = statusOf(mine.filter(([t]) => rules.isExtended(p, t)).map(([t, r]) => [t.name, r]), rules);
  const extended = rules.hasLevel(ext.statistics) ? { ...ext, ...rules.extendedFeatures(p, supported) } : undefined;
  const body = { core, ...(extended ? { extended } : {}), name: p.name };
  return { ...body, summary: rules.summary(body) };
}

export function buildGatewayApiReport(r: ReportView, rules: Rules = UPSTREAM_RULES): GatewayApiReport {
  const supported = rules.supported(r);
  const enabled = rules.enabled(supported);
  const results = new Map(GATEWAY_API_MESH_TESTS.map((t) => [t, rules.testResult(t, r, supported)] as const));
  const inProfiles = new Map([...results].filter(([t]) => rules.profilesOf(t, enabled).length > 0));
  const { organization, project, url, version, contact } = r.implementation;
  const provisional = rules.provisional(results);
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    date: rules.date(r.date),
    gatewayAPIChannel: r.environment.gatewayApi.channel,
    gatewayAPIVersion: r.environment.gatewayApi.version,
    implementation: { contact, organization, project, url, version },
    kind: 'ConformanceReport',
    mode: 'default',
    profiles: enabled.flatMap((p) => profileReport(p, inProfiles, supported, rules) ?? []),
    ...(provisional ? { succeededProvisionalTests: provisional } : {}),
  };
}

/** The report to write, or undefined when upstream's suite would write none (see Rules.withheld). */
export function gatewayApiReportFor(r: ReportView, rules: Rules = UPSTREAM_RULES): GatewayApiReport | undefined {
  return rules.withheld(r, rules.enabled(rules.supported(r))) ? undefined : buildGatewayApiReport(r, rules);
}

/**
 * The file's text as upstream's writer gives it (conformance.go writeReport: sigs.k8s.io/yaml, keys in
 * encoding/json's sorted order); the date double-quoted, as YAML 1.1 readers would take it for a timestamp.
 */
export function gatewayApiReportYaml(doc: GatewayApiReport): string {
  const d = new Document(doc, { sortMapEntries: true });
  const date = d.get('date', true) as Scalar;
  date.type = Scalar.QUOTE_DOUBLE;
  return d.toString();
}

export function validateGatewayApiReport(doc: unknown): string[] {
  return gatewayApiReportProblems(doc).map((p) => `${GATEWAY_API_REPORT_FILE}: ${p}`);
}
