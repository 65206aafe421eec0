/** npm run stats:check [-- --json] [--runs N] [--seed N]: Monte Carlo check of the split test (90/10). */
import { Command, InvalidArgumentError, Option } from 'commander';
import { monteCarlo90_10 } from '../stats/monte-carlo.ts';

/** The 90/10 verdict's average cost on a correct split (issue 18: near the optimum of about 190 at these bounds). */
const MAX_MEAN_REQUESTS = 220;

export const HELP = 'npm run stats:check -- --help';

const int = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got "${v}"`);
  return n;
};

const program = new Command('stats:check')
  .option('--json', 'print the result as JSON')
  .option('--debug', 'print stack traces with errors')
  .addOption(new Option('--runs <n>', 'simulated runs per hypothesis').argParser(int('--runs', 10_000)).default(10_000))
  .addOption(new Option('--seed <n>', 'random seed').argParser(int('--seed', 0)).default(20261122))
  .exitOverride()
  .configureOutput({ writeErr: () => {} });

/** The command's body for runMain: parses the command line, runs, prints; its exit code. */
export function main(): number {
  const o = program.parse(process.argv).opts<{ json?: boolean; runs: number; seed: number }>();
  const r = monteCarlo90_10(o.runs, o.seed);
  const ok =
    r.falseFailureBound <= 1e-6 &&
    r.powerBound >= 0.999 &&
    r.simulatedFalseFailures === 0 &&
    r.power >= 0.999 &&
    r.meanRequests <= MAX_MEAN_REQUESTS;
  if (o.json) console.log(JSON.stringify(r, null, 2));
  else {
    console.log(`false-failure bound ${r.falseFailureBound.toExponential(2)} (<= 1e-6, exact: Ville's inequality)`);
    console.log(`power bound ${r.powerBound.toFixed(5)} against a 10-point deviation (>= 0.999, exact: change of measure + Chernoff)`);
    console.log(`false failures ${r.simulatedFalseFailures} in ${r.simulatedRuns} correct 90/10 runs (0 required)`);
    for (const a of r.alternatives) {
      console.log(`power ${a.power.toFixed(5)} against ${a.truth} in ${r.simulatedRuns} runs, mean requests ${a.meanRequests.toFixed(1)}`);
    }
    console.log(`power ${r.power.toFixed(5)} against a 10-point deviation, both directions (>= 0.999)`);
    console.log(`mean requests ${r.meanRequests.toFixed(1)} on the correct split (<= ${MAX_MEAN_REQUESTS}), seed ${r.seed}`);
    for (const b of r.batching) {
      console.log(`  batches ${b.plan}: ${b.meanExecs.toFixed(1)} execs, ${b.meanSent.toFixed(1)} requests sent on average`);
    }
    console.log(ok ? 'stats check passed' : 'stats check FAILED');
  }
  return ok ? 0 : 1;
}
