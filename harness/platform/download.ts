/**
 * Downloads into a per-user cache and verifies sha256 before use: against a pinned digest, or the
 * checksum file published beside a release asset (kind: <asset>.sha256sum, Istio: <asset>.sha256).
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from 'undici';
import { sha256File, sha256Hex } from '../digest.ts';

export class DownloadError extends Error {}

export function cacheDir(): string {
  return process.env.WPT_CACHE_DIR ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'waypoint-conformance');
}

async function fetchBytes(url: string, timeoutMs: number, redirects = 5): Promise<Buffer> {
  let res;
  try {
    res = await request(url, { headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
  } catch (err) {
    throw new DownloadError(`cannot download ${url}: ${(err as Error).message}. Check the network or proxy settings and retry.`);
  }
  if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location && redirects > 0) {
    await res.body.dump();
    return fetchBytes(new URL(String(res.headers.location), url).toString(), timeoutMs, redirects - 1);
  }
  if (res.statusCode !== 200) {
    await res.body.dump();
    throw new DownloadError(`cannot download ${url}: HTTP ${res.statusCode}. Is the pinned version published?`);
  }
  return Buffer.from(await res.body.arrayBuffer());
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

async function expectedDigest(a: Artifact, timeoutMs: number): Promise<string> {
  if (a.sha256) return a.sha256;
  if (a.checksumUrl) return parseChecksumFile((await fetchBytes(a.checksumUrl, timeoutMs)).toString('utf8'));
  throw new DownloadError(`${a.url}: no checksum to verify against`);
}

/** Returns the path of the verified file in the cache, downloading it if needed. */
export async function fetchVerified(a: Artifact, timeoutMs = 120_000, dir = cacheDir()): Promise<string> {
  const expected = await expectedDigest(a, timeoutMs);
  const file = path.join(dir, expected.slice(0, 16), path.basename(new URL(a.url).pathname));
  if (existsSync(file) && sha256File(file) === expected) return file;
  const data = await fetchBytes(a.url, timeoutMs);
  const actual = sha256Hex(data);
  if (actual !== expected) {
    throw new DownloadError(`checksum mismatch for ${a.url}: expected ${expected}, got ${actual}. The download is corrupt or was tampered with; nothing was used.`);
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(`${file}.part`, data);
  renameSync(`${file}.part`, file);
  return file;
}
