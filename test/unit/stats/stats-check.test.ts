import { expect } from 'chai';
import { execa } from 'execa';
import { monteCarlo90_10 } from '../../../harness/stats/monte-carlo.ts';

describe('stats:check figures (Monte Carlo, 10,000 runs per hypothesis)', function () {
  this.timeout(60_000);
  it('has no false failure, power >= 0.999 both ways (measured and proven) and at most 220 requests on average', () => {
    const r = monteCarlo90_10(10_000, 20261122);
    expect(r.falseFailureBound).to.be.at.most(1e-6);
    expect(r.powerBound).to.be.at.least(0.999);
    expect(r.simulatedFalseFailures).to.equal(0);
    expect(r.alternatives.map((a) => a.truth)).to.deep.equal(['v1=80% v2=20%', 'v1=100% v2=0%']);
    expect(r.power).to.be.at.least(0.999);
    expect(r.meanRequests).to.be.at.most(220);
    const planned = r.batching.find((b) => b.plan === 'planned 1')!;
    expect(planned.meanSent).to.equal(r.meanRequests); // the promise never sends a request past a pass
    expect(planned.meanExecs).to.be.lessThan(r.batching.find((b) => b.plan === 'fixed 10')!.meanExecs);
  });

  it('refuses fewer than 10,000 runs, naming the option', async () => {
    const res = await execa(process.execPath, ['scripts/stats-check.ts', '--runs', '5'], { reject: false });
    expect(res.exitCode).to.equal(2);
    expect(res.stderr).to.match(/--runs must be an integer >= 10000, got "5"/);
    expect(res.stderr).to.not.match(/at .*\.ts:\d+/);
  });
});
