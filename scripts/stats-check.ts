/** npm run stats:check [-- --json] [--runs N] [--seed N]: Monte Carlo check of the split test (90/10). */
import { runMain } from '../harness/cli/main.ts';
import { HELP, main } from '../harness/cli/stats-check.ts';

await runMain(HELP, main);
