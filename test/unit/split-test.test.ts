import { expect } from 'chai';
import { SplitTest, DEFAULT_SPLIT_CONFIG } from '../../harness/stats/split-test.ts';
import { Rng } from '../../harness/stats/random.ts';

function runUntilDecision(weights: Record<string, number>, truth: [string, number][], seed: number) {
  const rng = new Rng(seed);
  const t = new SplitTest(weights);
  for (;;) {
    const d = t.observe(rng.weighted(truth));
    if (d !== 'continue') return t.state();
  }
}

describe('sequential split test', () => {
  it('states a false-failure bound of 1e-6', () => {
    expect(new SplitTest({ a: 90, b: 10 }).falseFailureBound).to.be.closeTo(1e-6, 1e-12);
  });

  it('passes a correct 90/10 split within a few hundred requests', () => {
    const s = runUntilDecision({ v1: 90, v2: 10, v3: 0 }, [['v1', 90], ['v2', 10]], 7);
    expect(s.decision).to.equal('pass');
    expect(s.requests).to.be.lessThan(600);
  });

  it('fails a split that is off by 10 points', () => {
    expect(runUntilDecision({ v1: 90, v2: 10 }, [['v1', 80], ['v2', 20]], 3).decision).to.equal('fail');
    expect(runUntilDecision({ v1: 90, v2: 10 }, [['v1', 100], ['v2', 0]], 3).decision).to.equal('fail');
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
});
