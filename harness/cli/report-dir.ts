/**
 * The report directory: created, empty and writable before anything else happens, or a UserError.
 * Empty, because a bundle is sealed over every file in it: an earlier run's files would break the
 * seal, and deleting them is not the suite's to do. Every command that writes a bundle
 * (e2e, selftest --report-dir) takes its directory from here.
 */
import { readdirSync } from 'node:fs';
import { DirError, makeDirs, probeWritable } from '../files/dirs.ts';
import { UserError } from '../errors.ts';

export function prepareReportDir(dir: string, flag = '--report-dir'): void {
  try {
    makeDirs(dir);
    probeWritable(dir);
  } catch (err) {
    if (!(err instanceof DirError)) throw err;
    throw new UserError(`${flag} ${dir}: cannot write there (${err.why})`, `pass ${flag} with a directory you can write to`);
  }
  if (readdirSync(dir).length > 0) {
    throw new UserError(
      `${flag} ${dir} is not empty (an earlier run's report?)`,
      `pass ${flag} with a new or empty directory, or remove that one yourself`,
    );
  }
}
