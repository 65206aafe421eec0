/** The CLIs the harness drives: the one on PATH when its version matches the pin, else a verified download. */
import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { cacheDir, fetchVerified } from './download.ts';
import { istioArchiveUrl, KIND, kindBinaryUrl } from './versions.ts';

const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64' };

async function versionOnPath(cmd: string, args: string[]): Promise<string | undefined> {
  const r = await execa(cmd, args, { reject: false });
  return r.exitCode === 0 ? r.stdout : undefined;
}

export async function resolveKind(): Promise<string> {
  const v = await versionOnPath('kind', ['version']);
  if (v?.includes(`kind ${KIND.version} `)) return 'kind';
  const os = process.platform;
  const url = kindBinaryUrl(os, ARCH[process.arch] ?? process.arch);
  const file = await fetchVerified({ url, checksumUrl: `${url}.sha256sum` });
  chmodSync(file, 0o755);
  return file;
}

/** istioctl and samples come from the release archive (istio/istio GitHub releases, .sha256 beside it). */
export async function resolveIstioctl(version: string): Promise<string> {
  const v = await versionOnPath('istioctl', ['version', '--remote=false', '--short']);
  if (v?.trim() === version) return 'istioctl';
  const url = istioArchiveUrl(version, process.platform, ARCH[process.arch] ?? process.arch);
  const archive = await fetchVerified({ url, checksumUrl: `${url}.sha256` });
  const dir = path.join(cacheDir(), `istio-${version}`);
  const bin = path.join(dir, `istio-${version}`, 'bin', 'istioctl');
  if (!existsSync(bin)) {
    mkdirSync(dir, { recursive: true });
    const local = path.join(dir, path.basename(archive));
    copyFileSync(archive, local);
    await execa('tar', ['-xzf', local, '-C', dir]);
  }
  return bin;
}
