/**
 * A discrete-event clock for the model: time moves only when every coroutine is waiting, and then
 * jumps to the earliest wake-up. Nothing the self-test decides depends on how fast or busy the
 * machine is, and no real time is spent sleeping.
 *
 * Each wake-up is released from a setImmediate callback, which Node runs only after every pending
 * microtask: all coroutines that can make progress have done so before time moves. The model does no
 * real I/O, so the order of events is a function of the seed alone. Sleepers due at the same instant
 * wake in the order they went to sleep.
 */
import type { Clock } from '../../harness/wait.ts';

interface Sleeper {
  at: number;
  seq: number;
  wake: () => void;
}

export class VirtualClock implements Clock {
  private t = 0;
  private seq = 0;
  private sleepers: Sleeper[] = [];
  private scheduled = false;

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      this.sleepers.push({ at: this.t + Math.max(0, ms), seq: ++this.seq, wake });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.advance());
  }

  private advance(): void {
    this.scheduled = false;
    if (this.sleepers.length === 0) return;
    let next = 0;
    for (let i = 1; i < this.sleepers.length; i++) {
      const s = this.sleepers[i];
      const n = this.sleepers[next];
      if (s.at < n.at || (s.at === n.at && s.seq < n.seq)) next = i;
    }
    const [due] = this.sleepers.splice(next, 1);
    this.t = Math.max(this.t, due.at);
    due.wake();
    if (this.sleepers.length > 0) this.schedule();
  }
}
