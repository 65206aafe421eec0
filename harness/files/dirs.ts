/**
 * Directories the user names (--report-dir, $WPT_CACHE_DIR): created one component at a time and
 * proven writable by writing to them. Node's mkdirSync({ recursive: true }) spins forever on some
 * paths (under /proc it keeps retrying a parent that reports ENOENT), and root passes every
 * permission check on a read-only mount, so neither the recursive call nor access() says enough.
 */
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Why a directory cannot be used: an errno code (ENOTDIR, EACCES, EROFS, …) or a sentence. */
export class DirError extends Error {
  readonly why: string;

  constructor(why: string) {
    super(why);
    this.why = why;
  }
}

/** Creates dir and its parents (at most once each); throws DirError saying why it cannot. */
export function makeDirs(dir: string): void {
  const abs = path.resolve(dir);
  const parts = abs.split(path.sep).filter(Boolean);
  let at = path.parse(abs).root;
  for (const part of parts) {
    at = path.join(at, part);
    try {
      mkdirSync(at);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new DirError(code ?? (err as Error).message);
      if (!statSync(at).isDirectory()) throw new DirError(at === abs ? 'not a directory' : 'ENOTDIR');
    }
  }
}

/** Writes and removes a probe file: the one test of writability that holds for root and read-only mounts. */
export function probeWritable(dir: string): void {
  const probe = path.join(dir, `.wpt-write-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
  } catch (err) {
    throw new DirError((err as NodeJS.ErrnoException).code ?? (err as Error).message);
  }
  rmSync(probe, { force: true });
}
