/**
 * The CLIs the harness drives, first found first used: the one forced with --kind/--istioctl, the
 * one on PATH when its version matches the pin, one already in the cache, else a verified download.
 */
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { UserError } from '../cli/errors.ts';
import { cacheDir, fetchVerified, type Artifact } from './download.ts';
import { pinnedSha256 } from './pins.ts';
import { istioArchiveUrl, KIND, kindBinaryUrl } from './versions.ts';

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

export interface Tool {
  path: string;
  version: string | undefined;
  /** How it was found, for the run log. */
  origin: 'forced' | 'PATH' | 'cache' | 'download';
}

async function output(cmd: string, args: string[]): Promise<string | undefined> {
  const r = await execa(cmd, args, { reject: false, timeout: 30_000 });
  return r.exitCode === 0 ? r.stdout : undefined;
}

/** `kind version` prints "kind v0.30.0 go1.24.6 linux/amd64" (kind pkg/cmd/kind/version DisplayVersion). */
export function parseKindVersion(out: string | undefined): string | undefined {
  return /^kind (v\d+\.\d+\.\d+\S*)/.exec(out?.trim() ?? '')?.[1];
}

/**
 * `istioctl version --remote=false -o json` prints {"clientVersion":{"version":"1.31.1",...}}; the
 * short form says "client version: 1.31.1", so JSON is what is read.
 */
export function parseIstioctlVersion(out: string | undefined): string | undefined {
  try {
    const v = (JSON.parse(out ?? '') as { clientVersion?: { version?: unknown } }).clientVersion?.version;
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

const kindVersion = async (bin: string) => parseKindVersion(await output(bin, ['version']));
const istioctlVersion = async (bin: string) => parseIstioctlVersion(await output(bin, ['version', '--remote=false', '-o', 'json']));

function forced(flag: string, file: string): string {
  try {
    accessSync(file, constants.X_OK);
  } catch {
    throw new UserError(`${flag} ${file}: not an executable file`, `pass ${flag} with the path of the binary, or drop it to use the one on PATH or a download`);
  }
  return path.resolve(file);
}

/**
 * A release asset to download: verified against the sha256 pinned in the repository when there is
 * one (pins.ts), else against the checksum file published beside it (which catches corruption, not
 * a replaced release).
 */
export function releaseAsset(url: string, checksumSuffix: string): Artifact {
  const sha256 = pinnedSha256(url);
  return sha256 ? { url, sha256 } : { url, checksumUrl: `${url}${checksumSuffix}` };
}

export async function resolveKind(explicit?: string): Promise<Tool> {
  if (explicit) {
    const bin = forced('--kind', explicit);
    return { path: bin, version: await kindVersion(bin), origin: 'forced' };
  }
  if ((await kindVersion('kind')) === KIND.version) return { path: 'kind', version: KIND.version, origin: 'PATH' };
  const url = kindBinaryUrl(process.platform, ARCH[process.arch] ?? process.arch);
  const file = await fetchVerified(releaseAsset(url, '.sha256sum'));
  chmodSync(file, 0o755);
  return { path: file, version: KIND.version, origin: 'download' };
}

/** Where the release archive's istioctl is unpacked in the cache (pre-seed it there for offline runs). */
export function cachedIstioctl(version: string, dir = cacheDir()): string {
  return path.join(dir, `istio-${version}`, `istio-${version}`, 'bin', 'istioctl');
}

/** istioctl comes from the release archive (istio/istio GitHub releases, .sha256 beside it). */
export async function resolveIstioctl(version: string, explicit?: string): Promise<Tool> {
  if (explicit) {
    const bin = forced('--istioctl', explicit);
    return { path: bin, version: await istioctlVersion(bin), origin: 'forced' };
  }
  if ((await istioctlVersion('istioctl')) === version) return { path: 'istioctl', version, origin: 'PATH' };
  const bin = cachedIstioctl(version);
  if (existsSync(bin)) return { path: bin, version, origin: 'cache' };
  const url = istioArchiveUrl(version, process.platform, ARCH[process.arch] ?? process.arch);
  const archive = await fetchVerified(releaseAsset(url, '.sha256'));
  // Unpacked aside, then renamed: an interrupted tar never leaves a truncated istioctl in the cache.
  mkdirSync(cacheDir(), { recursive: true });
  const tmp = mkdtempSync(path.join(cacheDir(), `.istio-${version}-`));
  try {
    await execa('tar', ['-xzf', archive, '-C', tmp, `istio-${version}/bin/istioctl`], { timeout: 120_000 });
    renameSync(tmp, path.join(cacheDir(), `istio-${version}`));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  return { path: bin, version, origin: 'download' };
}
