/**
 * Monte Carlo check of the split test on 90/10: false failures and mean requests on the correct split,
 * power against a 10-point deviation (v2 at 20%, i.e. 80/20, and v2 at 0%, i.e. 100/0: 10 points in either
 * direction, the downward one clipped at 0), and the exec round trips a batching plan needs.
 */
import { Rng } from './random.ts';
import { SplitTest } from './split-test.ts';
import { DEFAULT_SPLIT_CONFIG, type SplitTestConfig } from './split-config.ts';

type Truth = [string, number][];

export interface Alternative {
  truth: string;
  power: number;
  meanRequests: number;
}

export interface BatchPlan {
  /** 'fixed N': N requests per exec (the old caller); 'planned N': nextBatchSize(N). */
  plan: string;
  meanExecs: number;
  /** Requests sent, including those after the verdict in the last exec. */
  meanSent: number;
}

export interface MonteCarloResult {
  falseFailureBound: number;
  powerBound: number;
  simulatedRuns: number;
  simulatedFalseFailures: number;
  meanRequests: number;
  power: number;
  powerRuns: number;
  alternatives: Alternative[];
  batching: BatchPlan[];
  seed: number;
}

const WEIGHTS = { v1: 90, v2: 10 };
const CORRECT: Truth = [
  ['v1', 90],
  ['v2', 10],
];
const ALTERNATIVES: Truth[] = [
  [
    ['v1', 80],
    ['v2', 20],
  ],
  [
    ['v1', 100],
    ['v2', 0],
  ],
];
const PLANS: { name: string; size: (t: SplitTest) => number }[] = [
  { name: 'fixed 10', size: () => 10 },
  { name: 'planned 1', size: (t) => t.nextBatchSize(1) },
  { name: 'planned 5', size: (t) => t.nextBatchSize(5) },
  { name: 'planned 10', size: (t) => t.nextBatchSize(10) },
];

/** One simulated check; every plan sees the same requests and counts its execs and requests sent. */
function once(truth: Truth, rng: Rng, config: SplitTestConfig) {
  const t = new SplitTest(WEIGHTS, config);
  const left = PLANS.map(() => 0);
  const execs = PLANS.map(() => 0);
  const sent = PLANS.map(() => 0);
  for (;;) {
    PLANS.forEach((p, i) => {
      if (left[i] > 0) return;
      left[i] = p.size(t);
      execs[i]++;
      sent[i] += left[i];
    });
    const d = t.observe(rng.weighted(truth));
    left.forEach((_, i) => left[i]--);
    if (d !== 'continue') return { decision: d, requests: t.state().requests, execs, sent };
  }
}

function simulate(truth: Truth, runs: number, rng: Rng, config: SplitTestConfig) {
  let fails = 0;
  let requests = 0;
  const execs = PLANS.map(() => 0);
  const sent = PLANS.map(() => 0);
  for (let i = 0; i < runs; i++) {
    const r = once(truth, rng, config);
    if (r.decision === 'fail') fails++;
    requests += r.requests;
    r.execs.forEach((e, j) => (execs[j] += e));
    r.sent.forEach((s, j) => (sent[j] += s));
  }
  const batching = PLANS.map((p, j) => ({ plan: p.name, meanExecs: execs[j] / runs, meanSent: sent[j] / runs }));
  return { fails, meanRequests: requests / runs, batching };
}

export function monteCarlo90_10(runs: number, seed: number, config = DEFAULT_SPLIT_CONFIG): MonteCarloResult {
  const rng = new Rng(seed);
  const h0 = simulate(CORRECT, runs, rng, config);
  const alternatives = ALTERNATIVES.map((truth) => {
    const r = simulate(truth, runs, rng, config);
    return { truth: truth.map(([b, w]) => `${b}=${w}%`).join(' '), power: r.fails / runs, meanRequests: r.meanRequests };
  });
  const test = new SplitTest(WEIGHTS, config);
  return {
    falseFailureBound: test.falseFailureBound,
    powerBound: test.powerBound,
    simulatedRuns: runs,
    simulatedFalseFailures: h0.fails,
    meanRequests: h0.meanRequests,
    power: Math.min(...alternatives.map((a) => a.power)),
    powerRuns: runs * alternatives.length,
    alternatives,
    batching: h0.batching,
    seed,
  };
}
