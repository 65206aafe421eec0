/** The self-test itself, and a test of the self-test: a weakened assertion lets a mutant live. */
import { expect } from 'chai';
import { CATALOGUE } from '../../suites/index.ts';
import { runOnModel, selfTest, survivors, unseenClose } from '../../equipment/selftest/selftest.ts';
import { CURL_EXIT, L4_CLOSE_EXITS } from '../../harness/traffic/verdict.ts';
import { ECHO_POD_MARKER } from '../../harness/traffic/response-markers.ts';
import { MUTANTS } from '../../equipment/model/mutations.ts';
import type { Expectation } from '../../harness/checks/registry.ts';
import type { Scenario } from '../../harness/record/record.ts';
import type { ObjectRef } from '../../harness/cluster/types.ts';
import { ModelCluster } from '../../equipment/model/model-cluster.ts';
import { MODEL_TIMING } from '../../equipment/model/timing.ts';
import { makeEnv, runWithClients } from '../../harness/runner/run.ts';
import { ISTIO_FEATURES } from '../../harness/scenario/features.ts';

describe('self-test against the ambient model', function () {
  // The whole catalogue against the faithful model and every mutant: minutes on a busy 2-core machine.
  this.timeout(600_000);

  it('passes every scenario on the faithful model and catches every mutant in its area', async () => {
    const seed = Number(process.env.WPT_SEED ?? 1);
    console.log(`      seed ${seed}`);
    const r = await selfTest(CATALOGUE, seed);
    expect(CATALOGUE.length).to.be.at.least(30);
    expect(r.faithful.results.filter((x) => x.outcome !== 'passed').map((x) => `${x.id}: ${x.outcome}: ${x.reason}`)).to.deep.equal([]);
    expect(r.mutants.length).to.equal(Object.keys(MUTANTS).length).and.to.be.at.least(10);
    expect(survivors(r).map((m) => m.name)).to.deep.equal([]);
    expect(unseenClose(r.l4Closes), JSON.stringify(r.l4Closes)).to.equal(undefined);
    for (const m of r.mutants) {
      const areas = m.killedBy.map((id) => CATALOGUE.find((s) => s.id === id)!.area);
      expect(areas, m.name).to.include(m.area);
    }
  });

  it('a deny check weakened to accept any denial lets the L4-deny-as-403 mutant survive', async () => {
    const weaken = (e: Expectation): Expectation =>
      e.type === 'traffic' && e.verdict === 'denied-l4' ? { ...e, verdict: ['denied-l4', 'denied-l7'] } : e;
    const weakened: Scenario[] = CATALOGUE.map((s) => ({ ...s, steps: s.steps.map((st) => ({ ...st, expect: st.expect.map(weaken) })) }));
    const honest = await selfTest(
      CATALOGUE.filter((s) => s.area === 'authorization'),
      5,
      ['l4-deny-as-403'],
    );
    expect(honest.mutants[0].killedBy).to.have.length.above(0);
    const weak = await selfTest(
      weakened.filter((s) => s.area === 'authorization'),
      5,
      ['l4-deny-as-403'],
    );
    expect(weak.faithful.failed).to.equal(0);
    expect(weak.mutants[0].killedBy).to.deep.equal([]);
  });

  // Harness mutants: the harness itself broken in one place, which the faithful model must expose.
  const denialScenarios = CATALOGUE.filter((s) => JSON.stringify(s.steps).includes('"denied-l4"'));

  for (const kept of [CURL_EXIT.reset, CURL_EXIT.emptyReply]) {
    it(`a classifier that takes only curl exit ${kept} for an L4 denial fails the self-test (ztunnel answers 52 and 56)`, async () => {
      const all = [...L4_CLOSE_EXITS];
      const closes = L4_CLOSE_EXITS as Set<number>;
      try {
        for (const c of all) if (c !== kept) closes.delete(c);
        const failed = (await runOnModel(denialScenarios, 3)).filter((r) => r.outcome === 'failed').map((r) => r.id);
        expect(failed.length, 'scenarios failed by the one-close classifier').to.be.at.least(Math.ceil(denialScenarios.length / 2));
      } finally {
        for (const c of all) closes.add(c);
      }
      expect((await runOnModel(denialScenarios, 3)).filter((r) => r.outcome !== 'passed').map((r) => r.id)).to.deep.equal([]);
    });
  }

  it('a served-by marker that reads the echo reply\'s first "hostname" (the request\'s Host) fails the self-test', async () => {
    const byBackend = CATALOGUE.filter((s) => JSON.stringify(s.steps).includes('"backend":"echo'));
    expect(byBackend.length).to.be.at.least(3);
    const honest = ECHO_POD_MARKER.pattern;
    try {
      ECHO_POD_MARKER.pattern = '"hostname": ?"[^"]*"';
      const failed = (await runOnModel(byBackend, 4)).filter((r) => r.outcome === 'failed');
      expect(failed.map((r) => r.id)).to.have.length.at.least(3);
      expect(failed.map((r) => r.reason).join('\n')).to.match(/served by echo[^-]/);
    } finally {
      ECHO_POD_MARKER.pattern = honest;
    }
    expect((await runOnModel(byBackend, 4)).filter((r) => r.outcome !== 'passed').map((r) => r.id)).to.deep.equal([]);
  });

  it('times every scenario step by step: applies, named readiness waits, checks and cleanup', async () => {
    const subset = CATALOGUE.filter((s) => s.area === 'authorization');
    for (const r of await runOnModel(subset, 2)) {
      const phases = new Set(r.timings.map((l) => l.phase));
      expect([...phases], r.id).to.include.members(['apply', 'wait', 'check', 'cleanup']);
      expect(
        r.timings.some((l) => l.phase === 'wait' && /^Deployments Available in /.test(l.name)),
        r.id,
      ).to.equal(true);
      const steps = new Set(r.timings.map((l) => l.step));
      for (const st of CATALOGUE.find((s) => s.id === r.id)!.steps) expect(steps, `${r.id}: ${st.name}`).to.include(st.name);
      // Setup applies and readiness waits overlap, so laps may sum to more than the scenario; none is longer.
      for (const l of r.timings) expect(l.ms, `${r.id}: ${l.name}`).to.be.at.most(r.durationMs);
    }
  });

  it('verifies deferred cleanup before the run ends: a namespace left behind turns its scenario into an error', async () => {
    class StuckNamespaces extends ModelCluster {
      override async delete(ref: ObjectRef): Promise<boolean> {
        return ref.kind === 'Namespace' && ref.name.includes('routing-path-match') ? true : super.delete(ref);
      }
    }
    const cluster = new StuckNamespaces({ seed: 4 });
    const env = makeEnv(cluster, {
      timing: { ...MODEL_TIMING, clock: cluster.clock },
      supported: ISTIO_FEATURES,
      gatewayClass: 'istio-waypoint',
      outside: cluster.outside,
      log: () => {},
    });
    const run = await runWithClients(
      env,
      CATALOGUE.filter((s) => s.id === 'routing/path-match' || s.id === 'routing/header-match'),
      2,
    );
    const byId = Object.fromEntries(run.results.map((r) => [r.id, r]));
    expect(byId['routing/header-match'].outcome).to.equal('passed');
    expect(byId['routing/path-match'].outcome).to.equal('error');
    expect(byId['routing/path-match'].reason).to.match(
      /leftovers after teardown: namespaces wpt-routing-path-match-app-[0-9a-f]+ still present/,
    );
  });

  it('a control-plane-only run deploys no clients and reports every traffic check as not run, never passed', async () => {
    const cluster = new ModelCluster({ seed: 9 });
    const env = makeEnv(cluster, {
      timing: { ...MODEL_TIMING, clock: cluster.clock },
      supported: ISTIO_FEATURES,
      gatewayClass: 'istio-waypoint',
      outside: cluster.outside,
      log: () => {},
      planes: new Set(['control']),
    });
    const run = await runWithClients(
      env,
      CATALOGUE.filter((s) => s.area === 'authorization'),
      4,
    );
    const checks = run.results.flatMap((r) => r.checks);
    expect(checks.filter((c) => c.plane === 'data' && c.outcome !== 'not-run')).to.deep.equal([]);
    expect(checks.filter((c) => c.plane === 'control' && c.outcome === 'passed')).to.have.length.above(10);
    expect(await cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: env.clientNamespace })).to.equal(undefined);
  });

  it('a control-plane-only run sets up nothing for checks it does not make: no namespace without a control-plane check, no step after the last', async () => {
    const cluster = new ModelCluster({ seed: 10 });
    const created: string[] = [];
    const apply = cluster.apply.bind(cluster);
    cluster.apply = async (o) => (o.kind === 'Namespace' && created.push(o.metadata.name), apply(o));
    const env = makeEnv(cluster, {
      timing: { ...MODEL_TIMING, clock: cluster.clock },
      supported: ISTIO_FEATURES,
      gatewayClass: 'istio-waypoint',
      outside: cluster.outside,
      log: () => {},
      planes: new Set(['control']),
    });
    // fault-abort has only traffic checks; l7-policy-removed's second step (policy removed, traffic again) has only traffic checks.
    const ids = ['resilience/fault-abort', 'authorization/l7-policy-removed'];
    const run = await runWithClients(
      env,
      CATALOGUE.filter((s) => ids.includes(s.id)),
      2,
    );
    const [abort, removed] = ids.map((id) => run.results.find((r) => r.id === id)!);
    expect(abort.outcome).to.equal('not-run');
    expect(abort.reason).to.equal('data-plane check, and this run checks only the control plane');
    expect(abort.timings).to.deep.equal([]);
    expect(created.filter((n) => n.includes('fault-abort'))).to.deep.equal([]);
    expect(removed.outcome).to.equal('passed');
    expect(created.filter((n) => n.includes('l7-policy-removed'))).to.have.length(1);
    const [first, second] = CATALOGUE.find((s) => s.id === 'authorization/l7-policy-removed')!.steps.map((st) => st.name);
    expect(removed.timings.some((l) => l.step === first)).to.equal(true);
    expect(removed.timings.filter((l) => l.step === second)).to.deep.equal([]);
    expect(removed.checks.filter((c) => c.step === second).map((c) => c.outcome)).to.satisfy(
      (o: string[]) => o.length > 0 && o.every((x) => x === 'not-run'),
    );
  });

  it('is deterministic: the same seed gives the same outcomes, virtual durations and request counts', async () => {
    const subset = CATALOGUE.filter((s) => s.area === 'routing' || s.area === 'cleanup');
    const fingerprint = async () =>
      (await runOnModel(subset, 11)).map((r) => [r.id, r.outcome, r.durationMs, r.checks.map((c) => c.requests)]);
    expect(await fingerprint()).to.deep.equal(await fingerprint());
  });

  it("a failed scenario's diagnostics hold the dumpers' output for its namespaces", async () => {
    const asked: string[][] = [];
    const dumper = { name: 'recorder', dump: async (ns: string[]) => (asked.push(ns), { 'recorder view': `namespaces ${ns.join(',')}` }) };
    const abort = CATALOGUE.filter((s) => s.id === 'resilience/fault-abort');
    const [r] = await runOnModel(abort, 3, { mutants: ['fault-ignored'], dumpers: [dumper] });
    expect(r.outcome).to.equal('failed');
    expect(asked).to.have.length(1);
    expect(asked[0][0]).to.match(/^wpt-resilience-fault-abort-app-[0-9a-f]{6}$/);
    expect(r.diagnostics?.dumps).to.deep.equal({ 'recorder view': `namespaces ${asked[0][0]}` });
  });
});
