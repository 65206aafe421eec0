/**
 * The split test's arithmetic (split-test.ts says what the test is): shares, the likelihood ratios
 * of each tested backend, their bounds.
 *
 * Ratios. For each backend b with 0 < p_b < 1 and each direction, S_i(n) = log L_i(n) is the log
 * likelihood ratio of b's hit/miss sequence, share r_i = clip(p_b ± d) against p_b. The alternative is
 * the nearest share that must be caught: among tests with its error rates at r_i, the SPRT against r_i
 * needs the fewest requests under p_b (Wald-Wolfowitz); a farther one would accept sooner but lose
 * power at r_i, a nearer one would spend requests on deviations smaller than d. With exactly two
 * positive weights, the second backend's hits are the first one's misses, so its ratios are the first
 * one's with the directions swapped: only the backend with the smaller share is tested (m = 2, not 4).
 * (In the average W the duplicates would cancel out anyway; testing one backend halves the work.)
 * Ratio i is accepted, and frozen, at τ_i, the first n with S_i(n) <= log B.
 *
 * Power >= 1 - B - T_i, exactly, against any truth in which the share of ratio i's backend is r_i or
 * farther from p_b on r_i's side (the other shares are free; with two backends, a deviation of the
 * untested one is its partner's in the other direction). The test passes with ratio i either accepted or open
 * at maxRequests = N. (a) Accepted: then S_i fell to log B before S_i reached log(m/α) (W >= L_i / m,
 * so that would have failed the test). Call that event E, and σ the first n <= N at which S_i leaves
 * (log B, log(m/α)); on E, L_i(σ) <= B. As σ <= N is bounded, P_r(E) = E_p[L_i(σ); E] <= B (change of
 * measure). (b) Open at N: then S_i(N) < log(m/α), and by Chernoff's inequality at exponent 1/2,
 * P_r(S_i(N) < log(m/α)) <= (m/α)^(1/2) E_r[L_i(1)^(-1/2)]^N = (m/α)^(1/2) ρ_i^N = T_i, with
 * ρ_i = √(p_b r_i) + √((1 - p_b)(1 - r_i)). Both events only lose probability when the share moves
 * farther from p_b (couple the request sequences), so the bound covers all deviations of d or more.
 *
 * B = (1 - power) / 2. B = 1 - power would already prove the power; the factor 2 is room for the
 * Monte Carlo in stats:check: with a true miss rate at 1e-3, 10^4 simulated runs would land above the
 * 10 misses allowed about half the time. Cost: log 2 / KL(p || r) more requests on average, 19 for 90/10.
 * Requests on a correct 90/10 split: about 209 on average, against Wald's lower bound of
 * log(1/β) / KL(0.1 || 0.2) = 207 for any test with this miss rate β = 5e-4 (188 at β = 1e-3).
 */

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
  return Object.entries(shares)
    .map(([b, p]) => `${b}=${pct(p)}`)
    .join(', ');
}
