/** A split test replayed from its trace, for the report's plot of it. */
import type { SplitSnapshot, SplitState, SplitTrace } from './split-config.ts';
import { SplitTest } from './split-test.ts';

export interface SplitTrajectory {
  tested: { backend: string; p0: number; p1: number }[];
  logThreshold: number;
  logB: number;
  /** After request 1, 2, ... n. */
  points: SplitSnapshot[];
  state: SplitState;
}

/** Replays a trace through the test: its statistics after every request, as the check saw them. */
export function splitTrajectory(trace: SplitTrace): SplitTrajectory {
  const test = new SplitTest(trace.weights, trace.config);
  const points: SplitSnapshot[] = [];
  for (const c of trace.sequence) {
    test.observe(trace.backends[parseInt(c, 36)]);
    points.push(test.snapshot());
  }
  return { tested: test.tested, ...test.bounds, points, state: test.state() };
}
