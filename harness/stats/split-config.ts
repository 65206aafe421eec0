/** The split test's settings, what it decides, and the observations it keeps (harness/stats/split-test.ts says how it decides). */

export interface SplitTestConfig {
  /** The probability of failing a correct split. */
  falseFailureRate: number;
  /** The probability of failing a split that deviates by `deviation`. */
  power: number;
  /** The share, in (0, 1), by which a backend must be off for the test to fail it. */
  deviation: number;
  /** The test passes after this many requests without a decision. @asType integer @minimum 1 */
  maxRequests: number;
}

/** A backend's weight in a split. @minimum 0 */
export type Weight = number;

export const DEFAULT_SPLIT_CONFIG: SplitTestConfig = {
  falseFailureRate: 1e-6,
  power: 0.999,
  deviation: 0.1,
  // T_i above must leave room in 1 - power: near shares of 1/2, 2000 requests would leave a deviating split
  // undecided with probability ~2e-3 (the old cap); 4000 bounds it below 5e-6 for any split. Correct splits
  // end long before (about 209 requests for 90/10).
  maxRequests: 4000,
};

export type SplitDecision = 'continue' | 'pass' | 'fail';

/** One split test's observations: enough to replay it (splitTrajectory) and plot it. */
export interface SplitTrace {
  /** Backend name → weight. */
  weights: Record<string, Weight>;
  config: SplitTestConfig;
  /** Every backend that answered or has a weight; the sequence refers to them by position. @maxItems 36 */
  backends: string[];
  /** The backend of each request, in order, as one base-36 digit (its position in backends). @pattern ^[0-9a-z]*$ */
  sequence: string;
}

/** The test's statistics after a request: each ratio's log likelihood ratio and whether it was accepted. */
export interface SplitSnapshot {
  llr: number[];
  accepted: boolean[];
  /** log Σ_i L_i: the test fails once this reaches logThreshold (W = (1/m) Σ L_i >= 1/α). */
  logSum: number;
}

export interface SplitState {
  decision: SplitDecision;
  reason: string;
  requests: number;
  counts: Record<string, number>;
  expectedShares: Record<string, number>;
}

export function checkConfig(c: SplitTestConfig): void {
  const open01 = (x: number) => x > 0 && x < 1;
  const bad = [
    !open01(c.falseFailureRate) && `falseFailureRate must be in (0, 1), got ${c.falseFailureRate}`,
    !open01(c.power) && `power must be in (0, 1), got ${c.power}`,
    !open01(c.deviation) && `deviation must be in (0, 1), got ${c.deviation}`,
    !(Number.isInteger(c.maxRequests) && c.maxRequests > 0) && `maxRequests must be a positive integer, got ${c.maxRequests}`,
  ].filter(Boolean);
  if (bad.length > 0) throw new Error(`split test configuration: ${bad.join('; ')}`);
}
