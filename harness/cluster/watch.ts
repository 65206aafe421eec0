/**
 * Change notifications for waits: one Kubernetes watch per resource path, shared by everyone waiting
 * on it. A change wakes every waiter at once; a wait still polls on its own schedule, so a watch that
 * fails or misses an event only costs latency, never a verdict. Watches close when idle.
 */
import type { Wake, Waker } from '../wait.ts';
import type { Cluster } from './types.ts';

type Open = (path: string, onEvent: () => void, onDone: (err: unknown) => void) => Promise<AbortController>;

interface Feed {
  waiters: Set<() => void>;
  abort?: AbortController;
  idle?: NodeJS.Timeout;
}

export class ChangeFeed {
  private readonly feeds = new Map<string, Feed>();

  private readonly open: Open;
  private readonly idleMs: number;

  constructor(open: Open, idleMs = 10_000) {
    this.open = open;
    this.idleMs = idleMs;
  }

  next(path: string): Wake {
    const feed = this.feeds.get(path) ?? this.start(path);
    clearTimeout(feed.idle);
    let wake!: () => void;
    const changed = new Promise<void>((resolve) => (wake = resolve));
    feed.waiters.add(wake);
    return {
      changed,
      cancel: () => {
        feed.waiters.delete(wake);
        if (feed.waiters.size === 0) feed.idle = setTimeout(() => this.stop(path), this.idleMs).unref();
      },
    };
  }

  close(): void {
    for (const path of [...this.feeds.keys()]) this.stop(path);
  }

  private start(path: string): Feed {
    const feed: Feed = { waiters: new Set() };
    this.feeds.set(path, feed);
    const notify = () => {
      const waiters = [...feed.waiters];
      feed.waiters.clear();
      for (const w of waiters) w();
    };
    // A watch that ends or cannot start is dropped; the next waiter opens a new one.
    const drop = () => {
      if (this.feeds.get(path) === feed) this.feeds.delete(path);
    };
    this.open(path, notify, drop).then((abort) => {
      if (this.feeds.get(path) === feed) feed.abort = abort;
      else abort.abort();
    }, drop);
    return feed;
  }

  private stop(path: string): void {
    const feed = this.feeds.get(path);
    if (!feed) return;
    this.feeds.delete(path);
    clearTimeout(feed.idle);
    feed.abort?.abort();
  }
}

/** A waker for waits on objects of one kind (in one namespace), when the cluster can watch. */
export function changesOf(cluster: Pick<Cluster, 'nextChange'>, apiVersion: string, kind: string, namespace?: string): Waker {
  return () => cluster.nextChange?.(apiVersion, kind, namespace);
}

/** A waker for waits on several kinds: the first change of any wakes the wait. */
export function anyChange(...wakers: Waker[]): Waker {
  return () => {
    const wakes = wakers.map((w) => w()).filter((w): w is Wake => w !== undefined);
    if (wakes.length === 0) return undefined;
    return { changed: Promise.race(wakes.map((w) => w.changed)), cancel: () => wakes.forEach((w) => w.cancel()) };
  };
}
