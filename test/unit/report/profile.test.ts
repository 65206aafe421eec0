import { expect } from 'chai';
import { criticalPath, phaseTotals, slowestLaps } from '../../../harness/report/profile.ts';
import type { Lap } from '../../../harness/runner/stopwatch.ts';

const lap = (phase: Lap['phase'], ms: number, name: string = phase): Lap => ({ step: 's', phase, name, ms });

describe('profile of a run', () => {
  it('replays the pool: each scenario to the first free worker', () => {
    const results = [
      { id: 'a', durationMs: 10 },
      { id: 'b', durationMs: 3 },
      { id: 'c', durationMs: 4 },
      { id: 'd', durationMs: 5 },
      { id: 's', durationMs: 2 },
    ];
    // worker 1: a (10), s (12); worker 2: b (3), c (7), d (12) → both end at 12, the first found is worker 1.
    expect(criticalPath(results, 2)).to.deep.equal({ ms: 12, ids: ['a', 's'] });
    expect(criticalPath(results, 1).ms).to.equal(24);
  });

  it('sums phases and finds the slowest laps across scenarios', () => {
    const results = [
      { id: 'x', timings: [lap('wait', 30, 'Gateway'), lap('check', 5)] },
      { id: 'y', timings: [lap('wait', 7), lap('apply', 2)] },
    ];
    expect(phaseTotals(results)).to.include({ wait: 37, check: 5, apply: 2, cleanup: 0 });
    expect(slowestLaps(results, 2).map((l) => `${l.id}:${l.name}`)).to.deep.equal(['x:Gateway', 'y:wait']);
  });
});
