/** A scenario's steps: each step's actions, the readiness waits, then its checks in order. */
import { checkKind } from '../checks/registry.ts';
import type { Expectation } from '../checks/registry.ts';
import type { Step } from '../record/record.ts';
import { actionName, perform } from './actions.ts';
import { outcomeOf, stopFor, type Stop } from './outcome.ts';
import { checkRow, notMade, unrun } from './plan.ts';
import { settle } from './prepare.ts';
import type { CheckResult } from './results.ts';
import { checkContext, type ScenarioScope } from './scope.ts';

/** Runs the step; the first check that fails (or breaks) stops the scenario, and the checks after it are not run. */
export async function runStep(scope: ScenarioScope, st: Step, checks: CheckResult[]): Promise<Stop | undefined> {
  try {
    for (const a of st.actions) await scope.stopwatch.time(st.name, 'apply', actionName(a), () => perform(scope, a));
    await settle(scope, st.name);
  } catch (err) {
    const stop = stopFor(st.name, err, 'readiness');
    checks.push(...unrun([st], 'not-run', `not run: ${stop.reason}`));
    return stop;
  }
  let stop: Stop | undefined;
  for (const e of st.expect) {
    if (stop) {
      checks.push(...unrun([{ ...st, expect: [e] }], 'not-run', `not run: ${stop.reason}`));
      continue;
    }
    const r = await scope.stopwatch.time(st.name, 'check', checkKind(e).title(e), () => runCheck(scope, st.name, e));
    checks.push(r);
    if (r.outcome === 'failed' || r.outcome === 'error') stop = { outcome: r.outcome, reason: `${st.name}: ${r.check}: ${r.detail}` };
  }
  return stop;
}

async function runCheck(scope: ScenarioScope, step: string, e: Expectation): Promise<CheckResult> {
  const skip = notMade(scope.env, step, e);
  if (skip) return skip;
  const row = checkRow(step, e);
  try {
    const m = await checkKind(e).run(checkContext(scope), e);
    return {
      ...row,
      outcome: 'passed',
      detail: m.detail,
      requests: m.requests,
      ...(m.convergedMs !== undefined ? { convergedMs: m.convergedMs } : {}),
      ...(m.evidence ? { evidence: m.evidence } : {}),
    };
  } catch (err) {
    const outcome = outcomeOf(err, 'check');
    const seen = err as { message: string; requests?: number; evidence?: CheckResult['evidence'] };
    return {
      ...row,
      outcome,
      detail: seen.message,
      requests: outcome === 'failed' ? (seen.requests ?? 0) : 0,
      ...(outcome === 'failed' && seen.evidence ? { evidence: seen.evidence } : {}),
    };
  }
}
