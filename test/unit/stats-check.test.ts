import { expect } from 'chai';
import { monteCarlo90_10 } from '../../harness/stats/monte-carlo.ts';

describe('stats:check figures (Monte Carlo, 10,000 runs)', function () {
  this.timeout(60_000);
  it('has no false failure, power >= 0.999 and at most 400 requests on average', () => {
    const r = monteCarlo90_10(10_000, 20261122);
    expect(r.falseFailureBound).to.be.at.most(1e-6);
    expect(r.simulatedFalseFailures).to.equal(0);
    expect(r.power).to.be.at.least(0.999);
    expect(r.meanRequests).to.be.at.most(400);
  });
});
