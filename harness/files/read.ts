/**
 * Reading files a stranger made (a report bundle, a key file) without hanging or exhausting memory:
 * only regular files are opened (never a FIFO, which blocks a reader forever, nor a device such as
 * /dev/zero, which never ends), they are opened non-blocking and checked again on the open
 * descriptor, and their size is bounded before a byte is read. Inside a bundle no path component
 * may be a symbolic link, so nothing outside the bundle is read through it. A regular file on a
 * local disk is read to its end in bounded time; that is the deadline of every read here.
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, opendirSync, readSync, statSync, type Stats } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';

/** A file that must not be opened or read: not a regular file, reached through a link, or too big. */
export class UnsafeFileError extends Error {}

const MiB = 1024 * 1024;

/** The most a bundle file may hold: kind's logs of a failed run are the biggest. */
export const MAX_BUNDLE_FILE = 512 * MiB;
/** The most a file that is parsed (report.yaml, evidence.json, junit.xml, …) may hold. */
export const MAX_PARSED_FILE = 64 * MiB;
/** Entries of a bundle directory tree, and how deep it may go. */
export const MAX_ENTRIES = 100_000;
export const MAX_DEPTH = 32;

function describe(st: Stats): string {
  if (st.isSymbolicLink()) return 'a symbolic link';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  return 'something else';
}

function tooBig(what: string, size: number, max: number): UnsafeFileError {
  return new UnsafeFileError(`${what}: ${size} bytes, more than the ${max} bytes such a file may hold`);
}

/** Opens a regular file non-blocking (a FIFO swapped in after a check still does not block), re-checked on the descriptor. */
function openRegular(file: string, what: string, max: number, followLinks: boolean): { fd: number; size: number } {
  const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | (followLinks ? 0 : constants.O_NOFOLLOW));
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new UnsafeFileError(`${what}: not a regular file (${describe(st)})`);
    if (st.size > max) throw tooBig(what, st.size, max);
    return { fd, size: st.size };
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

/**
 * Reads at most max bytes of an open file, in chunks; a file that grows past max while read is refused.
 *
 * Why this read needs no timer (issue 28, "every read has a deadline"): its deadline holds by
 * construction. The descriptor is a regular file (checked on the descriptor itself, so nothing
 * swapped in after the path check gets here); a read of a regular file never waits for a writer the
 * way a FIFO, a socket or a terminal does, and never runs on without end the way /dev/zero does: each
 * readSync returns what the disk holds, 0 at its end. The loop stops after at most max + 1 bytes, so
 * the time is bounded by reading max bytes from a local disk (the 64 MiB a parsed file may hold, the
 * 512 MiB a hashed one may). A timer could not add to this: the reads are synchronous, and a read
 * blocked in the kernel is not interrupted by one. (A hung network file system is the one place this
 * does not hold; a bundle to verify is a directory on a local disk.) The test: hostile-bundles.test.ts,
 * "refuses every input that is not a regular file at once".
 */
function readBounded(fd: number, what: string, max: number, onChunk: (b: Buffer) => void): void {
  const chunk = Buffer.alloc(Math.min(max + 1, MiB));
  let total = 0;
  for (;;) {
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) return;
    total += n;
    if (total > max) throw tooBig(what, total, max);
    onChunk(Buffer.from(chunk.subarray(0, n)));
  }
}

function readAll(file: string, what: string, max: number, followLinks: boolean): Buffer {
  const { fd } = openRegular(file, what, max, followLinks);
  try {
    const parts: Buffer[] = [];
    readBounded(fd, what, max, (b) => parts.push(b));
    return Buffer.concat(parts);
  } finally {
    closeSync(fd);
  }
}

/**
 * A file the user named (a key, a trusted root): links are followed, as a user's own files may be
 * links, but what they lead to must be a regular file of at most max bytes.
 */
export function readUserFile(file: string, max = MiB): Buffer {
  const st = statSync(file);
  if (!st.isFile()) throw new UnsafeFileError(`${file}: not a regular file (${describe(st)})`);
  return readAll(file, file, max, true);
}

/** What a path inside a bundle is, looked at without following any link on the way. */
export type EntryKind = 'missing' | 'file' | 'directory' | 'unsafe';

export function bundleEntry(dir: string, rel: string): { kind: EntryKind; why?: string } {
  let at = dir;
  const parts = rel.split('/');
  for (const [i, part] of parts.entries()) {
    at = path.join(at, part);
    let st: Stats;
    try {
      st = lstatSync(at);
    } catch {
      return { kind: 'missing' };
    }
    const last = i === parts.length - 1;
    if (st.isDirectory()) {
      if (last) return { kind: 'directory' };
      continue;
    }
    if (!last)
      return { kind: 'unsafe', why: `${parts.slice(0, i + 1).join('/')} is not a directory (${describe(st)}; a bundle holds no links)` };
    return st.isFile()
      ? { kind: 'file' }
      : { kind: 'unsafe', why: `not a regular file (${describe(st)}; a bundle holds no links, FIFOs or devices)` };
  }
  return { kind: 'directory' };
}

function checkedPath(dir: string, rel: string): string {
  const entry = bundleEntry(dir, rel);
  if (entry.kind === 'unsafe') throw new UnsafeFileError(`${rel}: ${entry.why}`);
  if (entry.kind === 'directory') throw new UnsafeFileError(`${rel}: a directory, not a file`);
  return path.join(dir, rel);
}

/** The bytes of a bundle file: a regular file reached through no link, of at most max bytes. */
export function readBundleFile(dir: string, rel: string, max = MAX_PARSED_FILE): Buffer {
  return readAll(checkedPath(dir, rel), rel, max, false);
}

/** The sha256 (hex) of a bundle file, read in bounded chunks. */
export function hashBundleFile(dir: string, rel: string, max = MAX_BUNDLE_FILE): string {
  const { fd } = openRegular(checkedPath(dir, rel), rel, max, false);
  try {
    const hash = createHash('sha256');
    readBounded(fd, rel, max, (b) => hash.update(b));
    return hash.digest('hex');
  } finally {
    closeSync(fd);
  }
}

/**
 * Every entry under dir, relative, with '/' separators; links and other non-directories are listed,
 * never followed. Bounded in entries and depth, so a hostile tree cannot exhaust the reader.
 */
export function listEntries(dir: string, limits = { entries: MAX_ENTRIES, depth: MAX_DEPTH }): string[] {
  const out: string[] = [];
  const walk = (at: string, rel: string, depth: number) => {
    if (depth > limits.depth) throw new UnsafeFileError(`${rel}: nested deeper than ${limits.depth} directories`);
    const d = opendirSync(at);
    try {
      for (let e = d.readSync(); e !== null; e = d.readSync()) {
        const r = rel ? `${rel}/${e.name}` : e.name;
        if (out.length >= limits.entries) throw new UnsafeFileError(`${dir}: more than ${limits.entries} entries`);
        if (e.isDirectory()) walk(path.join(at, e.name), r, depth + 1);
        else out.push(r);
      }
    } finally {
      d.closeSync();
    }
  };
  walk(dir, '', 0);
  return out;
}
