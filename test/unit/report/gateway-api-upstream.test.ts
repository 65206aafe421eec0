/**
 * The suite's Gateway API ConformanceReport held against Gateway API v1.6.0's own suite code: the Go
 * program in equipment/gateway-api-check (built from the Go module proxy) runs upstream's Run and Report
 * over a bundle's per-test results and lists every difference. Skipped, with the reason, without Go.
 */
import { expect } from 'chai';
import { GATEWAY_API_VERSION } from '../../../harness/versions/versions.ts';
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { parse, stringify } from 'yaml';
import {
  GATEWAY_API_REPORT_FILE,
  gatewayApiConformanceOf,
  gatewayApiReportFor,
  gatewayApiReportYaml,
  validateGatewayApiReport,
} from '../../../harness/report/gateway-api-report.ts';
import { UPSTREAM_RULES, type ReportView, type Rules } from '../../../harness/report/gateway-api-rules.ts';
import { GATEWAY_API_MESH_TESTS, GATEWAY_API_PROFILES } from '../../../harness/report/gateway-api-tests.ts';
import { ensureCheckBinary, haveGo, runCheck } from '../../../equipment/gateway-api-check/build.ts';
import { bundleMaker, results, unsupported } from './gateway-api-fixtures.ts';
import { script } from '../fake-api.ts';
import { InfraError } from '../../../harness/errors.ts';
import type { Feature } from '../../../harness/scenario/types.ts';

const NODE = [process.execPath];
const ENVOY_UNCLAIMED: Feature[] = ['MeshConsumerRoute'];
const AGENTGATEWAY_UNCLAIMED: Feature[] = [
  'MeshClusterIPMatching',
  'MeshConsumerRoute',
  'MeshHTTPRouteNamedRouteRule',
  'HTTPRouteParentRefPort',
];

/** Each rule class broken as the suite had it before (or as a plausible slip), one at a time, and the bundle that shows it. */
const BROKEN: { rule: string; fixture: string; rules: Partial<Rules> }[] = [
  {
    rule: 'profile membership: a test counts in MESH-GRPC only when it needs GRPCRoute, else in MESH-HTTP',
    fixture: 'istio',
    rules: {
      profilesOf: (t, enabled) =>
        enabled.filter((p) => (t.features.includes('GRPCRoute') ? p.name === 'MESH-GRPC' : p.name === 'MESH-HTTP')),
    },
  },
  { rule: 'provisional tests: no succeededProvisionalTests', fixture: 'istio', rules: { provisional: () => undefined } },
  {
    rule: 'supported features: only those a counted test needs',
    fixture: 'istio',
    rules: {
      extendedFeatures: (p, supported) => {
        const needed = new Set(
          GATEWAY_API_MESH_TESTS.filter((t) => UPSTREAM_RULES.profilesOf(t, [p]).length)
            .flatMap((t) => t.features)
            .filter((f) => p.extended.includes(f)),
        );
        const yes = [...needed].filter((f) => supported.has(f)).sort();
        return yes.length ? { supportedFeatures: yes } : {};
      },
    },
  },
  { rule: 'extended level: written even when no extended test counted', fixture: 'istio', rules: { hasLevel: () => true } },
  {
    rule: 'empty profile: a profile whose core features are not supported is reported',
    fixture: 'no-grpc',
    rules: { enabled: () => GATEWAY_API_PROFILES },
  },
  {
    rule: 'summary text: counts in parentheses',
    fixture: 'istio',
    rules: {
      summary: (p) =>
        `Core tests ${p.core.result} (${p.core.statistics.Passed} passed, ${p.core.statistics.Failed} failed, ${p.core.statistics.Skipped} skipped).`,
    },
  },
  { rule: 'date: ISO 8601 with milliseconds', fixture: 'istio', rules: { date: (iso) => new Date(iso).toISOString() } },
  {
    rule: 'unknown versions: a report for CRDs of another release',
    fixture: 'crd-v1.5.1',
    rules: {
      withheld: (r, e) =>
        UPSTREAM_RULES.withheld({ ...r, environment: { gatewayApi: { ...r.environment.gatewayApi, version: GATEWAY_API_VERSION } } }, e),
    },
  },
  {
    rule: 'Implementation.Validate: a report for an implementation without contact',
    fixture: 'no-contact',
    rules: { withheld: (r, e) => UPSTREAM_RULES.withheld({ ...r, implementation: { ...r.implementation, contact: ['x'] } }, e) },
  },
  {
    rule: 'not supported: a test whose features are not supported counted as skipped',
    fixture: 'agentgateway',
    rules: {
      testResult: (t, r, supported) =>
        UPSTREAM_RULES.testResult(t, r, supported) === 'NOT_SUPPORTED' ? 'SKIPPED' : UPSTREAM_RULES.testResult(t, r, supported),
    },
  },
  {
    rule: 'control-plane-only run: a test passes on its control-plane half',
    fixture: 'control-plane',
    rules: { testResult: (t, r, supported) => UPSTREAM_RULES.testResult(t, { ...r, planes: ['control', 'data'] }, supported) },
  },
];

