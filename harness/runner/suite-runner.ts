/** Selects scenarios, runs them with bounded parallelism, and collects results. */
import { AREAS, type Scenario, type SharedClient } from '../scenario/types.ts';
import type { RunEnv } from './env.ts';
import { fixtureVars, leftoverMessage, namespaceLabels, namespacesLeft, runScenario, sharedClientsUsed, unrun } from './scenario-runner.ts';
import type { ScenarioResult } from './results.ts';
import { applyAll, loadFixture, markOwned } from '../manifests/manifests.ts';
import { waitDeploymentsAvailable, waitPodsEnrolled } from './readiness.ts';
import type { Stopwatch } from './stopwatch.ts';

export class UnknownScenarioError extends Error {
  /** The pattern is no regular expression (rather than one that matches nothing). */
  constructor(message: string, readonly invalid = false) {
    super(message);
  }
}

/** Scenarios whose id matches `grep` (a regular expression). */
export function select(catalogue: Scenario[], opts: { grep?: string }): Scenario[] {
  let chosen = catalogue;
  if (opts.grep) {
    let re: RegExp;
    try {
      re = new RegExp(opts.grep);
    } catch (err) {
      throw new UnknownScenarioError(`--grep ${JSON.stringify(opts.grep)} is not a valid regular expression: ${(err as Error).message}`, true);
    }
    chosen = chosen.filter((s) => re.test(s.id));
    if (chosen.length === 0) throw new UnknownScenarioError(`--grep ${JSON.stringify(opts.grep)} matches no scenario (areas: ${AREAS.join(', ')}). List them with: npm run e2e -- --list`);
  }
  return chosen;
}

export async function runSuite(
  env: RunEnv,
  scenarios: Scenario[],
  parallel: number,
  onResult: (r: ScenarioResult) => void,
  watch: Stopwatch,
): Promise<ScenarioResult[]> {
  const results = new Map<string, ScenarioResult>();
  const record = (r: ScenarioResult) => {
    results.set(r.id, r);
    onResult(r);
  };
  await pool(scenarios, Math.max(1, parallel), async (s) => record(await runScenario(env, s)));
  await watch.time('run', 'cleanup', 'namespaces of every scenario gone', () => verifyCleanup(env, results));
  return scenarios.map((s) => results.get(s.id)!);
}

/** Every namespace a scenario deleted is gone by the end of the run; a scenario whose are not ends in error. */
async function verifyCleanup(env: RunEnv, results: Map<string, ScenarioResult>): Promise<void> {
  const pending = env.cleanup.splice(0);
  const left = new Set(await namespacesLeft(env, pending.flatMap((p) => p.namespaces)));
  for (const p of pending) {
    const r = results.get(p.id);
    const mine = p.namespaces.filter((n) => left.has(n));
    if (mine.length === 0 || !r) continue;
    env.log(`  ! ${p.id}: ${leftoverMessage(mine)}`);
    if (r.outcome !== 'failed' && r.outcome !== 'error') results.set(p.id, { ...r, outcome: 'error', reason: leftoverMessage(mine) });
  }
}

/** Every scenario as not run, with the reason (the run's setup failed). */
export function unrunSuite(scenarios: Scenario[], reason: string): ScenarioResult[] {
  return scenarios.map((s) => ({ id: s.id, outcome: 'not-run', durationMs: 0, convergenceMs: 0, reason, checks: unrun(s.steps, 'not-run', reason), timings: [] }));
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}

/** The fixture each shared client comes from (under fixtures/workloads/). */
const CLIENT_FILES: Record<SharedClient, string> = { sleep: 'clients.yaml', notsleep: 'clients.yaml', 'sidecar-sleep': 'sidecar-client.yaml' };

/**
 * The shared client namespace, in ambient, with the clients the run's checks call from: sleep and
 * notsleep (each with its own ServiceAccount), and the sidecar client only when a scenario that
 * runs uses it. Returns the clients deployed.
 */
export async function deployClients(env: RunEnv, scenarios: Scenario[]): Promise<SharedClient[]> {
  const { cluster, runId, clientNamespace, timing } = env;
  const clients = sharedClientsUsed(env, scenarios);
  await cluster.apply(markOwned({
    apiVersion: 'v1', kind: 'Namespace', metadata: { name: clientNamespace, labels: namespaceLabels(env) },
  }, runId));
  const files = [...new Set(clients.map((c) => CLIENT_FILES[c]))];
  const objects = files.flatMap((f) => loadFixture(`workloads/${f}`, fixtureVars(env, { app: clientNamespace } as never), runId));
  await applyAll(cluster, objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: clientNamespace } })));
  await waitDeploymentsAvailable(cluster, clientNamespace, timing);
  for (const app of clients.filter((c) => c !== 'sidecar-sleep')) await waitPodsEnrolled(cluster, clientNamespace, `app=${app}`, timing);
  return clients;
}

export async function removeClients(env: RunEnv): Promise<void> {
  await env.cluster.delete({ apiVersion: 'v1', kind: 'Namespace', name: env.clientNamespace });
  const left = await namespacesLeft(env, [env.clientNamespace]);
  if (left.length > 0) throw new Error(leftoverMessage(left));
}
