/** The self-test's public entry: the catalogue on the model of ambient and its mutants (scripts/selftest.ts). */
export { SELFTEST_HELP, selftestMain } from './command.ts';
export {
  judgeAgainstClaim,
  runModel,
  SELFTEST_PARALLEL,
  selfTest,
  survivors,
  unseenClose,
  writeSelftestBundle,
  type ClaimVerdict,
} from './selftest.ts';
export { MUTANTS, type MutantName } from '../model/mutations.ts';
