/**
 * What a run does and does not do, decided before anything is applied: which scenarios (--grep),
 * which of their checks run, and for each one that does not, why (a feature the implementation does
 * not claim, a plane this run does not check, a step after the last check the run makes). Pure: no
 * cluster, no clock.
 */
import type { Plane } from '../checks/check.ts';
import { checkKind } from '../checks/registry.ts';
import { AREAS, SHARED_CLIENTS, type Feature, type SharedClient } from '../scenario/types.ts';
import { type Expectation } from '../checks/registry.ts';
import { type Scenario, type Step } from '../record/record.ts';
import { scenarioOutcome, type CheckResult, type ScenarioResult } from './results.ts';

/** What planning reads of the run: the features claimed and the planes checked. */
export interface PlanScope {
  supported: ReadonlySet<Feature>;
  planes: ReadonlySet<Plane>;
}

export class UnknownScenarioError extends Error {
  /** The pattern is no regular expression (rather than one that matches nothing). */
  readonly invalid: boolean;

  constructor(message: string, invalid = false) {
    super(message);
    this.invalid = invalid;
  }
}

/** Scenarios whose id matches `grep` (a regular expression). */
export function select(catalogue: Scenario[], opts: { grep?: string }): Scenario[] {
  if (!opts.grep) return catalogue;
  let re: RegExp;
  try {
    re = new RegExp(opts.grep);
  } catch (err) {
    throw new UnknownScenarioError(
      `--grep ${JSON.stringify(opts.grep)} is not a valid regular expression: ${(err as Error).message}`,
      true,
    );
  }
  const chosen = catalogue.filter((s) => re.test(s.id));
  if (chosen.length === 0)
    throw new UnknownScenarioError(
      `--grep ${JSON.stringify(opts.grep)} matches no scenario (areas: ${AREAS.join(', ')}). List them with: npm run e2e -- --list`,
    );
  return chosen;
}

/** A check's row in the results: its step, its title and its plane. */
export function checkRow(step: string, e: Expectation): Pick<CheckResult, 'step' | 'check' | 'plane'> {
  const kind = checkKind(e);
  return { step, check: kind.title(e), plane: kind.plane };
}

export function unsupportedFeatures(s: Scenario, supported: ReadonlySet<Feature>): Feature[] {
  return s.features.filter((f) => !supported.has(f));
}

/** Every check of the steps in the state `outcome`, for scenarios and steps that do not run. */
export function unrun(steps: Step[], outcome: 'not-run' | 'not-supported', detail: string, unsupported?: Feature[]): CheckResult[] {
  return steps.flatMap((st) =>
    st.expect.map((e) => ({
      ...checkRow(st.name, e),
      outcome,
      detail,
      requests: 0,
      ...(unsupported ? { unsupportedFeatures: unsupported } : {}),
    })),
  );
}

/** Every scenario as not run, with the reason (the run's setup failed, or it was interrupted). */
export function notRunAll(scenarios: Scenario[], reason: string): ScenarioResult[] {
  return scenarios.map((s) => ({
    id: s.id,
    outcome: 'not-run',
    durationMs: 0,
    convergenceMs: 0,
    reason,
    checks: unrun(s.steps, 'not-run', reason),
    timings: [],
  }));
}

/** The check's result when this run does not make it (a feature not claimed, a plane not checked); undefined when it does. */
export function notMade(run: PlanScope, step: string, e: Expectation): CheckResult | undefined {
  const row = checkRow(step, e);
  if (e.feature && !run.supported.has(e.feature)) {
    return {
      ...row,
      outcome: 'not-supported',
      detail: `needs ${e.feature}, which the implementation does not claim`,
      requests: 0,
      unsupportedFeatures: [e.feature],
    };
  }
  if (!run.planes.has(row.plane)) {
    return {
      ...row,
      outcome: 'not-run',
      detail: `${row.plane}-plane check, and this run checks only the ${[...run.planes].join(' and ')} plane`,
      requests: 0,
    };
  }
  return undefined;
}

/** How many leading steps the run goes through: up to the last one with a check the run makes. */
export function liveSteps(run: PlanScope, steps: Step[]): number {
  let live = 0;
  steps.forEach((st, i) => {
    if (st.expect.some((e) => !notMade(run, st.name, e))) live = i + 1;
  });
  return live;
}

/**
 * A scenario's plan: either its result already (nothing of it is set up: a feature not claimed, or no
 * check this run makes), or how many leading steps run and the results of the checks after them.
 */
export type ScenarioPlan = { result: ScenarioResult } | { live: number; skipped: CheckResult[] };

export function planScenario(run: PlanScope, s: Scenario): ScenarioPlan {
  const missing = unsupportedFeatures(s, run.supported);
  if (missing.length > 0) {
    const reason = `unsupported features: ${missing.join(', ')}`;
    return {
      result: {
        id: s.id,
        outcome: 'not-supported',
        durationMs: 0,
        convergenceMs: 0,
        reason,
        unsupportedFeatures: missing,
        checks: unrun(s.steps, 'not-supported', reason, missing),
        timings: [],
      },
    };
  }
  // Steps after the last check this run makes would be set up for nothing: their checks are
  // reported with the reason they do not run, and a scenario with no such check is not set up at all.
  const live = liveSteps(run, s.steps);
  const skipped = s.steps.slice(live).flatMap((st) => st.expect.map((e) => notMade(run, st.name, e)!));
  if (live === 0)
    return { result: { id: s.id, ...scenarioOutcome(skipped), durationMs: 0, convergenceMs: 0, checks: skipped, timings: [] } };
  return { live, skipped };
}

/** The shared clients the checks this run makes call from (a scenario's own clients are its workloads). */
export function sharedClientsUsed(run: PlanScope, scenarios: Scenario[]): SharedClient[] {
  const used = new Set<SharedClient>();
  for (const s of scenarios.filter((x) => unsupportedFeatures(x, run.supported).length === 0)) {
    for (const st of s.steps) {
      for (const e of st.expect) {
        if (notMade(run, st.name, e)) continue;
        const sender = e.type === 'status-truth' ? e.shows : e;
        if ('from' in sender && SHARED_CLIENTS.includes(sender.from as SharedClient)) used.add(sender.from as SharedClient);
      }
    }
  }
  return SHARED_CLIENTS.filter((c) => used.has(c));
}
