/** Selects scenarios, runs them with bounded parallelism (serial ones alone), and collects results. */
import type { Scenario } from '../scenario/types.ts';
import type { RunEnv } from './env.ts';
import { runScenario, type ScenarioResult } from './scenario-runner.ts';
import { loadFixture, markOwned } from './fixtures.ts';
import { waitDeploymentsAvailable, waitPodsEnrolled } from './readiness.ts';
import { fixtureVars } from './scenario-runner.ts';
import { waitFor } from '../wait.ts';

export class UnknownScenarioError extends Error {}

/** Scenarios whose id matches `grep` (a regular expression), or exactly the named ids. */
export function select(catalogue: Scenario[], opts: { grep?: string; ids?: string[] }): Scenario[] {
  let chosen = catalogue;
  if (opts.ids && opts.ids.length > 0) {
    const known = new Set(catalogue.map((s) => s.id));
    const unknown = opts.ids.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new UnknownScenarioError(`unknown scenario id(s): ${unknown.join(', ')}. List them with: npm run e2e -- --list`);
    }
    chosen = chosen.filter((s) => opts.ids!.includes(s.id));
  }
  if (opts.grep) {
    let re: RegExp;
    try {
      re = new RegExp(opts.grep);
    } catch (err) {
      throw new UnknownScenarioError(`--grep ${JSON.stringify(opts.grep)} is not a valid regular expression: ${(err as Error).message}`);
    }
    chosen = chosen.filter((s) => re.test(s.id));
    if (chosen.length === 0) throw new UnknownScenarioError(`--grep ${JSON.stringify(opts.grep)} matches no scenario. List them with: npm run e2e -- --list`);
  }
  return chosen;
}

export async function runSuite(
  env: RunEnv,
  scenarios: Scenario[],
  parallel: number,
  onResult: (r: ScenarioResult) => void = () => {},
): Promise<ScenarioResult[]> {
  const results = new Map<string, ScenarioResult>();
  const record = (r: ScenarioResult) => {
    results.set(r.id, r);
    onResult(r);
  };
  await pool(scenarios.filter((s) => !s.serial), Math.max(1, parallel), async (s) => record(await runScenario(env, s)));
  for (const s of scenarios.filter((x) => x.serial)) record(await runScenario(env, s));
  return scenarios.map((s) => results.get(s.id)!);
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

/** The shared client namespace: sleep and notsleep, each with its own ServiceAccount, in ambient. */
export async function deployClients(env: RunEnv): Promise<void> {
  const { cluster, runId, clientNamespace, timing } = env;
  await cluster.apply(markOwned({
    apiVersion: 'v1', kind: 'Namespace', metadata: { name: clientNamespace, labels: { 'istio.io/dataplane-mode': 'ambient' } },
  }, runId));
  for (const o of loadFixture('workloads/clients.yaml', fixtureVars(env, { app: clientNamespace } as never), runId)) {
    await cluster.apply({ ...o, metadata: { ...o.metadata, namespace: clientNamespace } });
  }
  await waitDeploymentsAvailable(cluster, clientNamespace, timing);
  for (const app of ['sleep', 'notsleep']) await waitPodsEnrolled(cluster, clientNamespace, `app=${app}`, timing);
}

export async function removeClients(env: RunEnv): Promise<void> {
  const ref = { apiVersion: 'v1', kind: 'Namespace', name: env.clientNamespace };
  await env.cluster.delete(ref);
  await waitFor(`namespace ${env.clientNamespace} deleted`, async () => ((await env.cluster.get(ref)) ? undefined : true), env.timing);
}
