/** One scenario, start to end: its plan, namespaces and fixtures, steps, diagnostics when it stops, teardown. */
import { clockOf } from '../wait.ts';
import type { Scenario } from '../record/record.ts';
import { deleteNamespaces } from './cleanup.ts';
import { collectDiagnostics, type Diagnostics } from './diagnostics.ts';
import type { RunEnv } from './env.ts';
import { stopFor, type Stop } from './outcome.ts';
import { planScenario, unrun } from './plan.ts';
import { prepare } from './prepare.ts';
import { scenarioOutcome, type CheckResult, type ScenarioResult } from './results.ts';
import { newScope } from './scope.ts';
import { runStep } from './steps.ts';

export async function runScenario(env: RunEnv, s: Scenario): Promise<ScenarioResult> {
  const clock = clockOf(env.timing);
  const start = clock.now();
  const plan = planScenario(env, s);
  if ('result' in plan) return plan.result;
  const scope = newScope(env, s);
  const checks: CheckResult[] = [];
  let stop: Stop | undefined;
  try {
    await prepare(scope, s);
  } catch (err) {
    stop = stopFor('setup', err, 'readiness');
  }
  for (const st of s.steps.slice(0, plan.live)) {
    if (stop) {
      checks.push(...unrun([st], 'not-run', `not run: ${stop.reason}`));
      continue;
    }
    stop = await runStep(scope, st, checks);
  }
  checks.push(...plan.skipped);
  let diagnostics: Diagnostics | undefined;
  if (stop) {
    env.log(`  ✗ ${s.id}: ${stop.reason}`);
    diagnostics = await scope.stopwatch
      .time('teardown', 'diagnostics', 'collect diagnostics', () => collectDiagnostics(scope))
      .catch((e) => ({ error: `diagnostics failed: ${(e as Error).message}` }) as Diagnostics);
  }
  const leftover = await scope.stopwatch
    .time('teardown', 'cleanup', 'delete namespaces', () => deleteNamespaces(scope, s))
    .catch((e) => stopFor('teardown failed', e, 'cleanup').reason);
  if (leftover && !stop) stop = { outcome: 'error', reason: leftover };
  const convergenceMs = Math.max(0, ...checks.map((c) => c.convergedMs ?? 0));
  const end = scenarioOutcome(checks, stop);
  return {
    id: s.id,
    ...end,
    durationMs: clock.now() - start,
    startedMs: start,
    convergenceMs,
    checks,
    timings: scope.stopwatch.laps,
    ...(diagnostics ? { diagnostics } : {}),
  };
}
