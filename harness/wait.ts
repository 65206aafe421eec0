/**
 * The one place for waiting. Nothing in the suite sleeps for a fixed time: it polls a condition
 * with a bounded deadline, and a timing-dependent check converges (N consecutive successes).
 */
import { setTimeout as realDelay } from 'node:timers/promises';

/** Where waits read the time and sleep. The real clock by default; test equipment may bring a virtual one. */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const REAL_CLOCK: Clock = { now: () => Date.now(), sleep: (ms) => realDelay(ms) };

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
  /** The clock waits use; the real one when absent. */
  clock?: Clock;
}

export function clockOf(timing: Timing): Clock {
  return timing.clock ?? REAL_CLOCK;
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
  readonly what: string;
  readonly elapsedMs: number;
  readonly attempts: number;
  readonly lastDetail: string;

  constructor(what: string, elapsedMs: number, attempts: number, lastDetail: string) {
    super(`${what}: not reached within ${(elapsedMs / 1000).toFixed(1)}s after ${attempts} attempts; last: ${lastDetail}`);
    this.what = what;
    this.elapsedMs = elapsedMs;
    this.attempts = attempts;
    this.lastDetail = lastDetail;
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
  const clock = clockOf(timing);
  const start = clock.now();
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
      if (streak >= needed) return { elapsedMs: clock.now() - start, attempts };
      interval = timing.intervalMs; // a streak is confirmed quickly, without backing off
    } else {
      streak = 0;
    }
    const elapsed = clock.now() - start;
    if (elapsed >= timeoutMs) throw new WaitTimeout(what, elapsed, attempts, last);
    await clock.sleep(Math.min(interval, Math.max(0, timeoutMs - elapsed)));
    if (!obs.ok) interval = nextInterval(interval, timing);
  }
}

/** One wait for the next change of what a waiter watches. */
export interface Wake {
  /** Resolves at the next change; never rejects. */
  changed: Promise<void>;
  cancel(): void;
}

/** Wakes a wait before its next poll (a watch event); the wait polls anyway. */
export type Waker = () => Wake | undefined;

/**
 * Polls until `probe` returns a value that is not undefined. With a waker, a change wakes the wait
 * at once instead of at its next poll; it subscribes before probing, so no change is missed between.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timing: Timing,
  describe: () => string = () => 'condition not met',
  timeoutMs = timing.readyTimeoutMs,
  waker?: Waker,
): Promise<T> {
  const clock = clockOf(timing);
  const start = clock.now();
  let attempts = 0;
  // With a watch to wake it, polling is only the fallback for a lost watch: start at the slowest pace.
  let interval = waker ? timing.maxIntervalMs : timing.intervalMs;
  for (;;) {
    attempts++;
    const wake = waker?.();
    try {
      const value = await probe();
      if (value !== undefined) return value;
      const elapsed = clock.now() - start;
      if (elapsed >= timeoutMs) throw new WaitTimeout(what, elapsed, attempts, describe());
      const nap = clock.sleep(Math.min(interval, Math.max(0, timeoutMs - elapsed)));
      await (wake ? Promise.race([nap, wake.changed]) : nap);
    } finally {
      wake?.cancel();
    }
    interval = nextInterval(interval, timing);
  }
}
