import { expect } from 'chai';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { writeReportBundle } from '../../harness/report/bundle.ts';
import { GATEWAY_API_REPORT_FILE, validateGatewayApiReport } from '../../harness/report/gateway-api-report.ts';
import { GATEWAY_API_MESH_TESTS } from '../../harness/report/gateway-api-tests.ts';
import { verifyBundle } from '../../harness/report/verify.ts';
import { reseal } from './report-fixtures.ts';
import { sealBundle } from '../../harness/report/seal.ts';
import { resultLine } from '../../harness/cli/progress.ts';
import type { Outcome, ScenarioResult } from '../../harness/runner/results.ts';
import type { Feature } from '../../harness/scenario/types.ts';
import type { Plane } from '../../harness/checks/check.ts';
import { CATALOGUE } from '../../suites/index.ts';

const MESH = CATALOGUE.filter((s) => s.area === 'mesh');
const dirs: string[] = [];

/** One control-plane and one data-plane check per scenario, ending as the scenario does. */
function results(outcomes: Record<string, Outcome> = {}): ScenarioResult[] {
  return MESH.map((s) => {
    const outcome = outcomes[s.id] ?? 'passed';
    const check = (plane: Plane) => ({ step: 'one', check: `${plane} check`, plane, outcome, detail: 'measured', requests: plane === 'data' ? 1 : 0 });
    const reason = outcome === 'passed' ? {} : { reason: `${outcome}: one` };
    return { id: s.id, outcome, durationMs: 1, convergenceMs: 0, checks: [check('control'), check('data')], timings: [], ...reason };
  });
}

async function bundleOf(rs: ScenarioResult[], o: { planes?: Plane[]; claimed?: Feature[]; gatewayApi?: { version: string; channel: string } } = {}) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'wpt-gwapi-'));
  dirs.push(dir);
  await writeReportBundle(dir, {
    results: rs, scenarios: CATALOGUE, mode: o.claimed ? 'certification' : 'e2e', planes: o.planes ?? ['control', 'data'],
    implementation: { organization: 'example', project: 'mesh', version: '1.0.0', url: 'https://example.org', contact: ['@example/maintainers'], gatewayClassName: 'istio-waypoint' },
    environment: { kubernetesVersion: 'v1.34.0', istioVersion: '1.30.5', gatewayApi: o.gatewayApi ?? { version: 'v1.6.0', channel: 'experimental' }, commandLine: 'npm run e2e' },
    claimedFeatures: o.claimed,
  });
  // As a run leaves it: the run log with each scenario's line, then the seal over every file.
  writeFileSync(path.join(dir, 'run.log'), rs.map((r) => `${new Date().toISOString()} ${resultLine(r)}\n`).join(''));
  sealBundle(dir);
  return dir;
}

const problemsOf = (dir: string) => verifyBundle(dir, CATALOGUE).problems;

async function gatewayReport(rs: ScenarioResult[], o: { planes?: Plane[]; claimed?: Feature[] } = {}) {
  const dir = await bundleOf(rs, o);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { dir, doc: parse(readFileSync(path.join(dir, GATEWAY_API_REPORT_FILE), 'utf8')) as any };
}

