/**
 * npm run selftest [-- --seed N] [--json] [--report-dir DIR] [--grep RE] [--mutant NAME ...] [--implementation FILE]
 * Runs the catalogue against the in-process ambient model and its broken variants. With
 * --implementation, the model is configured like that implementation (class, claimed features,
 * signals) and the outcome is judged against the claim: unclaimed features not supported, the
 * claim's expectedFindings failed, everything else passed.
 */
import { runMain } from '../harness/cli/main.ts';
import { SELFTEST_HELP, selftestMain } from '../equipment/selftest/index.ts';

await runMain(SELFTEST_HELP, selftestMain);
