/**
 * The one place an error becomes an outcome. Every check and scenario ends passed, failed (the
 * implementation did not do what upstream documents), not-run, not-supported or error (the harness or
 * the cluster broke); and a run ends with one exit code for all of them.
 */
import { CheckFailed, CheckNotSupported } from '../checks/check.ts';
import { EXIT } from '../errors.ts';
import { WaitTimeout } from '../wait.ts';
import { countOutcomes, type RunResult } from './results.ts';

/**
 * Where the error was thrown:
 * - `readiness`: applying a step's actions and waiting for what must be ready before traffic. A
 *   deadline passing there (a waypoint never Programmed, a Deployment never available) is the
 *   implementation's failure.
 * - `check`: inside a check. A check turns its own deadlines into CheckFailed (failOnTimeout), so a
 *   WaitTimeout that escapes it is one of the harness's own waits (a pod IP, a Gateway address, a
 *   request log): an error, as is anything else but the check's verdict.
 * - `cleanup`: deleting what the scenario made; nothing there is the implementation's verdict.
 */
export type Phase = 'readiness' | 'check' | 'cleanup';

export type ErrorOutcome = 'failed' | 'not-supported' | 'error';

export function outcomeOf(err: unknown, phase: Phase): ErrorOutcome {
  if (err instanceof CheckFailed) return 'failed';
  if (err instanceof CheckNotSupported && phase === 'check') return 'not-supported';
  if (err instanceof WaitTimeout && phase === 'readiness') return 'failed';
  return 'error';
}

/** Why the rest of a scenario does not run: the first failure or error, with where it happened. */
export interface Stop {
  outcome: 'failed' | 'error';
  reason: string;
}

export function stopFor(what: string, err: unknown, phase: Phase): Stop {
  const outcome = outcomeOf(err, phase);
  return { outcome: outcome === 'failed' ? 'failed' : 'error', reason: `${what}: ${(err as Error).message}` };
}

/** A run's exit code (README "Exit codes"): its own setup broke or a scenario errored: 3; a scenario failed: 1. */
export function exitCodeOf(run: RunResult): number {
  const n = countOutcomes(run.results);
  if (run.setup || n.error > 0) return EXIT.infrastructure;
  return n.failed > 0 ? EXIT.scenarioFailed : EXIT.ok;
}