describe('Gateway API ConformanceReport', () => {
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('maps every mesh scenario to a v1.6.0 test, and each mapped scenario carries the test\'s features', () => {
    const mapped = new Set(GATEWAY_API_MESH_TESTS.map((t) => t.scenario));
    expect(MESH.map((s) => s.id).filter((id) => !mapped.has(id))).to.deep.equal([]);
    for (const t of GATEWAY_API_MESH_TESTS.filter((x) => x.scenario)) {
      const s = CATALOGUE.find((x) => x.id === t.scenario);
      expect(s, t.name).to.not.equal(undefined);
      expect(s!.features, t.name).to.include.members(['Mesh', ...t.features]);
    }
  });

  it('is written beside report.yaml, validates against the schema from the Go types, and report:verify accepts the bundle', async () => {
    const { dir, doc } = await gatewayReport(results());
    expect(problemsOf(dir)).to.deep.equal([]);
    expect(validateGatewayApiReport(doc)).to.deep.equal([]);
    expect(doc).to.include({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'ConformanceReport', gatewayAPIVersion: 'v1.6.0', gatewayAPIChannel: 'experimental', mode: 'default' });
    const http = doc.profiles.find((p: { name: string }) => p.name === 'MESH-HTTP');
    expect(http.core).to.deep.equal({ result: 'success', statistics: { Passed: 7, Skipped: 0, Failed: 0 } });
    // Every MESH-HTTP test has a scenario, MeshConsumerRoute (mesh/consumer-route) included.
    expect(http.extended).to.include({ result: 'success' }).and.not.have.property('skippedTests');
    expect(http.extended.statistics).to.deep.equal({ Passed: 14, Skipped: 0, Failed: 0 });
    const grpc = doc.profiles.find((p: { name: string }) => p.name === 'MESH-GRPC');
    expect(grpc.core).to.deep.equal({ result: 'success', statistics: { Passed: 1, Skipped: 0, Failed: 0 } });
  });

  it('is not written when the installed Gateway API release is unknown, and the bundle still verifies', async () => {
    const dir = await bundleOf(results(), { gatewayApi: { version: 'unknown', channel: 'unknown' } });
    expect(existsSync(path.join(dir, GATEWAY_API_REPORT_FILE))).to.equal(false);
    expect(problemsOf(dir)).to.deep.equal([]);
  });

  it('counts failed and broken scenarios as failed tests', async () => {
    const { doc } = await gatewayReport(results({ 'mesh/matching': 'failed', 'mesh/redirect-path': 'error' }));
    const http = doc.profiles[0];
    expect(http.core).to.include({ result: 'failure' });
    expect(http.core.failedTests).to.deep.equal(['MeshHTTPRouteMatching']);
    expect(http.extended.failedTests).to.deep.equal(['MeshHTTPRouteRedirectPath']);
  });

  it('passes nothing when only the control plane was checked', async () => {
    const { doc } = await gatewayReport(results(), { planes: ['control'] });
    expect(doc.profiles[0].core.statistics).to.deep.equal({ Passed: 0, Skipped: 7, Failed: 0 });
    expect(doc.profiles[0].core.result).to.equal('partial');
    // GRPCRoute's status alone (the control-plane half) never passes MeshGRPCRouteWeight.
    expect(doc.profiles[1].core).to.deep.include({ result: 'partial', skippedTests: ['MeshGRPCRouteWeight'] });
  });

  it('fails MeshGRPCRouteWeight when its scenario failed', async () => {
    const { doc } = await gatewayReport(results({ 'mesh/grpcroute-weight': 'failed' }));
    expect(doc.profiles[1].core).to.deep.include({ result: 'failure', failedTests: ['MeshGRPCRouteWeight'] });
  });

  it('does not attempt tests whose features are not claimed, and lists those features unsupported', async () => {
    const claimed: Feature[] = ['Waypoint', 'Mesh', 'HTTPRoute', 'HTTPRouteResponseHeaderModification'];
    const rs = results(Object.fromEntries(MESH.filter((s) => !s.features.every((f) => claimed.includes(f))).map((s) => [s.id, 'not-supported' as const])));
    const { doc } = await gatewayReport(rs, { claimed });
    const ext = doc.profiles[0].extended;
    expect(ext.supportedFeatures).to.deep.equal(['HTTPRouteResponseHeaderModification']);
    expect(ext.unsupportedFeatures).to.include.members(['MeshHTTPRouteRewritePath', 'HTTPRoute303RedirectStatusCode', 'MeshConsumerRoute']);
    expect(ext.statistics).to.deep.equal({ Passed: 1, Skipped: 0, Failed: 0 });
  });

  it('without a claim, lists a feature unsupported once a scenario found it so', async () => {
    const rs = results({ 'mesh/rewrite-path': 'not-supported' });
    rs.find((r) => r.id === 'mesh/rewrite-path')!.unsupportedFeatures = ['MeshHTTPRouteRewritePath'];
    const { doc } = await gatewayReport(rs);
    expect(doc.profiles[0].extended.unsupportedFeatures).to.deep.equal(['MeshHTTPRouteRewritePath']);
    expect(doc.profiles[0].extended.statistics).to.deep.equal({ Passed: 13, Skipped: 0, Failed: 0 });
  });

  it('the schema refuses what the Go types would not produce', async () => {
    const { dir, doc } = await gatewayReport(results());
    const broken = structuredClone(doc);
    broken.profiles[0].core.statistics = { passed: 1 };
    delete broken.profiles[0].summary;
    delete broken.implementation.contact;
    const problems = validateGatewayApiReport(broken);
    expect(problems.join('\n')).to.match(/statistics/).and.match(/summary/).and.match(/contact/);
    writeFileSync(path.join(dir, GATEWAY_API_REPORT_FILE), stringify(broken));
    reseal(dir);
    expect(problemsOf(dir).join('\n')).to.match(new RegExp(`${GATEWAY_API_REPORT_FILE}: .*summary`));
  });

  it('a Gateway API report that says more than report.yaml is a forgery, even resealed', async () => {
    const { dir, doc } = await gatewayReport(results({ 'mesh/matching': 'failed' }));
    const forged = structuredClone(doc);
    forged.profiles[0].core = { result: 'success', statistics: { Passed: 7, Skipped: 0, Failed: 0 } };
    writeFileSync(path.join(dir, GATEWAY_API_REPORT_FILE), stringify(forged));
    reseal(dir);
    expect(problemsOf(dir).join('\n')).to.include(`${GATEWAY_API_REPORT_FILE}: differs from the report report.yaml gives`);
  });
});
