import { expect } from 'chai';
import { converge, waitFor, WaitTimeout, type Timing } from '../../harness/wait.ts';

const T: Timing = { intervalMs: 1, maxIntervalMs: 5, readyTimeoutMs: 200, convergeTimeoutMs: 200, consecutive: 3 };

describe('convergence', () => {
  it('needs N consecutive successes; a failure resets the streak', async () => {
    const seq = [true, true, false, true, true, true];
    let i = 0;
    const c = await converge('x', async () => ({ ok: seq[i++] ?? true, detail: '' }), T);
    expect(c.attempts).to.equal(6);
  });

  it('gives up at the deadline and reports the last observation', async () => {
    try {
      await converge('never', async () => ({ ok: false, detail: 'still wrong' }), { ...T, convergeTimeoutMs: 30 });
      expect.fail('should have timed out');
    } catch (e) {
      expect(e).to.be.instanceOf(WaitTimeout);
      expect((e as Error).message).to.match(/never: not reached within .* last: still wrong/);
    }
  });

  it('waitFor returns the first defined value', async () => {
    let n = 0;
    expect(await waitFor('v', async () => (++n >= 3 ? n : undefined), T)).to.equal(3);
  });
});
