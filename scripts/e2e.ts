/**
 * npm run e2e: the suite on a cluster (harness/cli/e2e.ts). Exit codes: harness/errors.ts EXIT (README "Exit codes").
 */
import { parseE2eArgs } from '../harness/cli/args.ts';
import { runMain } from '../harness/cli/main.ts';
import { runE2e } from '../harness/cli/e2e.ts';
import { E2E_HELP } from '../harness/cli/e2e-run.ts';

await runMain(E2E_HELP, () => runE2e(parseE2eArgs(process.argv.slice(2))));
