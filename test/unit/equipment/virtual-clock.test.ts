import { expect } from 'chai';
import { VirtualClock } from '../../../equipment/model/virtual-clock.ts';
import { converge, WaitTimeout } from '../../../harness/wait.ts';

describe('virtual clock (test equipment)', () => {
  it('wakes sleepers in time order, and time moves only to the next wake-up', async () => {
    const clock = new VirtualClock();
    const woke: string[] = [];
    await Promise.all([
      clock.sleep(30).then(() => woke.push(`a@${clock.now()}`)),
      clock.sleep(10).then(() => woke.push(`b@${clock.now()}`)),
      clock.sleep(10).then(() => woke.push(`c@${clock.now()}`)),
    ]);
    expect(woke).to.deep.equal(['b@10', 'c@10', 'a@30']);
  });

  it('lets a wait reach its deadline in virtual time without spending it', async () => {
    const clock = new VirtualClock();
    const started = Date.now();
    const timing = { intervalMs: 100, maxIntervalMs: 1_000, readyTimeoutMs: 1, convergeTimeoutMs: 600_000, consecutive: 3, clock };
    const err = await converge('never', async () => ({ ok: false, detail: 'no' }), timing).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(WaitTimeout);
    expect((err as WaitTimeout).elapsedMs).to.be.at.least(600_000);
    expect(Date.now() - started).to.be.below(5_000);
  });
});
