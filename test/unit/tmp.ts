/** Temp directories a test suite makes, removed in an `after` hook: also when a test fails. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Call inside describe(); returns a maker of directories that are all removed after the suite. */
export function tempDirs(prefix: string): () => string {
  const made: string[] = [];
  after(() => {
    for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  return () => {
    const d = mkdtempSync(path.join(os.tmpdir(), prefix));
    made.push(d);
    return d;
  };
}
