/**
 * Sequential test of a weighted traffic split, one sample per request.
 *
 * Model. Requests are independent; each reaches backend b with probability q_b. H0: q_b = p_b, the
 * configured share (weight / total), for every backend. A deviation of d is a backend whose share is
 * p_b + d or more, or p_b - d or less, clipped to [0, 1]. For 90/10 with d = 10 points that is v2 at
 * >= 20% (80/20 and beyond) or v2 at 0% (100/0); v1 moves the other way by the same amount.
 *
 * Ratios (S_i, accepted at log B) and the proof of the power bound: split-ratios.ts.
 *
 * Verdict. Fail as soon as W(n) = (1/m) Σ_i L_i(n ∧ τ_i) >= 1/α (α = falseFailureRate), or at the
 * first request to a backend with weight 0 or not configured at all. Pass once every ratio is
 * accepted and n >= n0 (below), or at maxRequests.
 *
 * False failure <= α, exactly. Under H0, E[L_i(n+1) / L_i(n) | past] = p_b (r_i/p_b) + (1 - p_b)
 * (1 - r_i)/(1 - p_b) = 1, so L_i is a nonnegative martingale with mean 1; stopped at τ_i it still is,
 * and so is the average W, with W(0) = 1. Ville's inequality: P(sup_n W(n) >= 1/α) <= α, whatever
 * the stopping rule and however many requests. Under H0 no request reaches a weight-0 backend, and
 * acceptance or truncation only end the test without a failure. (The average is never worse than a
 * union bound over m separate tests: max_i L_i >= m/α implies W >= 1/α.)
 *
 * A backend whose weight is 0 must receive no request at all: a single one fails the check, and a
 * pass needs n0 = ceil(log(1 - power) / log(1 - d)) requests, so a leak of share d has been seen with
 * probability >= power, exactly ((1 - d)^n0 <= 1 - power).
 *
 * Batches. Each request is one curl process in the client pod, and each exec of a batch costs a round
 * trip through the API server. `minRequestsToPass()` is the fewest further requests after which
 * the test could pass (each ratio's quickest path to log B, and n0): sending that many in one exec
 * wastes nothing on a correct split, and keeps the exec count low early on, when it is large (65 at the
 * start of a 90/10 test). Near the end it shrinks to 1, so callers send max(it, floor), with the floor
 * about round-trip cost / per-request cost: see `nextBatchSize`.
 */
import {
  checkConfig,
  DEFAULT_SPLIT_CONFIG,
  type SplitDecision,
  type SplitSnapshot,
  type SplitState,
  type SplitTestConfig,
  type SplitTrace,
} from './split-config.ts';
import {
  describeShares,
  fmt,
  logSumExp,
  pct,
  ratiosFor,
  sharesOf,
  stepsDownTo,
  testedBackends,
  truncationMiss,
  type Ratio,
} from './split-ratios.ts';

export class SplitTest {
  private readonly ratios: Ratio[];
  private readonly shares: Record<string, number>;
  private readonly counts: Record<string, number> = {};
  /** log(m / α): W >= 1/α is log Σ L_i >= this. */
  private readonly logThreshold: number;
  private readonly logB: number;
  private readonly minRequestsForZero: number;
  private n = 0;
  private failure: string | undefined;
  private readonly observed: string[] = [];

  readonly config: SplitTestConfig;

  constructor(weights: Record<string, number>, config: SplitTestConfig = DEFAULT_SPLIT_CONFIG) {
    this.config = config;
    checkConfig(config);
    this.shares = sharesOf(weights);
    for (const b of Object.keys(this.shares)) this.counts[b] = 0;
    this.ratios = testedBackends(this.shares).flatMap((b) => ratiosFor(b, this.shares[b], config.deviation));
    this.logThreshold = Math.log(Math.max(this.ratios.length, 1) / config.falseFailureRate);
    this.logB = Math.log((1 - config.power) / 2);
    const hasZero = Object.values(this.shares).some((p) => p === 0);
    this.minRequestsForZero = hasZero ? Math.ceil(Math.log(1 - config.power) / Math.log(1 - config.deviation)) : 0;
    if (this.powerBound < config.power) {
      throw new Error(
        `split test: with maxRequests ${config.maxRequests} the power against a deviation of ${pct(config.deviation)} ` +
          `is only guaranteed to be ${this.powerBound.toFixed(6)}, below ${config.power}; raise maxRequests`,
      );
    }
  }

  /** Upper bound on the probability that a correct split fails this check (exact, see above). */
  get falseFailureBound(): number {
    return this.ratios.length === 0 ? 0 : this.config.falseFailureRate;
  }

