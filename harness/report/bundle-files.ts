/**
 * Reading a bundle's files for the verifier: through files/read.ts (regular files only, no links,
 * bounded sizes); a file that cannot be read or parsed is bad input (exit 2), an unsafe one a problem
 * of the bundle.
 */
import path from 'node:path';
import { parse } from 'yaml';
import { bundleEntry, readBundleFile, UnsafeFileError } from '../files/read.ts';

/** A file of the bundle cannot be read or parsed: bad input rather than a forgery (exit 2). */
export class BundleReadError extends Error {}

/** A bundle file's text; an unsafe file (link, FIFO, device, too big) is a problem of the bundle, never read. */
export function readText(dir: string, file: string): string {
  try {
    return readBundleFile(dir, file).toString('utf8');
  } catch (err) {
    if (err instanceof UnsafeFileError) throw err;
    throw new BundleReadError(`cannot read ${path.join(dir, file)}: ${(err as Error).message}`);
  }
}

export const isFile = (dir: string, file: string) => bundleEntry(dir, file).kind === 'file';
export const isThere = (dir: string, file: string) => bundleEntry(dir, file).kind !== 'missing';

/**
 * A bundle file parsed as JSON or YAML. A file that cannot be read is thrown (readText); one that does
 * not parse comes back as the parser's message, for the caller to say what that means.
 */
export function parseBundleFile(dir: string, file: string, format: 'JSON' | 'YAML'): { value: unknown } | { notParsed: string } {
  const text = readText(dir, file);
  try {
    return { value: format === 'JSON' ? JSON.parse(text) : parse(text) };
  } catch (err) {
    return { notParsed: (err as Error).message };
  }
}
