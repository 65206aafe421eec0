/**
 * The one place for waiting. Nothing in the suite sleeps for a fixed time: it polls a condition
 * with a bounded deadline, and a timing-dependent check converges (N consecutive successes).
 */
import { setTimeout as delay } from 'node:timers/promises';

export interface Timing {
  /** First poll interval; doubles up to maxIntervalMs. */
  intervalMs: number;
  maxIntervalMs: number;
  /** Deadline for a readiness wait (pods, Gateway Programmed, conditions). */
  readyTimeoutMs: number;
  /** Deadline for a traffic expectation to converge. */
  convergeTimeoutMs: number;
  /** Consecutive successes required before a traffic expectation counts as converged. */
  consecutive: number;
}

export const CLUSTER_TIMING: Timing = {
  intervalMs: 250,
  maxIntervalMs: 2_000,
  readyTimeoutMs: 180_000,
  convergeTimeoutMs: 60_000,
  consecutive: 3,
};

export interface Observation {
  ok: boolean;
  detail: string;
}

export interface Converged {
  elapsedMs: number;
  attempts: number;
}

export class WaitTimeout extends Error {
  constructor(
    readonly what: string,
    readonly elapsedMs: number,
    readonly attempts: number,
    readonly lastDetail: string,
  ) {
    super(`${what}: not reached within ${(elapsedMs / 1000).toFixed(1)}s after ${attempts} attempts; last: ${lastDetail}`);
  }
}

function nextInterval(current: number, timing: Timing): number {
  return Math.min(current * 2, timing.maxIntervalMs);
}

/** Polls until `check` succeeds `consecutive` times in a row, or the deadline passes. */
export async function converge(
  what: string,
  check: () => Promise<Observation>,
  timing: Timing,
  opts: { consecutive?: number; timeoutMs?: number } = {},
): Promise<Converged> {
  const needed = opts.consecutive ?? timing.consecutive;
  const timeoutMs = opts.timeoutMs ?? timing.convergeTimeoutMs;
  const start = Date.now();
  let streak = 0;
  let attempts = 0;
  let interval = timing.intervalMs;
  let last = 'no attempt made';
  for (;;) {
    attempts++;
    const obs = await check();
    last = obs.detail;
    if (obs.ok) {
      streak++;
      if (streak >= needed) return { elapsedMs: Date.now() - start, attempts };
      interval = timing.intervalMs; // a streak is confirmed quickly, without backing off
    } else {
      streak = 0;
    }
    const elapsed = Date.now() - start;
    if (elapsed >= timeoutMs) throw new WaitTimeout(what, elapsed, attempts, last);
    await delay(Math.min(interval, Math.max(0, timeoutMs - elapsed)));
    if (!obs.ok) interval = nextInterval(interval, timing);
  }
}

/** Polls until `probe` returns a value that is not undefined. */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timing: Timing,
  describe: () => string = () => 'condition not met',
  timeoutMs = timing.readyTimeoutMs,
): Promise<T> {
  const start = Date.now();
  let attempts = 0;
  let interval = timing.intervalMs;
  for (;;) {
    attempts++;
    const value = await probe();
    if (value !== undefined) return value;
    const elapsed = Date.now() - start;
    if (elapsed >= timeoutMs) throw new WaitTimeout(what, elapsed, attempts, describe());
    await delay(Math.min(interval, Math.max(0, timeoutMs - elapsed)));
    interval = nextInterval(interval, timing);
  }
}
