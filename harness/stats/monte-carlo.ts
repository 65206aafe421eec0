/** Monte Carlo check of the split test: false failures on a correct split, power against a 10-point deviation. */
import { Rng } from './random.ts';
import { DEFAULT_SPLIT_CONFIG, SplitTest, type SplitTestConfig } from './split-test.ts';

export interface MonteCarloResult {
  falseFailureBound: number;
  simulatedRuns: number;
  simulatedFalseFailures: number;
  power: number;
  powerRuns: number;
  meanRequests: number;
  seed: number;
}

function once(weights: Record<string, number>, truth: [string, number][], rng: Rng, config: SplitTestConfig) {
  const t = new SplitTest(weights, config);
  for (;;) {
    const d = t.observe(rng.weighted(truth));
    if (d !== 'continue') return { decision: d, requests: t.state().requests };
  }
}

/** The 90/10 case: H0 v1=90%, v2=10%; alternatives v2=20% and v2=0%. */
export function monteCarlo90_10(runs: number, seed: number, config = DEFAULT_SPLIT_CONFIG): MonteCarloResult {
  const rng = new Rng(seed);
  const weights = { v1: 90, v2: 10 };
  let falseFailures = 0;
  let total = 0;
  for (let i = 0; i < runs; i++) {
    const r = once(weights, [['v1', 90], ['v2', 10]], rng, config);
    total += r.requests;
    if (r.decision === 'fail') falseFailures++;
  }
  const powers = [[['v1', 80], ['v2', 20]], [['v1', 100], ['v2', 0]]].map((truth) => {
    let caught = 0;
    for (let i = 0; i < runs; i++) if (once(weights, truth as [string, number][], rng, config).decision === 'fail') caught++;
    return caught / runs;
  });
  return {
    falseFailureBound: new SplitTest(weights, config).falseFailureBound,
    simulatedRuns: runs,
    simulatedFalseFailures: falseFailures,
    power: Math.min(...powers),
    powerRuns: runs * powers.length,
    meanRequests: total / runs,
    seed,
  };
}
