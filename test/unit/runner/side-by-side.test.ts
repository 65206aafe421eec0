/**
 * Two runs on one cluster, and what a killed run leaves (issue #26): runs at once stay apart and
 * each removes only its own; --cleanup finds the leftovers by the suite's ownership labels, lists
 * them, deletes them and nothing else.
 */
import { expect } from 'chai';
import { CATALOGUE } from '../../../suites/index.ts';
import { ModelCluster } from '../../../equipment/model/model-cluster.ts';
import { MODEL_TIMING } from '../../../equipment/model/timing.ts';
import { makeEnv, runWithClients } from '../../../harness/runner/run.ts';
import { deployClients } from '../../../harness/runner/clients.ts';
import { ISTIO_FEATURES } from '../../../harness/scenario/features.ts';
import { findLeftovers, leftoverLines, removeLeftovers } from '../../../harness/platform/cluster/cleanup.ts';
import { MANAGED_BY, markOwned } from '../../../harness/manifests/manifests.ts';
import type { Cluster } from '../../../harness/cluster/types.ts';

const SCENARIOS = CATALOGUE.filter((s) =>
  ['authorization/l4-ztunnel', 'routing/header-match', 'enrollment/namespace-scope', 'cleanup/delete-waypoint'].includes(s.id),
);

function envOn(cluster: ModelCluster, runId: string) {
  return makeEnv(cluster, {
    timing: { ...MODEL_TIMING, clock: cluster.clock },
    supported: ISTIO_FEATURES,
    gatewayClass: 'istio-waypoint',
    outside: cluster.outside,
    log: () => {},
    runId,
  });
}

async function namespaces(cluster: ModelCluster): Promise<string[]> {
  return (await cluster.list('v1', 'Namespace'))
    .filter((n) => !n.metadata.deletionTimestamp)
    .map((n) => n.metadata.name)
    .sort();
}

describe('runs side by side, and leftovers', function () {
  this.timeout(240_000);

  it('two runs at once on one cluster both pass, and leave nothing of either', async () => {
    const cluster = new ModelCluster({ seed: 51 });
    const before = await namespaces(cluster);
    expect(SCENARIOS.length).to.equal(4);
    const [a, b] = await Promise.all(['aaaaaa', 'bbbbbb'].map((id) => runWithClients(envOn(cluster, id), SCENARIOS, 4)));
    for (const run of [a, b])
      expect(run.results.map((r) => `${r.id}: ${r.outcome} ${r.reason ?? ''}`.trim())).to.deep.equal(
        SCENARIOS.map((s) => `${s.id}: passed`),
      );
    expect(await findLeftovers(cluster)).to.deep.equal([]);
    expect(await namespaces(cluster)).to.deep.equal(before);
  });

  it('--cleanup lists and deletes what a killed run left, and touches nothing else', async () => {
    const cluster = new ModelCluster({ seed: 52 });
    await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } });
    await cluster.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'other-tool', labels: { [MANAGED_BY.key]: 'someone-else' } },
    });
    const before = await namespaces(cluster);
    // A run killed after its clients came up and a scenario's namespace was made: no teardown ran.
    const killed = envOn(cluster, 'dead01');
    await deployClients(killed, SCENARIOS);
    await cluster.apply(
      markOwned({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'wpt-routing-header-match-app-abc123' } }, 'dead01'),
    );
    const left = await findLeftovers(cluster);
    expect(left.map((l) => [l.name, l.run])).to.deep.equal([
      ['wpt-clients-dead01', 'dead01'],
      ['wpt-routing-header-match-app-abc123', 'dead01'],
    ]);
    expect(leftoverLines(left)[0]).to.match(/^namespace wpt-clients-dead01 \(run dead01/);
    // A run still going can keep its own.
    expect(await findLeftovers(cluster, 'dead01')).to.deep.equal([]);
    expect(await removeLeftovers(cluster, left, { ...MODEL_TIMING, clock: cluster.clock })).to.deep.equal([]);
    expect(await namespaces(cluster)).to.deep.equal(before);
    expect(await findLeftovers(cluster)).to.deep.equal([]);
  });

  it('reads creation times as the real client gives them (Date objects), oldest first', async () => {
    const ns = (name: string, created: Date) =>
      markOwned({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, creationTimestamp: created as unknown as string } }, 'dead02');
    const cluster = {
      list: async () => [ns('wpt-b', new Date('2026-12-03T08:00:01Z')), ns('wpt-a', new Date('2026-12-03T08:00:00Z'))],
    } as unknown as Cluster;
    const left = await findLeftovers(cluster);
    expect(left.map((l) => [l.name, l.created])).to.deep.equal([
      ['wpt-a', '2026-12-03T08:00:00.000Z'],
      ['wpt-b', '2026-12-03T08:00:01.000Z'],
    ]);
    expect(leftoverLines(left)[0]).to.equal('namespace wpt-a (run dead02, created 2026-12-03T08:00:00.000Z)');
  });
});
