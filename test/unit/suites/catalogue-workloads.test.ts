/**
 * Each scenario deploys exactly the echo versions it names: a version it calls, routes to or selects
 * must be there, and one it never names is two objects more for every controller of the cluster.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { CATALOGUE } from '../../../suites/index.ts';
import { workloadFiles } from '../../../harness/scenario/workloads.ts';
import type { Scenario } from '../../../harness/record/record.ts';
import type { WorkloadSet } from '../../../harness/scenario/types.ts';

const VERSION = /\becho-v([123])\b|\bversion: v([123])\b/g;

function fixturesOf(s: Scenario): string[] {
  return [
    ...s.manifests,
    ...s.steps.flatMap((st) => st.actions.flatMap((a) => ('fixture' in a ? [a.fixture] : []))),
    ...s.steps.flatMap((st) => st.expect.flatMap((e) => (e.type === 'rejected' ? [e.fixture] : []))),
  ];
}

/** The echo versions a scenario's steps and fixtures name. */
export function versionsNamed(s: Scenario): string[] {
  const text = [JSON.stringify(s.steps), ...fixturesOf(s).map((f) => readFileSync(`fixtures/${f}`, 'utf8'))].join('\n');
  return [...new Set([...text.matchAll(VERSION)].map((m) => `v${m[1] ?? m[2]}`))].sort();
}

/** The echo versions workload sets deploy (fixtures/workloads/echo-vN.yaml). */
function echoVersions(sets: WorkloadSet[]): string[] {
  const files = sets.flatMap((set) => workloadFiles(set));
  return [...new Set(files.flatMap((f) => /^echo-(v[123])\.yaml$/.exec(f)?.[1] ?? []))].sort();
}

/** The echo versions a scenario's workload sets deploy. */
function versionsDeployed(s: Scenario): string[] {
  return echoVersions(Object.values(s.workloads).flat());
}

describe('catalogue workloads', () => {
  it('every scenario with the echo backend deploys the lightest echo set with the versions it names', () => {
    const echo = CATALOGUE.filter((s) => versionsDeployed(s).length > 0);
    expect(echo.length).to.be.above(40);
    const sets = (['echo-v1', 'echo-v1-v2', 'echo'] as const).map((set) => ({ set, versions: echoVersions([set]) }));
    const wrong = echo.flatMap((s) => {
      const named = versionsNamed(s);
      const lightest = sets.find((c) => named.every((v) => c.versions.includes(v)))!;
      const deployed = versionsDeployed(s);
      return JSON.stringify(deployed) === JSON.stringify(lightest.versions)
        ? []
        : [`${s.id}: names ${named.join(',')}, deploys ${deployed.join(',')}, lightest set ${lightest.set}`];
    });
    expect(wrong).to.deep.equal([]);
  });

  it('names versions from calls, routes and subset selectors', () => {
    const byId = (id: string) => CATALOGUE.find((s) => s.id === id)!;
    expect(versionsNamed(byId('routing/virtualservice-header-match'))).to.include.members(['v2', 'v3']);
    expect(versionsNamed(byId('mesh/traffic-split'))).to.include('v2');
    expect(versionsNamed(byId('mesh/basic'))).to.deep.equal(['v1']);
  });
});
