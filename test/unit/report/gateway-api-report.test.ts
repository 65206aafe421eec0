import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { GATEWAY_API_REPORT_FILE, gatewayApiReportFor, validateGatewayApiReport } from '../../../harness/report/gateway-api-report.ts';
import { GATEWAY_API_MESH_TESTS } from '../../../harness/report/gateway-api-tests.ts';
import { verifyBundle } from '../../../harness/report/verify.ts';
import { reseal } from './report-fixtures.ts';
import type { ScenarioResult } from '../../../harness/runner/results.ts';
import type { Feature } from '../../../harness/scenario/types.ts';
import { bundleMaker, MESH, results, type BundleOpts } from './gateway-api-fixtures.ts';
import { CATALOGUE } from '../../../suites/index.ts';

const bundleOf = bundleMaker();

const problemsOf = (dir: string) => verifyBundle(dir, CATALOGUE).problems;

async function gatewayReport(rs: ScenarioResult[], o: BundleOpts = {}) {
  const dir = await bundleOf(rs, o);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return { dir, doc: parse(readFileSync(path.join(dir, GATEWAY_API_REPORT_FILE), 'utf8')) as any };
}

describe('Gateway API ConformanceReport', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const profile = (doc: any, name: string) => doc.profiles.find((p: { name: string }) => p.name === name);

  it("maps every mesh scenario to a v1.6.0 test, and each mapped scenario carries the test's features", () => {
    const mapped = new Set(GATEWAY_API_MESH_TESTS.map((t) => t.scenario));
    expect(MESH.map((s) => s.id).filter((id) => !mapped.has(id))).to.deep.equal([]);
    for (const t of GATEWAY_API_MESH_TESTS) {
      const s = CATALOGUE.find((x) => x.id === t.scenario);
      expect(s, t.name).to.not.equal(undefined);
      expect(s!.features, t.name).to.include.members(t.features);
    }
  });

  it('counts each test in the mesh profiles that hold all its features, as upstream does, and report:verify accepts the bundle', async () => {
    const { dir, doc } = await gatewayReport(results());
    expect(problemsOf(dir)).to.deep.equal([]);
    expect(validateGatewayApiReport(doc)).to.deep.equal([]);
    expect(doc).to.include({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'ConformanceReport',
      gatewayAPIVersion: 'v1.6.0',
      gatewayAPIChannel: 'experimental',
      mode: 'default',
    });
    expect(doc.profiles.map((p: { name: string }) => p.name)).to.deep.equal(['MESH-GRPC', 'MESH-HTTP']);
    // MeshBasic needs only Mesh: core of both profiles. MeshGRPCRouteWeight is MESH-GRPC's only other test.
    expect(profile(doc, 'MESH-GRPC')).to.deep.equal({
      core: { result: 'success', statistics: { Failed: 0, Passed: 2, Skipped: 0 } },
      name: 'MESH-GRPC',
      summary: 'Core tests succeeded.',
    });
    const http = profile(doc, 'MESH-HTTP');
    expect(http.core).to.deep.equal({ result: 'success', statistics: { Failed: 0, Passed: 7, Skipped: 0 } });
    // Tests needing HTTPRouteResponseHeaderModification, HTTPRouteParentRefPort or a 30x status-code feature
    // are in no mesh profile (those features are in neither MESH-HTTP's core nor its extended set).
    expect(http.extended.statistics).to.deep.equal({ Failed: 0, Passed: 7, Skipped: 0 });
    expect(http.summary).to.equal('Core tests succeeded. Extended tests succeeded.');
    // Every mesh extended feature supported, whether a test of the profile needs it or not.
    expect(http.extended.supportedFeatures).to.have.length(9).and.include('MeshConsumerRoute');
    expect(http.extended).to.not.have.property('unsupportedFeatures');
    // Provisional tests that succeeded, in a profile or not.
    expect(doc.succeededProvisionalTests).to.deep.equal([
      'MeshHTTPRoute303Redirect',
      'MeshHTTPRoute307Redirect',
      'MeshHTTPRoute308Redirect',
      'MeshHTTPRouteNamedRule',
    ]);
    // time.RFC3339, as upstream stamps it: no fraction of a second.
    expect(doc.date).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(readFileSync(path.join(dir, GATEWAY_API_REPORT_FILE), 'utf8')).to.match(/^date: "\d{4}-[^"]+Z"$/m);
  });

  it('records the per-test results it is computed from in report.yaml', async () => {
    const dir = await bundleOf(results({ 'mesh/matching': 'failed' }), { claimed: ['Mesh', 'HTTPRoute'] });
    const g = parse(readFileSync(path.join(dir, 'report.yaml'), 'utf8')).gatewayApiConformance;
    expect(g).to.deep.include({ version: 'v1.6.0', profiles: ['MESH-HTTP'], supportedFeatures: ['HTTPRoute', 'Mesh'] });
    const result = (name: string) => g.tests.find((t: { name: string }) => t.name === name).result;
    expect([result('MeshBasic'), result('MeshHTTPRouteMatching'), result('MeshGRPCRouteWeight')]).to.deep.equal([
      'SUCCEEDED',
      'FAILED',
      'NOT_SUPPORTED',
    ]);
  });

  for (const [what, o, why] of [
    [
      'the installed Gateway API release is unknown',
      { gatewayApi: { version: 'unknown', channel: 'unknown' } },
      /no bundle-version and channel annotations/,
    ],
    [
      'the installed CRDs are another release than the tests',
      { gatewayApi: { version: 'v1.5.1', channel: 'experimental' } },
      /CRDs are v1.5.1, the tests are v1.6.0's/,
    ],
    ["upstream's Implementation.Validate rejects the implementation (no contact)", { contact: [] as string[] }, /contact cannot be empty/],
    ["no profile's core features are supported", { meshUnsupported: true }, /no conformance profile is enabled/],
  ] as const) {
    it(`is not written when ${what}, says why in report.yaml, and the bundle still verifies`, async () => {
      // An implementation without Mesh: every mesh scenario is not supported, and says so.
      const rs = results('meshUnsupported' in o ? Object.fromEntries(MESH.map((m) => [m.id, 'not-supported' as const])) : {});
      if ('meshUnsupported' in o)
        rs.forEach((r) => {
          r.unsupportedFeatures = ['Mesh'];
        });
      const dir = await bundleOf(rs, o);
      expect(existsSync(path.join(dir, GATEWAY_API_REPORT_FILE))).to.equal(false);
      expect(parse(readFileSync(path.join(dir, 'report.yaml'), 'utf8')).gatewayApiConformance.withheld).to.match(why);
      expect(problemsOf(dir)).to.deep.equal([]);
    });
  }

  it('counts failed and broken scenarios as failed tests, and says how many in the summary', async () => {
    const { doc } = await gatewayReport(results({ 'mesh/matching': 'failed', 'mesh/redirect-path': 'error' }));
    const http = profile(doc, 'MESH-HTTP');
    expect(http.core).to.deep.include({ result: 'failure', failedTests: ['MeshHTTPRouteMatching'] });
    expect(http.extended.failedTests).to.deep.equal(['MeshHTTPRouteRedirectPath']);
    expect(http.summary).to.equal('Core tests failed with 1 test failures. Extended tests failed with 1 test failures.');
  });

  it('passes nothing when only the control plane was checked: every supported test is skipped', async () => {
    const { doc } = await gatewayReport(results(), { planes: ['control'] });
    const http = profile(doc, 'MESH-HTTP');
    expect(http.core.statistics).to.deep.equal({ Failed: 0, Passed: 0, Skipped: 7 });
    expect(http.summary).to.equal(
      'Core tests partially succeeded with 7 test skips. Extended tests partially succeeded with 7 test skips.',
    );
    // GRPCRoute's status alone (the control-plane half) never passes MeshGRPCRouteWeight.
    expect(profile(doc, 'MESH-GRPC').core).to.deep.include({ result: 'partial', skippedTests: ['MeshBasic', 'MeshGRPCRouteWeight'] });
    expect(doc).to.not.have.property('succeededProvisionalTests');
  });

  it('counts no test whose features are not claimed, reports no extended level with none counted, and no profile whose core is unclaimed', async () => {
    const claimed: Feature[] = ['Waypoint', 'Mesh', 'HTTPRoute', 'HTTPRouteResponseHeaderModification'];
    const rs = results(
      Object.fromEntries(MESH.filter((s) => !s.features.every((f) => claimed.includes(f))).map((s) => [s.id, 'not-supported' as const])),
    );
    const { doc } = await gatewayReport(rs, { claimed });
    expect(doc.profiles.map((p: { name: string }) => p.name)).to.deep.equal(['MESH-HTTP']);
    expect(profile(doc, 'MESH-HTTP')).to.deep.equal({
      core: { result: 'success', statistics: { Failed: 0, Passed: 7, Skipped: 0 } },
      name: 'MESH-HTTP',
      summary: 'Core tests succeeded.',
    });
  });

  it('without a claim, lists a feature unsupported once a scenario found it so', async () => {
    const rs = results({ 'mesh/rewrite-path': 'not-supported' });
    rs.find((r) => r.id === 'mesh/rewrite-path')!.unsupportedFeatures = ['MeshHTTPRouteRewritePath'];
    const { doc } = await gatewayReport(rs);
    const http = profile(doc, 'MESH-HTTP');
    expect(http.extended.unsupportedFeatures).to.deep.equal(['MeshHTTPRouteRewritePath']);
    expect(http.extended.statistics).to.deep.equal({ Failed: 0, Passed: 6, Skipped: 0 });
  });

  it('the schema accepts what upstream writes (provisional tests, a level without failures listed, a null profile list) and refuses what Validate or the Go types refuse', async () => {
    const { dir, doc } = await gatewayReport(results());
    expect(validateGatewayApiReport({ ...doc, profiles: null })).to.deep.equal([]);
    expect(validateGatewayApiReport({ ...doc, gatewayAPIChannel: 'UNDEFINED', gatewayAPIVersion: 'UNDEFINED' })).to.deep.equal([]);
    const broken = structuredClone(doc);
    broken.profiles[0].core.statistics = { passed: 1 };
    delete broken.profiles[0].summary;
    broken.implementation.contact = [];
    broken.date = '2026-11-23T10:00:00.123Z';
    const problems = validateGatewayApiReport(broken).join('\n');
    expect(problems)
      .to.match(/statistics/)
      .and.match(/summary/)
      .and.match(/contact/)
      .and.match(/date/);
    writeFileSync(path.join(dir, GATEWAY_API_REPORT_FILE), stringify(broken));
    reseal(dir);
    expect(problemsOf(dir).join('\n')).to.match(new RegExp(`${GATEWAY_API_REPORT_FILE}: .*summary`));
  });

  it('a Gateway API report that says more than report.yaml is a forgery, even resealed', async () => {
    const { dir, doc } = await gatewayReport(results({ 'mesh/matching': 'failed' }));
    const forged = structuredClone(doc);
    profile(forged, 'MESH-HTTP').core = { result: 'success', statistics: { Failed: 0, Passed: 7, Skipped: 0 } };
    writeFileSync(path.join(dir, GATEWAY_API_REPORT_FILE), stringify(forged));
    reseal(dir);
    expect(problemsOf(dir).join('\n')).to.include(`${GATEWAY_API_REPORT_FILE}: differs from the report report.yaml gives`);
  });

  it('gatewayApiReportFor reads report.yaml as parsed back from the bundle', async () => {
    const dir = await bundleOf(results());
    const again = gatewayApiReportFor(parse(readFileSync(path.join(dir, 'report.yaml'), 'utf8')));
    expect(again).to.deep.equal(parse(readFileSync(path.join(dir, GATEWAY_API_REPORT_FILE), 'utf8')));
  });
});
