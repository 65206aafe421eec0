/** Seeded randomness (pure-rand's xoroshiro128+), so every simulated run can be replayed from its seed. */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';

export class Rng {
  private readonly gen;
  readonly seed: number;
  constructor(seed: number) {
    this.seed = seed;
    this.gen = xoroshiro128plus(seed);
  }
  /** Uniform in [0, 1). */
  next(): number {
    return uniformFloat64(this.gen);
  }
  int(from: number, to: number): number {
    return uniformInt(this.gen, from, to);
  }
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length - 1)];
  }
  /** Picks a key with probability proportional to its weight. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((s, [, w]) => s + w, 0);
    if (total <= 0) throw new Error('weighted pick with no positive weight');
    let x = this.next() * total;
    for (const [item, w] of entries) {
      if (w <= 0) continue;
      x -= w;
      if (x < 0) return item;
    }
    return entries.filter(([, w]) => w > 0).at(-1)![0];
  }
}
