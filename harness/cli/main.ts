/**
 * The shell of every entry point (e2e, selftest, bench, controlplane, report:*, stats:check, pins):
 * one error discipline. A typed error prints its message and fix and exits with its code; a command
 * line commander cannot parse is a usage error (2) naming the help; anything untyped is printed
 * without its stack (--debug shows it) and exits 3. The process exits explicitly: a request still
 * in flight or a keep-alive socket (a cluster that never answered) must not keep it alive.
 */
import { CommanderError } from 'commander';
import { EXIT, formatUserError, reportError, usageError } from '../errors.ts';

/** commander's "help shown" and "version shown" are no errors. */
export function isHelp(err: unknown): boolean {
  return err instanceof CommanderError && (err.code === 'commander.helpDisplayed' || err.code === 'commander.version');
}

/** The exit code of whatever a command's body threw, printed as the discipline says. */
export function exitCodeOf(err: unknown, help: string, debug: boolean, print: (s: string) => void = console.error): number {
  if (isHelp(err)) return EXIT.ok;
  if (err instanceof CommanderError) {
    print(formatUserError(usageError(err, help)));
    return EXIT.usage;
  }
  return reportError(err, debug, print);
}

/**
 * Exits at once, printing the error and choosing the code as runMain does: for a signal handler,
 * which cannot return to runMain (SIGINT/SIGTERM after the teardown: exit 130).
 */
export function exitWith(err: unknown, help: string, argv: string[] = process.argv.slice(2)): never {
  process.exit(exitCodeOf(err, help, argv.includes('--debug')));
}

/** Runs a command's body and exits with its code. `help` is how to get the command's help ("npm run x -- --help"). */
export async function runMain(help: string, body: () => Promise<number> | number, argv: string[] = process.argv.slice(2)): Promise<never> {
  let code: number;
  try {
    code = await body();
  } catch (err) {
    code = exitCodeOf(err, help, argv.includes('--debug'));
  }
  process.exit(code);
}
