/** The report directory: created and writable before anything else happens, or a UserError. */
import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
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
}
