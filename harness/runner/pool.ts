/** The scenarios of a run, a bounded number at once; then every namespace they deleted verified gone. */
import type { Scenario } from '../record/record.ts';
import { leftoverMessage, namespacesLeft } from './cleanup.ts';
import type { RunEnv } from './env.ts';
import type { ScenarioResult } from './results.ts';
import { runScenario } from './scenario.ts';
import type { Stopwatch } from './stopwatch.ts';

export async function runInParallel(
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
  const left = new Set(
    await namespacesLeft(
      env,
      pending.flatMap((p) => p.namespaces),
    ),
  );
  for (const p of pending) {
    const r = results.get(p.id);
    const mine = p.namespaces.filter((n) => left.has(n));
    if (mine.length === 0 || !r) continue;
    env.log(`  ! ${p.id}: ${leftoverMessage(mine)}`);
    if (r.outcome !== 'failed' && r.outcome !== 'error') results.set(p.id, { ...r, outcome: 'error', reason: leftoverMessage(mine) });
  }
}

async function pool<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
}
