/**
 * Typed failures, each with one exit code (README "Exit codes"): the entry points map an error to
 * its code and print its message and fix; a stack trace only with --debug. What is printed is made
 * safe first (text.ts): a message may carry what a server or a tool said.
 */
import { safeLine } from './text.ts';

export const EXIT = {
  /** every selected scenario passed */
  ok: 0,
  /** a scenario failed: the implementation is not conformant */
  scenarioFailed: 1,
  /** bad flag, bad file, missing context, unsupported version, wrong Node */
  usage: 2,
  /** cluster unreachable or broke, install or download failed, setup timed out */
  infrastructure: 3,
  /** SIGINT or SIGTERM: what the run created was torn down */
  interrupted: 130,
} as const;

export abstract class ExpectedError extends Error {
  abstract readonly exitCode: number;
  readonly fix?: string;

  constructor(message: string, fix?: string, options?: ErrorOptions) {
    super(message, options);
    this.fix = fix;
  }
}

/** The user can fix it by changing the command line, a file, or the environment. */
export class UserError extends ExpectedError {
  readonly exitCode = EXIT.usage;
}

/** The cluster, a download or an install broke; the step names what it waited for. */
export class InfraError extends ExpectedError {
  readonly exitCode = EXIT.infrastructure;
}

/** The run was interrupted by a signal. */
export class Interrupted extends ExpectedError {
  readonly exitCode = EXIT.interrupted;
}

export function formatUserError(err: unknown): string {
  const e = err as Error & { fix?: string };
  return `error: ${safeLine(e.message)}${e.fix ? `\n  fix: ${safeLine(e.fix)}` : ''}`;
}

/** The exit code for any error; prints the message (and, with debug or for a bug, the stack). */
export function reportError(err: unknown, debug: boolean, print: (s: string) => void = console.error): number {
  if (err instanceof ExpectedError) {
    print(formatUserError(err));
    if (debug && err.stack) print(err.stack);
    return err.exitCode;
  }
  // Untyped: thrown by a client library (the network, the API server) or a bug in the suite.
  print(`error: ${safeLine((err as Error)?.message ?? String(err))}`);
  print(
    debug ? String((err as Error)?.stack) : '  fix: run again with --debug for the stack trace; if it is a bug in the suite, report it',
  );
  return EXIT.infrastructure;
}

/** A command line that cannot be parsed (commander's message, or a value a parser refused): exit 2 with where to read more. */
export function usageError(err: unknown, help: string): UserError {
  return new UserError(((err as Error).message ?? String(err)).replace(/^error: /, ''), `see ${help}`);
}
