/**
 * How a check, a scenario and a run end. The words are the report's: passed, failed (the
 * implementation did not do what upstream documents), not-run (with the reason: control-plane mode,
 * a setup step or an earlier check failed), not-supported (features the implementation does not
 * claim, as data), error (the harness or the cluster broke, not the implementation).
 */
import type { CheckEvidence, Plane } from '../checks/check.ts';
import type { Feature } from '../scenario/types.ts';
import type { Diagnostics } from './diagnostics.ts';
import type { Lap } from './stopwatch.ts';

export type Outcome = 'passed' | 'failed' | 'not-run' | 'not-supported' | 'error';
export const OUTCOMES: readonly Outcome[] = ['passed', 'failed', 'not-run', 'not-supported', 'error'];

export interface CheckResult {
  step: string;
  check: string;
  plane: Plane;
  outcome: Outcome;
  /** What was measured (passed), or why not. */
  detail: string;
  requests: number;
  convergedMs?: number;
  unsupportedFeatures?: Feature[];
  /** Expected beside seen, counts, a split test's observations: for report.html. */
  evidence?: CheckEvidence;
}

export interface ScenarioResult {
  id: string;
  outcome: Outcome;
  durationMs: number;
  /** The run clock's reading when the scenario started (absent for one that never started). */
  startedMs?: number;
  /** Longest time any check took to converge. */
  convergenceMs: number;
  /** Why the scenario did not pass; absent when it passed. */
  reason?: string;
  unsupportedFeatures?: Feature[];
  checks: CheckResult[];
  /** Where the time went, step by step and phase by phase. */
  timings: Lap[];
  diagnostics?: Diagnostics;
}

/**
 * A step of the run itself (install, clients) that failed before or instead of the scenarios; or the
 * step during which the run was interrupted (SIGINT, SIGTERM), whose report records only that.
 */
export interface SetupFailure {
  /** error when absent. */
  outcome?: 'error' | 'interrupted';
  step: string;
  message: string;
  fix?: string;
}

export interface RunResult {
  results: ScenarioResult[];
  setup?: SetupFailure;
  /** The run's own work around the scenarios (clients, the end-of-run cleanup check), step "run". */
  laps?: Lap[];
}

export function countOutcomes(results: { outcome: Outcome }[]): Record<Outcome, number> {
  const counts = Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;
  for (const r of results) counts[r.outcome]++;
  return counts;
}

/** A scenario passed when a check passed and nothing failed or broke; when nothing ran, it says why. */
export function scenarioOutcome(
  checks: CheckResult[],
  stop?: { outcome: 'failed' | 'error'; reason: string },
): { outcome: Outcome; reason?: string } {
  if (stop) return stop;
  if (checks.some((c) => c.outcome === 'passed')) return { outcome: 'passed' };
  if (checks.length > 0 && checks.every((c) => c.outcome === 'not-supported')) {
    return { outcome: 'not-supported', reason: 'every check needs a feature the implementation does not claim' };
  }
  return { outcome: 'not-run', reason: checks.find((c) => c.outcome === 'not-run')?.detail ?? 'the scenario has no checks' };
}

/** One line per finished scenario, as the run log and the console show it. */
const MARK: Record<Outcome, string> = { passed: '✓', failed: '✗', error: '!', 'not-run': '-', 'not-supported': '-' };

export function resultLine(r: ScenarioResult): string {
  const why = r.outcome === 'not-run' || r.outcome === 'not-supported' ? `, ${r.outcome}: ${r.reason}` : '';
  return `${MARK[r.outcome]} ${r.id} (${(r.durationMs / 1000).toFixed(1)}s${why})`;
}
