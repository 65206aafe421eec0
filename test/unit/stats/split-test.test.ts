import { expect } from 'chai';
import { SplitTest } from '../../../harness/stats/split-test.ts';
import { DEFAULT_SPLIT_CONFIG } from '../../../harness/stats/split-config.ts';
import { Rng } from '../../../harness/stats/random.ts';

function runUntilDecision(weights: Record<string, number>, truth: [string, number][], seed: number) {
  const rng = new Rng(seed);
  const t = new SplitTest(weights);
  for (;;) {
    const d = t.observe(rng.weighted(truth));
    if (d !== 'continue') return t.state();
  }
}

/** Feeds the same backend until the test decides; returns the request count at the decision. */
function decideOnRepeats(weights: Record<string, number>, backend: string) {
  const t = new SplitTest(weights);
  let d = t.observe(backend);
  while (d === 'continue') d = t.observe(backend);
  return { decision: d, requests: t.state().requests };
}

const SPLITS: Record<string, number>[] = [
  { v1: 90, v2: 10 },
  { v1: 90, v2: 10, v3: 0 },
  { v1: 50, v2: 50 },
  { v1: 99, v2: 1 },
  { v1: 1, v2: 1, v3: 1 },
  { v1: 45, v2: 45, v3: 10 },
  { v1: 70, v2: 20, v3: 10 },
  Object.fromEntries([...Array(10).keys()].map((i) => [`v${i}`, 1])),
];

describe('sequential split test', () => {
  it('states a false-failure bound of 1e-6 and proves power >= 0.999 for every split shape', () => {
    for (const w of SPLITS) {
      const t = new SplitTest(w);
      expect(t.falseFailureBound, JSON.stringify(w)).to.be.closeTo(1e-6, 1e-12);
      expect(t.powerBound, JSON.stringify(w)).to.be.at.least(0.999);
    }
  });

  it('fails a run of the 10% backend at the request where the averaged ratio reaches 1/alpha', () => {
    // Ratios for v2: 20% (up) and 0% (down, dead after the first v2 hit), m = 2: W = 2^n / 2 >= 1e6.
    const n = Math.ceil(Math.log(2 / DEFAULT_SPLIT_CONFIG.falseFailureRate) / Math.log(2));
    expect(decideOnRepeats({ v1: 90, v2: 10 }, 'v2')).to.deep.equal({ decision: 'fail', requests: n });
  });

  it('fails a 100/0 truth on a 90/10 split when the 0% ratio reaches 1/alpha', () => {
    const n = Math.ceil(Math.log(2 / DEFAULT_SPLIT_CONFIG.falseFailureRate) / Math.log(1 / 0.9));
    expect(decideOnRepeats({ v1: 90, v2: 10 }, 'v1')).to.deep.equal({ decision: 'fail', requests: n });
  });

  it('passes a correct 90/10 split and a correct even split', () => {
    const s = runUntilDecision(
      { v1: 90, v2: 10, v3: 0 },
      [
        ['v1', 90],
        ['v2', 10],
      ],
      7,
    );
    expect(s.decision).to.equal('pass');
    expect(s.requests).to.be.lessThan(600);
    expect(
      runUntilDecision(
        { a: 1, b: 1, c: 1 },
        [
          ['a', 1],
          ['b', 1],
          ['c', 1],
        ],
        7,
      ).decision,
    ).to.equal('pass');
  });

  it('fails splits that are off by 10 points in either direction', () => {
    for (const seed of [1, 2, 3]) {
      expect(
        runUntilDecision(
          { v1: 90, v2: 10 },
          [
            ['v1', 80],
            ['v2', 20],
          ],
          seed,
        ).decision,
      ).to.equal('fail');
      expect(
        runUntilDecision(
          { v1: 90, v2: 10 },
          [
            ['v1', 100],
            ['v2', 0],
          ],
          seed,
        ).decision,
      ).to.equal('fail');
      expect(
        runUntilDecision(
          { a: 1, b: 1, c: 1 },
          [
            ['a', 43.3],
            ['b', 23.3],
            ['c', 33.3],
          ],
          seed,
        ).decision,
      ).to.equal('fail');
    }
  });

  it('fails at the first request to a weight-0 backend', () => {
    const t = new SplitTest({ v1: 100, v2: 0 });
    expect(t.observe('v1')).to.equal('continue');
    expect(t.observe('v2')).to.equal('fail');
    expect(t.state().reason).to.match(/weight 0/);
  });

  it('needs enough requests to see a 10-point leak before passing a 100/0 split', () => {
    const t = new SplitTest({ v1: 100, v2: 0 });
    let n = 0;
    while (t.observe('v1') === 'continue') n++;
    expect(n + 1).to.equal(Math.ceil(Math.log(1 - DEFAULT_SPLIT_CONFIG.power) / Math.log(0.9)));
  });

  it('treats an unknown backend as weight 0', () => {
    const t = new SplitTest({ v1: 1 });
    expect(t.observe('v9')).to.equal('fail');
  });

  it('never passes before minRequestsToPass() requests, and passes exactly then on the quickest path', () => {
    const quickest = new SplitTest({ v1: 90, v2: 10 });
    quickest.observe('v2'); // the 0% ratio is accepted on the first v2 request
    const k = quickest.minRequestsToPass();
    for (let i = 1; i < k; i++) expect(quickest.observe('v1'), `request ${i} of ${k}`).to.equal('continue');
    expect(quickest.observe('v1')).to.equal('pass');

    const rng = new Rng(11);
    for (let run = 0; run < 200; run++) {
      const t = new SplitTest({ v1: 90, v2: 10, v3: 0 });
      for (;;) {
        const promise = t.minRequestsToPass();
        let d = 'continue';
        for (let i = 1; i <= promise && d === 'continue'; i++) {
          d = t.observe(
            rng.weighted([
              ['v1', 90],
              ['v2', 10],
            ]),
          );
          if (i < promise) expect(d).to.not.equal('pass');
        }
        if (d !== 'continue') break;
      }
    }
  });

  it('sizes batches between the floor, the promise and what maxRequests leaves', () => {
    const t = new SplitTest({ v1: 90, v2: 10 });
    expect(t.nextBatchSize(1)).to.equal(t.minRequestsToPass());
    expect(t.nextBatchSize(5000)).to.equal(DEFAULT_SPLIT_CONFIG.maxRequests);
    t.observe('v2');
    expect(t.nextBatchSize(1)).to.be.greaterThan(50);
  });

  it('rejects a configuration whose power it cannot prove, and bad weights', () => {
    expect(() => new SplitTest({ a: 1, b: 1 }, { ...DEFAULT_SPLIT_CONFIG, maxRequests: 2000 })).to.throw(/raise maxRequests/);
    expect(() => new SplitTest({ a: 1 }, { ...DEFAULT_SPLIT_CONFIG, power: 1 })).to.throw(/power must be in \(0, 1\)/);
    expect(() => new SplitTest({ a: -1, b: 2 })).to.throw(/a=-1/);
    expect(() => new SplitTest({ a: 0 })).to.throw(/positive weight/);
  });
});
