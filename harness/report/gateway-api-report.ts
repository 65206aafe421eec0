/**
 * Gateway API's own ConformanceReport (apiVersion gateway.networking.k8s.io/v1, the Go types of
 * kubernetes-sigs/gateway-api v1.6.0 conformance/apis/v1: conformancereport.go, profilereport.go),
 * derived from this suite's report so that a vendor can submit it upstream. A test counts as passed
 * only when its scenario passed with data-plane checks; a test whose features are not claimed (or,
 * without a claim, were found unsupported) is not attempted and its features are listed unsupported,
 * as upstream's suite does.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import type { Feature } from '../scenario/types.ts';
import type { ConformanceReport } from './model.ts';
import { GATEWAY_API_MESH_TESTS, type GatewayApiProfile, type GatewayApiTest } from './gateway-api-tests.ts';

export const GATEWAY_API_REPORT_FILE = 'gateway-api-conformance-report.yaml';
const SCHEMA = JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'gateway-api-report.schema.json'), 'utf8'));

type Result = 'success' | 'partial' | 'failure';
interface Status {
  result: Result;
  statistics: { Passed: number; Skipped: number; Failed: number };
  skippedTests?: string[];
  failedTests?: string[];
}
interface ProfileReport {
  name: GatewayApiProfile;
  summary: string;
  core: Status;
  extended?: Status & { supportedFeatures?: string[]; unsupportedFeatures?: string[] };
}

type TestOutcome = 'passed' | 'failed' | 'skipped';

function outcomeOf(t: GatewayApiTest, report: ConformanceReport): TestOutcome {
  const s = t.scenario ? report.scenarios.find((x) => x.id === t.scenario) : undefined;
  if (!s || !report.planes.includes('data')) return 'skipped';
  if (s.outcome === 'passed') return 'passed';
  return s.outcome === 'failed' || s.outcome === 'error' ? 'failed' : 'skipped';
}

function status(outcomes: [string, TestOutcome][]): Status {
  const named = (o: TestOutcome) => outcomes.filter(([, x]) => x === o).map(([n]) => n).sort();
  const [passed, skipped, failed] = [named('passed'), named('skipped'), named('failed')];
  const result: Result = failed.length > 0 ? 'failure' : skipped.length > 0 || passed.length === 0 ? 'partial' : 'success';
  return {
    result, statistics: { Passed: passed.length, Skipped: skipped.length, Failed: failed.length },
    ...(skipped.length ? { skippedTests: skipped } : {}), ...(failed.length ? { failedTests: failed } : {}),
  };
}

function describe(level: string, s: Status): string {
  const words = { success: 'succeeded', partial: 'partially succeeded', failure: 'failed' }[s.result];
  const n = s.statistics;
  return `${level} tests ${words} (${n.Passed} passed, ${n.Failed} failed, ${n.Skipped} skipped).`;
}

/** The claim when there is one (certification); else every feature that no scenario or check found unsupported. */
function claimedBy(report: ConformanceReport): (f: Feature) => boolean {
  if (report.claimedFeatures) {
    const claims = new Set<string>(report.claimedFeatures);
    return (f) => claims.has(f);
  }
  const unsupported = new Set<string>(report.scenarios.flatMap((s) => [...(s.unsupportedFeatures ?? []), ...s.checks.flatMap((c) => c.unsupportedFeatures ?? [])]));
  return (f) => !unsupported.has(f);
}

function profileReport(name: GatewayApiProfile, report: ConformanceReport): ProfileReport {
  const claimed = claimedBy(report);
  const tests = GATEWAY_API_MESH_TESTS.filter((t) => t.profile === name);
  const core = status(tests.filter((t) => t.features.length === 0).map((t) => [t.name, outcomeOf(t, report)]));
  const extendedTests = tests.filter((t) => t.features.length > 0);
  const features = [...new Set(extendedTests.flatMap((t) => t.features))].sort();
  const attempted = extendedTests.filter((t) => t.features.every(claimed));
  const extended = status(attempted.map((t) => [t.name, outcomeOf(t, report)]));
  const supportedFeatures = features.filter(claimed);
  const unsupportedFeatures = features.filter((f) => !claimed(f));
  return {
    name,
    summary: [describe('Core', core), ...(extendedTests.length ? [describe('Extended', extended)] : [])].join(' '),
    core,
    ...(extendedTests.length ? {
      extended: { ...extended, ...(supportedFeatures.length ? { supportedFeatures } : {}), ...(unsupportedFeatures.length ? { unsupportedFeatures } : {}) },
    } : {}),
  };
}

export function buildGatewayApiReport(report: ConformanceReport) {
  const { organization, project, url, version, contact } = report.implementation;
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'ConformanceReport',
    implementation: { organization, project, url, version, contact },
    date: report.date,
    gatewayAPIVersion: report.environment.gatewayApi.version,
    gatewayAPIChannel: report.environment.gatewayApi.channel,
    mode: 'default',
    profiles: (['MESH-HTTP', 'MESH-GRPC'] as const).map((p) => profileReport(p, report)),
  };
}

/**
 * The report to write, or undefined when none can be submitted: the run's setup failed, or the
 * installed Gateway API release or channel is unknown (CRDs without bundle annotations).
 */
export function gatewayApiReportFor(report: ConformanceReport): ReturnType<typeof buildGatewayApiReport> | undefined {
  const { version, channel } = report.environment.gatewayApi;
  if (report.setup || version === 'unknown' || !['standard', 'experimental'].includes(channel)) return undefined;
  return buildGatewayApiReport(report);
}

export function validateGatewayApiReport(doc: unknown): string[] {
  const ajv = new Ajv({ allErrors: true });
  if (ajv.validate(SCHEMA, doc)) return [];
  return (ajv.errors ?? []).map((e) => `${GATEWAY_API_REPORT_FILE}: ${e.instancePath || '/'} ${e.message}`);
}

/** report:verify: the file, when the bundle has one, must match the schema. */
export function verifyGatewayApiReport(dir: string): string[] {
  const file = path.join(dir, GATEWAY_API_REPORT_FILE);
  return existsSync(file) ? validateGatewayApiReport(parse(readFileSync(file, 'utf8'))) : [];
}
