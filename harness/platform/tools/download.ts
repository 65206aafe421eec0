/**
 * Downloads into a per-user cache and verifies sha256 before use: against a pinned digest, or the
 * checksum file published beside a release asset (kind: <asset>.sha256sum, Istio: <asset>.sha256).
 * The cache ($WPT_CACHE_DIR) is looked at first, for the checksum as for the file, so a pre-seeded
 * cache needs no network (README "Offline runs").
 */
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { InfraError, UserError } from '../../errors.ts';
import { sha256File, sha256Hex } from '../../digest.ts';
import { DirError, makeDirs, probeWritable } from '../../files/dirs.ts';

export class DownloadError extends InfraError {}

const CACHE_FIX =
  'unset WPT_CACHE_DIR for the default (~/.cache/waypoint-conformance), or set it to an absolute path of a directory you can write to';

/** $WPT_CACHE_DIR, else $XDG_CACHE_HOME/waypoint-conformance (absolute only, as XDG says), else ~/.cache/waypoint-conformance. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const set = env.WPT_CACHE_DIR;
  if (set !== undefined) {
    // Empty or relative, the cache would land in (and move with) the working directory.
    if (set.trim() === '') throw new UserError('WPT_CACHE_DIR is set but empty', CACHE_FIX);
    if (!path.isAbsolute(set)) throw new UserError(`WPT_CACHE_DIR=${set} is a relative path`, CACHE_FIX);
    return set;
  }
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(xdg, 'waypoint-conformance');
}

/** The cache, checked before the run touches anything: absolute, a directory, writable. Returns its path. */
export function checkCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const dir = cacheDir(env);
  try {
    makeDirs(dir);
    probeWritable(dir);
  } catch (err) {
    if (!(err instanceof DirError)) throw err;
    const what = env.WPT_CACHE_DIR !== undefined ? `WPT_CACHE_DIR=${dir}` : `the download cache ${dir}`;
    throw new UserError(`${what}: cannot write there (${err.why})`, CACHE_FIX);
  }
  return dir;
}

function offlineFix(cachePath: string): string {
  return `check the network or proxy settings and retry; or, to run offline, put the file at ${cachePath} (in the cache, $WPT_CACHE_DIR: README "Offline runs")`;
}

/** A whole download's deadline (headers and body timeouts bound only each wait; a slow drip would pass them). */
export const DOWNLOAD_DEADLINE_MS = 20 * 60_000;
/** The most a download may hold: the Istio archive is about 40 MB. */
export const MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024;

async function fetchBytes(
  url: string,
  timeoutMs: number,
  cachePath: string,
  redirects = 5,
  deadline = AbortSignal.timeout(DOWNLOAD_DEADLINE_MS),
): Promise<Buffer> {
  let res;
  try {
    res = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs, signal: deadline });
  } catch (err) {
    throw new DownloadError(`cannot download ${url}: ${(err as Error).message}`, offlineFix(cachePath));
  }
  if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location && redirects > 0) {
    await res.body.dump();
    return fetchBytes(new URL(String(res.headers.location), url).toString(), timeoutMs, cachePath, redirects - 1, deadline);
  }
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new DownloadError(
      `cannot download ${url}: HTTP ${res.statusCode}`,
      'is the pinned version published? Check the version you asked for',
    );
  }
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      size += (chunk as Buffer).length;
      if (size > MAX_DOWNLOAD_BYTES) {
        res.body.destroy();
        throw new DownloadError(
          `cannot download ${url}: more than ${MAX_DOWNLOAD_BYTES} bytes, far more than any file the suite downloads`,
          'check the network or proxy: something answers in place of the release host',
        );
      }
      parts.push(chunk as Buffer);
    }
  } catch (err) {
    if (err instanceof DownloadError) throw err;
    throw new DownloadError(`cannot download ${url}: ${(err as Error).message}`, offlineFix(cachePath));
  }
  return Buffer.concat(parts);
}

/** The first 64-hex token of a checksum file ("<hex>  <name>" or "<hex>"). */
export function parseChecksumFile(text: string): string {
  const m = /\b([a-f0-9]{64})\b/i.exec(text);
  if (!m) throw new DownloadError('the published checksum file holds no sha256 digest');
  return m[1].toLowerCase();
}

export interface Artifact {
  url: string;
  /** Pinned sha256 (pins.ts), or the URL of the checksum file published beside the asset. */
  sha256?: string;
  checksumUrl?: string;
}

/** Where a URL's file lives in the cache: host and path, so that versions never collide. */
export function cachePathFor(url: string, dir = cacheDir()): string {
  const u = new URL(url);
  return path.join(dir, 'downloads', u.host, ...u.pathname.split('/').filter(Boolean));
}

async function expectedDigest(a: Artifact, timeoutMs: number, dir: string): Promise<string> {
  if (a.sha256) return a.sha256;
  if (!a.checksumUrl) throw new DownloadError(`${a.url}: no checksum to verify against`);
  const cached = cachePathFor(a.checksumUrl, dir);
  if (existsSync(cached)) return parseChecksumFile(readFileSync(cached, 'utf8'));
  const text = (await fetchBytes(a.checksumUrl, timeoutMs, cached)).toString('utf8');
  const digest = parseChecksumFile(text);
  store(cached, Buffer.from(text));
  return digest;
}

function store(file: string, data: Buffer): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.part`, data);
  renameSync(`${file}.part`, file);
}

/** Returns the path of the verified file in the cache, downloading it if needed. */
export async function fetchVerified(a: Artifact, timeoutMs = 120_000, dir = cacheDir()): Promise<string> {
  const expected = await expectedDigest(a, timeoutMs, dir);
  const file = cachePathFor(a.url, dir);
  if (existsSync(file) && sha256File(file) === expected) return file;
  const data = await fetchBytes(a.url, timeoutMs, file);
  const actual = sha256Hex(data);
  if (actual !== expected) {
    throw new DownloadError(
      `checksum mismatch for ${a.url}: expected ${expected}, got ${actual}. The download is corrupt or was tampered with; nothing was used.`,
    );
  }
  store(file, data);
  return file;
}
