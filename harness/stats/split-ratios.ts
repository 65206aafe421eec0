/** The split test's arithmetic: shares, the likelihood ratios of each tested backend, their bounds (see split-test.ts). */

export interface Ratio {
  backend: string;
  p0: number;
  p1: number;
  /** log L step on a hit / a miss of `backend` (-Infinity when p1 is 0 or 1 and rules the outcome out). */
  hit: number;
  miss: number;
  llr: number;
  accepted: boolean;
}

export function sharesOf(weights: Record<string, number>): Record<string, number> {
  const bad = Object.entries(weights).filter(([, w]) => !(Number.isFinite(w) && w >= 0));
  if (bad.length > 0) throw new Error(`split weights must be finite and >= 0, got ${bad.map(([b, w]) => `${b}=${w}`).join(', ')}`);
  const total = Object.values(weights).reduce((s, w) => s + w, 0);
  if (!(total > 0)) throw new Error('a split needs at least one positive weight');
  return Object.fromEntries(Object.entries(weights).map(([b, w]) => [b, w / total]));
}

/** Backends whose share is tested; with two positive weights one of them says it all (see above). */
export function testedBackends(shares: Record<string, number>): string[] {
  const weighted = Object.keys(shares).filter((b) => shares[b] > 0 && shares[b] < 1);
  if (weighted.length !== 2) return weighted;
  return [weighted.reduce((a, b) => (shares[b] < shares[a] ? b : a))];
}

export function ratiosFor(backend: string, p0: number, d: number): Ratio[] {
  return [Math.min(p0 + d, 1), Math.max(p0 - d, 0)].map((p1) => ({
    backend,
    p0,
    p1,
    hit: Math.log(p1 / p0),
    miss: Math.log((1 - p1) / (1 - p0)),
    llr: 0,
    accepted: false,
  }));
}

/** T_i above: Chernoff bound on P_r(S_i(N) < log(m/α)). */
export function truncationMiss(r: Ratio, logThreshold: number, n: number): number {
  const rho = Math.sqrt(r.p0 * r.p1) + Math.sqrt((1 - r.p0) * (1 - r.p1));
  return Math.exp(logThreshold / 2 + n * Math.log(rho));
}

/** Fewest observations that bring an open ratio to log B: all hits or all misses, whichever moves down. */
export function stepsDownTo(r: Ratio, logB: number): number {
  const step = Math.min(r.hit, r.miss);
  if (step === -Infinity) return 1;
  // The epsilon keeps float noise from turning k into k + 1: an estimate one too low costs an exec, one too high a wasted request.
  return Math.max(1, Math.ceil((r.llr - logB) / -step - 1e-9));
}

export function logSumExp(xs: number[]): number {
  const max = Math.max(...xs);
  if (!Number.isFinite(max)) return max;
  return max + Math.log(xs.reduce((s, x) => s + Math.exp(x - max), 0));
}

export function pct(p: number): string {
  return `${(p * 100).toFixed(1)}%`;
}

export function fmt(x: number): string {
  return x.toExponential(1);
}

export function describeShares(shares: Record<string, number>): string {
  return Object.entries(shares).map(([b, p]) => `${b}=${pct(p)}`).join(', ');
}
