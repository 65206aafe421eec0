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
import type { GatewayApiReport, ProfileReport, Status, TestResult } from './apis/gateway-api-v1.ts';
import type { GatewayApiConformance } from './apis/v1alpha1.ts';
import { sorted, UPSTREAM_RULES, type ReportView, type Rules } from './gateway-api-rules.ts';
import type { Feature } from '../scenario/types.ts';
import { GATEWAY_API_MESH_TESTS, type GatewayApiProfileDef, type GatewayApiTest } from './gateway-api-tests.ts';

export const GATEWAY_API_REPORT_FILE = 'gateway-api-conformance-report.yaml';
const gatewayApiReportProblems = schemaProblems(readSchema(new URL('gateway-api-report.schema.json', import.meta.url)));

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
  return {
    ...(failedTests.length ? { failedTests } : {}),
    result: rules.result(statistics),
    ...(skippedTests.length ? { skippedTests } : {}),
    statistics,
  };
}

function profileReport(
  p: GatewayApiProfileDef,
  results: Map<GatewayApiTest, TestResult>,
  supported: Set<Feature>,
  rules: Rules,
): ProfileReport | undefined {
  // reports.go: tests are added in ShortName order (suite.go Report sorts them).
  const mine = [...results]
    .filter(([t, r]) => rules.counts(r) && rules.profilesOf(t, [p]).length > 0)
    .sort(([a], [b]) => (a.name < b.name ? -1 : 1));
  if (mine.length === 0) return undefined;
  const core = statusOf(
    mine.filter(([t]) => !rules.isExtended(p, t)).map(([t, r]) => [t.name, r]),
    rules,
  );
  const ext = statusOf(
    mine.filter(([t]) => rules.isExtended(p, t)).map(([t, r]) => [t.name, r]),
    rules,
  );
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
