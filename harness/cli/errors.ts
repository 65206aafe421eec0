/** Errors that name the problem and the fix, and a non-zero exit. */
export class UserError extends Error {
  constructor(message: string, readonly fix?: string) {
    super(message);
  }
}

export function formatUserError(err: unknown): string {
  const e = err as Error & { fix?: string };
  return `error: ${e.message}${e.fix ? `\n  fix: ${e.fix}` : ''}`;
}

/** Exit code 2 for bad input, as argument parsers conventionally do. */
export function exitWithUsageError(err: unknown, help: string): number {
  const msg = (err as Error).message.replace(/^error: /, '');
  console.error(`error: ${msg}\n  see: ${help}`);
  return 2;
}