  /** Lower bound on the probability that a deviation of `deviation` or more fails this check (exact, see above). */
  get powerBound(): number {
    const zeroPower = this.minRequestsForZero > 0 ? 1 - (1 - this.config.deviation) ** this.minRequestsForZero : 1;
    const misses = this.ratios.map((r) => Math.exp(this.logB) + truncationMiss(r, this.logThreshold, this.config.maxRequests));
    return Math.min(zeroPower, ...misses.map((m) => 1 - m));
  }

  observe(backend: string): SplitDecision {
    if (this.failure) return 'fail';
    this.n++;
    this.observed.push(backend);
    this.counts[backend] = (this.counts[backend] ?? 0) + 1;
    if (!(this.shares[backend] > 0)) {
      this.failure = `backend ${backend} has weight 0 but received request #${this.n}`;
      return 'fail';
    }
    for (const r of this.ratios) {
      if (r.accepted) continue;
      r.llr += r.backend === backend ? r.hit : r.miss;
      if (r.llr <= this.logB) r.accepted = true;
    }
    if (logSumExp(this.ratios.map((r) => r.llr)) >= this.logThreshold) this.failure = this.failureReason();
    return this.decision();
  }

  /** What the test observed, for the report (a plot of its statistics against its bounds). */
  trace(weights: Record<string, number>): SplitTrace {
    const backends = [...new Set([...Object.keys(weights), ...this.observed])];
    if (backends.length > 36) throw new Error('a split trace holds at most 36 backends');
    return { weights, config: this.config, backends, sequence: this.observed.map((b) => backends.indexOf(b).toString(36)).join('') };
  }

  /** The ratios tested: backend, its configured share, the alternative share. */
  get tested(): { backend: string; p0: number; p1: number }[] {
    return this.ratios.map(({ backend, p0, p1 }) => ({ backend, p0, p1 }));
  }

  /** The decision bounds in nats: fail when log Σ L_i reaches logThreshold; a ratio is accepted at logB. */
  get bounds(): { logThreshold: number; logB: number } {
    return { logThreshold: this.logThreshold, logB: this.logB };
  }

  snapshot(): SplitSnapshot {
    return {
      llr: this.ratios.map((r) => r.llr),
      accepted: this.ratios.map((r) => r.accepted),
      logSum: logSumExp(this.ratios.map((r) => r.llr)),
    };
  }

  /** The fewest further requests after which this test could pass; 0 once it has decided. */
  minRequestsToPass(): number {
    if (this.decision() !== 'continue') return 0;
    const perRatio = this.ratios.filter((r) => !r.accepted).map((r) => stepsDownTo(r, this.logB));
    const needed = Math.max(1, this.minRequestsForZero - this.n, ...perRatio);
    return Math.min(needed, this.config.maxRequests - this.n);
  }

  /**
   * How many requests to send in the next exec: at least `floor` (about exec round-trip cost divided by the
   * cost of one request, so that no exec carries less work than its own overhead), at least
   * minRequestsToPass() (which wastes nothing on a correct split), at most what maxRequests leaves.
   */
  nextBatchSize(floor: number): number {
    const left = this.config.maxRequests - this.n;
    return Math.max(0, Math.min(left, Math.max(this.minRequestsToPass(), Math.ceil(floor))));
  }

  private failureReason(): string {
    const r = this.ratios.reduce((a, b) => (b.llr > a.llr ? b : a));
    const hits = this.counts[r.backend] ?? 0;
    return (
      `share of ${r.backend} is not ${pct(r.p0)}: ${hits}/${this.n} requests (${pct(hits / this.n)}); ` +
      `the evidence for ${pct(r.p1)} passed the 1/${fmt(this.config.falseFailureRate)} threshold`
    );
  }

  private decision(): SplitDecision {
    if (this.failure) return 'fail';
    if (this.allAccepted()) return 'pass';
    return this.n >= this.config.maxRequests ? 'pass' : 'continue';
  }

  private allAccepted(): boolean {
    return this.ratios.every((r) => r.accepted) && this.n >= Math.max(this.minRequestsForZero, 1);
  }

  state(): SplitState {
    const base = { requests: this.n, counts: { ...this.counts }, expectedShares: { ...this.shares } };
    if (this.failure) return { ...base, decision: 'fail', reason: this.failure };
    if (this.allAccepted()) {
      return { ...base, decision: 'pass', reason: `split consistent with ${describeShares(this.shares)} after ${this.n} requests` };
    }
    if (this.n >= this.config.maxRequests) {
      return { ...base, decision: 'pass', reason: `no significant deviation after the maximum of ${this.n} requests` };
    }
    const open = this.ratios.filter((r) => !r.accepted).length;
    return { ...base, decision: 'continue', reason: `${open} open tests after ${this.n} requests` };
  }
}