/** Rewrites a copy of the bundle as the broken rules would have written it. */
function breakBundle(dir: string, rules: Partial<Rules>, into: string): void {
  cpSync(dir, into, { recursive: true });
  const all: Rules = { ...UPSTREAM_RULES, ...rules };
  const reportFile = path.join(into, 'report.yaml');
  const report = parse(readFileSync(reportFile, 'utf8')) as ReportView & { gatewayApiConformance: unknown };
  report.gatewayApiConformance = gatewayApiConformanceOf(report, all);
  writeFileSync(reportFile, stringify(report));
  const doc = gatewayApiReportFor(report, all);
  rmSync(path.join(into, GATEWAY_API_REPORT_FILE), { force: true });
  if (doc) writeFileSync(path.join(into, GATEWAY_API_REPORT_FILE), gatewayApiReportYaml(doc));
}

describe("Gateway API ConformanceReport against upstream's own suite code (equipment/gateway-api-check, Go)", function () {
  this.timeout(20 * 60_000);
  const bundleOf = bundleMaker();
  const fixtures = new Map<string, string>();
  let work: string;

  before(async function () {
    if (!(await haveGo())) {
      console.log(
        "      skipped: Go is not on PATH, and the check is upstream's Go code (install Go, see equipment/gateway-api-check/go.mod for the version)",
      );
      this.skip();
    }
    await ensureCheckBinary((l) => console.log(`      ${l}`));
    work = mkdtempSync(path.join(os.tmpdir(), 'wpt-gwcheck-'));
    const make: [string, Promise<string>][] = [
      ['istio', bundleOf(unsupported(ENVOY_UNCLAIMED))],
      ['agentgateway', bundleOf(unsupported(AGENTGATEWAY_UNCLAIMED))],
      [
        'failures',
        bundleOf(
          results({
            'mesh/matching': 'failed',
            'mesh/redirect-path': 'error',
            'mesh/grpcroute-weight': 'failed',
            'mesh/redirect-303': 'failed',
            'mesh/frontend': 'failed',
          }),
        ),
      ],
      ['control-plane', bundleOf(results(), { planes: ['control'] })],
      [
        'not-run',
        bundleOf(results({ 'mesh/basic': 'not-run', 'mesh/rewrite-path': 'not-run' }).filter((r) => r.id !== 'mesh/traffic-split')),
      ],
      ['no-grpc', bundleOf(unsupported(['GRPCRoute']))],
      [
        'certified',
        bundleOf(unsupported(ENVOY_UNCLAIMED), {
          claimed: ['Waypoint', 'Mesh', 'HTTPRoute', 'GRPCRoute', 'MeshHTTPRouteRewritePath', 'HTTPRoute303RedirectStatusCode'],
        }),
      ],
      ['crd-v1.5.1', bundleOf(results(), { gatewayApi: { version: 'v1.5.1', channel: 'experimental' } })],
      ['crd-unknown', bundleOf(results(), { gatewayApi: { version: 'unknown', channel: 'unknown' } })],
      ['no-contact', bundleOf(results(), { contact: [] })],
      ['no-mesh', bundleOf(unsupported(['Mesh']))],
    ];
    for (const [name, dir] of make) fixtures.set(name, await dir);
  });
  after(() => work && rmSync(work, { recursive: true, force: true }));

  it('agrees on the self-test bundles of both implementation files', async () => {
    const dirs = ['istio-envoy-waypoint', 'istio-agentgateway-waypoint'].map((impl) => path.join(work, `selftest-${impl}`));
    await Promise.all(
      dirs.map((dir, i) =>
        execa(NODE[0], [
          ...NODE.slice(1),
          'scripts/selftest.ts',
          '--implementation',
          `implementations/${['istio-envoy-waypoint', 'istio-agentgateway-waypoint'][i]}.yaml`,
          '--report-dir',
          dir,
        ]),
      ),
    );
    const r = await runCheck(dirs);
    expect(r.exitCode, r.output).to.equal(0);
    for (const d of dirs) expect(r.verdicts.get(d)?.verdict, r.output).to.equal('AGREES');
    // Not vacuous: each holds a report with both mesh profiles.
    for (const d of dirs)
      expect(
        parse(readFileSync(path.join(d, GATEWAY_API_REPORT_FILE), 'utf8')).profiles.map((p: { name: string }) => p.name),
      ).to.deep.equal(['MESH-GRPC', 'MESH-HTTP']);
  });

  it('agrees on bundles of every shape: failures, control plane only, unselected and unsupported tests, a claim, and where upstream writes no report', async () => {
    const r = await runCheck([...fixtures.values()]);
    expect(r.exitCode, r.output).to.equal(0);
    expect([...r.verdicts.values()].map((v) => v.verdict)).to.deep.equal([...fixtures.keys()].map(() => 'AGREES'));
  });

  it('finds each rule class broken, one at a time, and names the difference', async () => {
    const broken = BROKEN.map((b, i) => {
      const into = path.join(work, `broken-${i}`);
      breakBundle(fixtures.get(b.fixture)!, b.rules, into);
      return { ...b, into };
    });
    const r = await runCheck(broken.map((b) => b.into));
    expect(r.exitCode, r.output).to.equal(1);
    const missed = broken.filter((b) => r.verdicts.get(b.into)?.verdict !== 'DIFFERS').map((b) => b.rule);
    expect(missed, r.output).to.deep.equal([]);
    for (const b of broken) console.log(`      ${b.rule}\n        → ${r.verdicts.get(b.into)!.lines[1]}`);
    // The check also agrees with the unbroken rules applied the same way: the differences are the rules'.
    const same = path.join(work, 'unbroken');
    breakBundle(fixtures.get('istio')!, {}, same);
    expect((await runCheck([same])).exitCode).to.equal(0);
  });

  it("accepts what report:gateway-api writes, in upstream's conformance/reports layout, and not a misnamed copy", async () => {
    const out = path.join(work, 'gateway-api');
    const cli = await execa(
      NODE[0],
      [...NODE.slice(1), 'scripts/report-gateway-api.ts', fixtures.get('agentgateway')!, '--out', out, '--check'],
      { reject: false, all: true },
    );
    expect(cli.exitCode, cli.all).to.equal(0);
    const file = path.join(out, 'conformance/reports/v1.6/example-mesh/experimental-1.0.0-default-report.yaml');
    expect(readFileSync(file)).to.deep.equal(readFileSync(path.join(fixtures.get('agentgateway')!, GATEWAY_API_REPORT_FILE)));
    const readme = readFileSync(path.join(path.dirname(file), 'README.md'), 'utf8');
    expect(readme)
      .to.include('| experimental | [1.0.0](https://example.org) | default | [1.0.0 report](./experimental-1.0.0-default-report.yaml) |')
      .and.include('## Reproduce');
    expect(cli.all).to.match(/AGREES/);
    const wrong = path.join(path.dirname(file), 'standard-1.0.0-default-report.yaml');
    renameSync(file, wrong);
    const r = await runCheck(['-report', wrong, fixtures.get('agentgateway')!]);
    expect(r.exitCode).to.equal(1);
    expect(r.output)
      .to.include("upstream's README asks for <API channel>-<implementation version>-<mode>-report.yaml")
      .and.include('does not link it');
    unlinkSync(wrong);
    // A control-plane-only run (as CI's against the real control plane): every test skipped, partial, written and agreeing.
    const cp = await execa(
      NODE[0],
      [...NODE.slice(1), 'scripts/report-gateway-api.ts', fixtures.get('control-plane')!, '--out', path.join(work, 'cp'), '--check'],
      { reject: false, all: true },
    );
    expect(cp.exitCode, cp.all).to.equal(0);
    expect(cp.all)
      .to.match(/note: MESH-HTTP: Core tests partially succeeded with 7 test skips/)
      .and.match(/AGREES/);
  });

  it('report:gateway-api refuses a self-test bundle and a bundle without a report, saying why', async () => {
    const run = (dir: string) =>
      execa(NODE[0], [...NODE.slice(1), 'scripts/report-gateway-api.ts', dir, '--out', path.join(work, 'refused')], {
        reject: false,
        all: true,
      });
    const selftest = await run(path.join(work, 'selftest-istio-envoy-waypoint'));
    expect(selftest.exitCode).to.equal(2);
    expect(selftest.all).to.match(/is a self-test bundle/);
    const none = await run(fixtures.get('crd-v1.5.1')!);
    expect(none.exitCode).to.equal(1);
    expect(none.all).to.match(/holds no gateway-api-conformance-report.yaml: the installed Gateway API CRDs are v1.5.1/);
  });

  it("the project's schema accepts the report upstream's code writes for the same results", async () => {
    for (const name of ['istio', 'failures', 'control-plane', 'agentgateway']) {
      const emitted = path.join(work, `${name}.upstream.yaml`);
      const r = await runCheck(['-emit', emitted, fixtures.get(name)!]);
      expect(r.exitCode, r.output).to.equal(0);
      expect(validateGatewayApiReport(parse(readFileSync(emitted, 'utf8'))), name).to.deep.equal([]);
    }
  });
});

describe('report:gateway-api --check has a deadline', () => {
  it('a check that does not answer is stopped and named (exit 3), not waited for', async function () {
    this.timeout(30_000);
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wpt-gwcheck-hang-'));
    try {
      const started = Date.now();
      const err = await runCheck([dir], { bin: script(dir, 'gateway-api-check', ['sleep 300']), timeoutMs: 500 }).catch((e) => e);
      expect(err).to.be.instanceOf(InfraError);
      expect((err as InfraError).message).to.equal('equipment/gateway-api-check did not answer within 1s');
      expect(Date.now() - started).to.be.below(10_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
