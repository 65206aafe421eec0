/**
 * Sequential test of a weighted traffic split, one sample per request.
 *
 * For every backend with a weight strictly between 0 and 100%, two one-sided Wald SPRTs compare
 * H0 "its share is the configured p0" against H1 "its share is p0 + d" and "p0 - d" (clipped to
 * [0, 1]). The check fails as soon as one SPRT's likelihood ratio reaches A, passes once every SPRT
 * has fallen to B, and stops at maxRequests with a pass.
 *
 * False-failure bound: under H0 each likelihood ratio is a non-negative martingale with mean 1, so
 * by Ville's inequality P(it ever reaches A) <= 1/A, whatever the stopping rule. With m SPRTs and
 * A = m / falseFailureRate, the probability that a correct split fails is at most falseFailureRate.
 * Truncation can only turn a failure into a pass, so it keeps the bound.
 *
 * A backend whose weight is 0 must receive no request at all: a single one fails the check, and a
 * pass needs enough requests that a leak of d would have been seen with probability `power`.
 * Power against a deviation of d is estimated by `npm run stats:check` (Monte Carlo).
 */
export interface SplitTestConfig {
  falseFailureRate: number;
  power: number;
  deviation: number;
  maxRequests: number;
}

export const DEFAULT_SPLIT_CONFIG: SplitTestConfig = {
  falseFailureRate: 1e-6,
  power: 0.999,
  deviation: 0.1,
  maxRequests: 2000,
};

export type SplitDecision = 'continue' | 'pass' | 'fail';

interface Sprt {
  backend: string;
  p0: number;
  p1: number;
  llr: number;
  done: 'open' | 'accepted' | 'rejected';
}

export interface SplitState {
  decision: SplitDecision;
  reason: string;
  requests: number;
  counts: Record<string, number>;
  expectedShares: Record<string, number>;
}

export class SplitTest {
  private readonly sprts: Sprt[] = [];
  private readonly shares: Record<string, number>;
  private readonly counts: Record<string, number> = {};
  private readonly logA: number;
  private readonly logB: number;
  private readonly minRequestsForZero: number;
  private n = 0;
  private failure: string | undefined;

  constructor(
    weights: Record<string, number>,
    readonly config: SplitTestConfig = DEFAULT_SPLIT_CONFIG,
  ) {
    const total = Object.values(weights).reduce((s, w) => s + w, 0);
    if (!(total > 0)) throw new Error('a split needs at least one positive weight');
    this.shares = Object.fromEntries(Object.entries(weights).map(([b, w]) => [b, w / total]));
    for (const [backend, p0] of Object.entries(this.shares)) {
      this.counts[backend] = 0;
      if (p0 <= 0 || p0 >= 1) continue;
      const up = Math.min(p0 + config.deviation, 1);
      const down = Math.max(p0 - config.deviation, 0);
      this.sprts.push({ backend, p0, p1: up, llr: 0, done: 'open' });
      this.sprts.push({ backend, p0, p1: down, llr: 0, done: 'open' });
    }
    this.logA = Math.log(Math.max(this.sprts.length, 1) / config.falseFailureRate);
    // The acceptance boundary is set ten times stricter than 1 - power: Wald's B = beta is an
    // approximation, and the Monte Carlo check (stats:check) must show the power really reached.
    this.logB = Math.log((1 - config.power) / 10);
    const hasZero = Object.values(this.shares).some((p) => p === 0);
    this.minRequestsForZero = hasZero ? Math.ceil(Math.log(1 - config.power) / Math.log(1 - config.deviation)) : 0;
  }

  /** The configured upper bound on the probability that a correct split fails this check. */
  get falseFailureBound(): number {
    // A = m / falseFailureRate by construction, so m * (1/A) is the configured rate.
    return this.sprts.length === 0 ? 0 : this.config.falseFailureRate;
  }

  observe(backend: string): SplitDecision {
    if (this.failure) return 'fail';
    this.n++;
    this.counts[backend] = (this.counts[backend] ?? 0) + 1;
    const share = this.shares[backend] ?? 0;
    if (share === 0) {
      this.failure = `backend ${backend} has weight 0 but received request #${this.n}`;
      return 'fail';
    }
    for (const s of this.sprts) {
      if (s.done !== 'open') continue;
      const hit = s.backend === backend;
      s.llr += hit ? Math.log(s.p1 / s.p0) : Math.log((1 - s.p1) / (1 - s.p0));
      if (s.llr >= this.logA) {
        s.done = 'rejected';
        this.failure =
          `share of ${s.backend} is not ${pct(s.p0)}: ${this.counts[s.backend] ?? 0}/${this.n} requests ` +
          `(${pct((this.counts[s.backend] ?? 0) / this.n)}), evidence for ${pct(s.p1)} passed the 1/${fmt(Math.exp(this.logA))} threshold`;
        return 'fail';
      }
      if (s.llr <= this.logB) s.done = 'accepted';
    }
    return this.decision();
  }

  private decision(): SplitDecision {
    if (this.failure) return 'fail';
    const open = this.sprts.some((s) => s.done === 'open');
    if (!open && this.n >= Math.max(this.minRequestsForZero, 1)) return 'pass';
    return this.n >= this.config.maxRequests ? 'pass' : 'continue';
  }

  state(): SplitState {
    const base = { requests: this.n, counts: { ...this.counts }, expectedShares: { ...this.shares } };
    if (this.failure) return { ...base, decision: 'fail', reason: this.failure };
    const open = this.sprts.filter((s) => s.done === 'open');
    if (open.length === 0 && this.n >= Math.max(this.minRequestsForZero, 1)) {
      return { ...base, decision: 'pass', reason: `split consistent with ${describeShares(this.shares)} after ${this.n} requests` };
    }
    if (this.n >= this.config.maxRequests) {
      return { ...base, decision: 'pass', reason: `no significant deviation after the maximum of ${this.n} requests` };
    }
    return { ...base, decision: 'continue', reason: `${open.length} open tests after ${this.n} requests` };
  }
}

function pct(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

function fmt(x: number): string {
  return x.toExponential(1);
}

function describeShares(shares: Record<string, number>): string {
  return Object.entries(shares).map(([b, p]) => `${b}=${pct(p)}`).join(', ');
}
