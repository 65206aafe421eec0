/**
 * The report directory: created, empty and writable before anything else happens, or a UserError.
 * Empty, because a bundle is sealed over every file in it: an earlier run's files would break the
 * seal, and deleting them is not the suite's to do.
 */
import { accessSync, constants, mkdirSync, readdirSync, statSync } from 'node:fs';
import { UserError } from './errors.ts';

export function prepareReportDir(dir: string): void {
  const fix = 'pass --report-dir with a directory you can write to';
  try {
    mkdirSync(dir, { recursive: true });
    if (!statSync(dir).isDirectory()) throw new Error('not a directory');
    accessSync(dir, constants.W_OK);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new UserError(`--report-dir ${dir}: cannot write there (${e.code ?? e.message})`, fix);
  }
  if (readdirSync(dir).length > 0) {
    throw new UserError(`--report-dir ${dir} is not empty (an earlier run's report?)`, 'pass --report-dir with a new or empty directory, or remove that one yourself');
  }
}
