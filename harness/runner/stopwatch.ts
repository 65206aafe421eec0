/**
 * Where a scenario's time goes: each lap is one piece of work in one step (applying manifests, a
 * named readiness wait, a check, diagnostics, cleanup), timed on the run's clock.
 */
import type { Clock } from '../wait.ts';

export type Phase = 'apply' | 'wait' | 'check' | 'diagnostics' | 'cleanup';
export const PHASES: readonly Phase[] = ['apply', 'wait', 'check', 'diagnostics', 'cleanup'];

export interface Lap {
  step: string;
  phase: Phase;
  name: string;
  /** @minimum 0 */
  ms: number;
  /** The clock's reading when the lap started: with the scenarios' startedMs, the run's timeline. */
  atMs?: number;
}

export class Stopwatch {
  readonly laps: Lap[] = [];

  private readonly clock: Clock;

  constructor(clock: Clock) {
    this.clock = clock;
  }

  async time<T>(step: string, phase: Phase, name: string, work: () => Promise<T>): Promise<T> {
    const start = this.clock.now();
    try {
      return await work();
    } finally {
      this.laps.push({ step, phase, name, ms: this.clock.now() - start, atMs: start });
    }
  }
}
