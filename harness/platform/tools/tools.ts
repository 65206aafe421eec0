/**
 * The CLIs the harness drives, first found first used: the one forced with --kind/--istioctl, the
 * one on PATH when its version matches the pin, one already in the cache, else a verified download.
 * A forced tool is checked before the run touches anything: executable, and its version command
 * answers within a deadline with a version (checkForcedTools).
 */
import { accessSync, chmodSync, constants, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { UserError } from '../../errors.ts';
import { safeLine } from '../../text.ts';
import { cacheDir, fetchVerified, type Artifact } from './download.ts';
import { pinnedSha256 } from '../../versions/pins.ts';
import { istioArchiveUrl, KIND, kindBinaryUrl } from '../../versions/versions.ts';
import { runBounded } from './run-bounded.ts';

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

export interface Tool {
  path: string;
  version: string | undefined;
  /** How it was found, for the run log. */
  origin: 'forced' | 'PATH' | 'cache' | 'download';
}

/** A version command answers in milliseconds; one that takes this long is hung. */
export const VERSION_DEADLINE_MS = 15_000;

async function output(cmd: string, args: string[]): Promise<string | undefined> {
  const r = await runBounded(cmd, args, VERSION_DEADLINE_MS);
  return r.exitCode === 0 ? String(r.stdout) : undefined;
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

const forcedFix = (flag: string) => `pass ${flag} with the path of the binary, or drop it to use the one on PATH or a download`;

function forced(flag: string, file: string): string {
  try {
    accessSync(file, constants.X_OK);
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch {
    throw new UserError(`${flag} ${file}: not an executable file`, forcedFix(flag));
  }
  return path.resolve(file);
}

/** What a tool printed, for a message: the first line, escaped and cut. */
function shown(out: string): string {
  const first = out.trim().split('\n')[0] ?? '';
  return first ? `"${safeLine(first, 120)}"` : 'nothing';
}

/** Runs a forced tool's version command with a deadline; returns the version it names, or a UserError saying what it did. */
async function forcedVersion(flag: string, file: string, args: string[], parse: (out: string) => string | undefined): Promise<Tool> {
  const bin = forced(flag, file);
  const command = `${flag.slice(2)} ${args.join(' ')}`;
  const r = await runBounded(bin, args, VERSION_DEADLINE_MS);
  if (r.timedOut)
    throw new UserError(`${flag} ${file}: \`${command}\` did not answer within ${VERSION_DEADLINE_MS / 1000}s`, forcedFix(flag));
  if (r.exitCode !== 0) {
    throw new UserError(
      `${flag} ${file}: \`${command}\` failed (${r.exitCode === undefined ? r.shortMessage : `exit ${r.exitCode}`}): ${shown(String(r.stderr || r.stdout))}`,
      forcedFix(flag),
    );
  }
  const version = parse(String(r.stdout));
  if (!version) throw new UserError(`${flag} ${file}: \`${command}\` printed no version (${shown(String(r.stdout))})`, forcedFix(flag));
  return { path: bin, version, origin: 'forced' };
}

export const forcedKind = (file: string) => forcedVersion('--kind', file, ['version'], parseKindVersion);
export const forcedIstioctl = (file: string) =>
  forcedVersion('--istioctl', file, ['version', '--remote=false', '-o', 'json'], parseIstioctlVersion);

/** The tools forced on the command line, each run once before the run touches anything. */
export interface ForcedTools {
  kind?: Tool;
  istioctl?: Tool;
}

/**
 * --kind and --istioctl, checked first. An istioctl that installs must be of the Istio version the
 * run installs: istioctl installs its own version, whatever --istio-version says.
 */
export async function checkForcedTools(o: {
  kind?: string;
  istioctl?: string;
  istioVersion: string;
  skipInstall: boolean;
}): Promise<ForcedTools> {
  const kind = o.kind ? await forcedKind(o.kind) : undefined;
  const istioctl = o.istioctl ? await forcedIstioctl(o.istioctl) : undefined;
  if (istioctl && !o.skipInstall && istioctl.version !== o.istioVersion) {
    throw new UserError(
      `--istioctl ${o.istioctl} is istioctl ${istioctl.version}, and this run installs Istio ${o.istioVersion} with it`,
      `pass --istio-version ${istioctl.version}, or an istioctl ${o.istioVersion}`,
    );
  }
  return { kind, istioctl };
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
  if (explicit) return forcedKind(explicit);
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
  if (explicit) return forcedIstioctl(explicit);
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
