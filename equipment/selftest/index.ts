/** The self-test's public entry (scripts/selftest.ts): the command that runs the catalogue on the model of ambient and its mutants. */
export { SELFTEST_HELP, selftestMain } from './command.ts';
