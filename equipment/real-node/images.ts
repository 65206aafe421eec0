/**
 * Pod images for the real node, made here: a pause image from a program that sleeps until
 * signalled, a Debian image (debootstrap --variant=minbase + curl, python3, iptables) for clients
 * and backends, and istio-cni's install-cni image from binaries built here. Each is packed as an
 * OCI image layout archive for `ctr images import`, cached by what it is made of.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { sha256File, sha256Hex } from '../../harness/digest.ts';
import { controlPlaneCache, GO_ENV } from '../host/gobuild.ts';

export const PAUSE_IMAGE = 'wpt.local/pause:1';
export const DEBIAN_IMAGE = 'wpt.local/debian-curl-python:bookworm';
export const ECHO_STANDIN_IMAGE = 'wpt.local/echo-standin:1';
export const INSTALL_CNI_IMAGE = 'wpt.local/install-cni';
/** iptables: istio-cni's node agent runs iptables-legacy or iptables-nft from its image. */
export const DEBIAN_PACKAGES = ['curl', 'ca-certificates', 'python3', 'iproute2', 'iptables'];

export function imageCache(): string {
  return path.join(controlPlaneCache(), 'images');
}

interface Blob {
  mediaType: string;
  digest: string;
  size: number;
}

function blob(dir: string, mediaType: string, data: Buffer): Blob {
  const hex = sha256Hex(data);
  mkdirSync(path.join(dir, 'blobs', 'sha256'), { recursive: true });
  writeFileSync(path.join(dir, 'blobs', 'sha256', hex), data);
  return { mediaType, digest: `sha256:${hex}`, size: data.length };
}

export interface ImageConfig {
  /** PATH; the usual one when absent. */
  path?: string;
  workingDir?: string;
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** The OCI image config and manifest for uncompressed layers (a layer's diff ID is its digest). */
export function imageDocuments(
  layers: { digest: string; size: number }[],
  entrypoint: string[],
  configDigestOf: (json: Buffer) => Blob,
  extra: ImageConfig = {},
) {
  const config = {
    architecture: process.arch === 'arm64' ? 'arm64' : 'amd64',
    os: 'linux',
    config: {
      Entrypoint: entrypoint,
      Env: [`PATH=${extra.path ?? DEFAULT_PATH}`],
      ...(extra.workingDir ? { WorkingDir: extra.workingDir } : {}),
    },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => l.digest) },
  };
  const configBlob = configDigestOf(Buffer.from(JSON.stringify(config)));
  return {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: configBlob,
    layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: l.digest, size: l.size })),
  };
}

async function layerBlob(layout: string, rootfs: string): Promise<{ digest: string; size: number }> {
  const tmp = path.join(layout, 'layer.tar.partial');
  await execa('tar', ['--numeric-owner', '--xattrs', '-C', rootfs, '-cf', tmp, '.']);
  const hex = sha256File(tmp);
  mkdirSync(path.join(layout, 'blobs', 'sha256'), { recursive: true });
  renameSync(tmp, path.join(layout, 'blobs', 'sha256', hex));
  return { digest: `sha256:${hex}`, size: statSync(path.join(layout, 'blobs', 'sha256', hex)).size };
}

/**
 * Packs root filesystem directories (bottom layer first), or layers of an image archive already
 * packed here (`base`), as an OCI layout archive named `ref`.
 */
export async function packImage(
  rootfsLayers: string[],
  ref: string,
  entrypoint: string[],
  out: string,
  base?: string,
  extra: ImageConfig = {},
): Promise<void> {
  const work = mkdtempSync(path.join(os.tmpdir(), 'wpt-oci-'));
  try {
    const layout = path.join(work, 'layout');
    mkdirSync(layout);
    const layers: { digest: string; size: number }[] = [];
    if (base) {
      await execa('tar', ['-C', layout, '-xf', base]);
      const index = JSON.parse(readFileSync(path.join(layout, 'index.json'), 'utf8')) as { manifests: Blob[] };
      const manifest = JSON.parse(readFileSync(path.join(layout, 'blobs', 'sha256', index.manifests[0].digest.slice(7)), 'utf8')) as {
        layers: Blob[];
      };
      layers.push(...manifest.layers.map((l) => ({ digest: l.digest, size: l.size })));
    }
    for (const rootfs of rootfsLayers) layers.push(await layerBlob(layout, rootfs));
    const manifest = imageDocuments(layers, entrypoint, (json) => blob(layout, 'application/vnd.oci.image.config.v1+json', json), extra);
    const m = blob(layout, manifest.mediaType, Buffer.from(JSON.stringify(manifest)));
    const index = {
      schemaVersion: 2,
      manifests: [{ ...m, annotations: { 'io.containerd.image.name': ref, 'org.opencontainers.image.ref.name': ref.split(':').pop() } }],
    };
    writeFileSync(path.join(layout, 'index.json'), JSON.stringify(index));
    writeFileSync(path.join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    await execa('tar', ['-C', layout, '-cf', `${out}.partial`, '.']);
    renameSync(`${out}.partial`, out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const PAUSE_SOURCE = `package main

import (
	"os"
	"os/signal"
	"syscall"
)

// Holds the pod sandbox's namespaces until the kubelet stops it.
func main() {
	c := make(chan os.Signal, 1)
	signal.Notify(c, syscall.SIGINT, syscall.SIGTERM)
	<-c
}
`;

export async function pauseImage(log: (l: string) => void): Promise<string> {
  const out = path.join(imageCache(), 'pause.oci.tar');
  if (existsSync(out)) return out;
  log('building the pause image');
  mkdirSync(imageCache(), { recursive: true });
  const work = mkdtempSync(path.join(os.tmpdir(), 'wpt-pause-'));
  try {
    writeFileSync(path.join(work, 'go.mod'), 'module wpt.local/pause\n\ngo 1.22\n');
    writeFileSync(path.join(work, 'main.go'), PAUSE_SOURCE);
    mkdirSync(path.join(work, 'rootfs'));
    await execa('go', ['build', '-ldflags', '-s -w', '-o', path.join(work, 'rootfs', 'pause'), '.'], { cwd: work, env: GO_ENV });
    await packImage([path.join(work, 'rootfs')], PAUSE_IMAGE, ['/pause'], out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return out;
}

/** The Debian mirror apt on this machine uses (deb822 or one-line sources), for debootstrap. */
export function aptMirror(sources: string[]): string {
  for (const text of sources) {
    const uris = [...text.matchAll(/^URIs:\s*(\S+)/gm), ...text.matchAll(/^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+\s+main/gm)].map((m) => m[1]);
    const mirror = uris.find((u) => !u.includes('security'));
    if (mirror) return mirror;
  }
  throw new Error('no Debian mirror in the apt sources: debootstrap needs one (configure apt first)');
}

function machineAptSources(): string[] {
  const files = ['/etc/apt/sources.list', '/etc/apt/sources.list.d/debian.sources'];
  return files.filter(existsSync).map((f) => readFileSync(f, 'utf8'));
}

export async function debianImage(log: (l: string) => void): Promise<string> {
  const out = path.join(imageCache(), `debian-${sha256Hex(Buffer.from(DEBIAN_PACKAGES.join(','))).slice(0, 12)}.oci.tar`);
  if (existsSync(out)) return out;
  const mirror = aptMirror(machineAptSources());
  log(`debootstrap --variant=minbase bookworm + ${DEBIAN_PACKAGES.join(', ')} (from ${mirror})`);
  mkdirSync(imageCache(), { recursive: true });
  const work = mkdtempSync(path.join(os.tmpdir(), 'wpt-debian-'));
  try {
    const rootfs = path.join(work, 'rootfs');
    await execa('debootstrap', ['--variant=minbase', `--include=${DEBIAN_PACKAGES.join(',')}`, 'bookworm', rootfs, mirror], { all: true });
    rmSync(path.join(rootfs, 'var/cache/apt/archives'), { recursive: true, force: true });
    await packImage([rootfs], DEBIAN_IMAGE, ['/bin/sh'], out);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return out;
}

/** The Debian image plus echo-standin.py as its entrypoint (a stand-in for the echo image; see the script). */
export async function echoStandinImage(log: (l: string) => void): Promise<string> {
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'echo-standin.py');
  const base = await debianImage(log);
  const out = path.join(
    imageCache(),
    `echo-standin-${sha256Hex(Buffer.from(sha256File(script) + path.basename(base))).slice(0, 12)}.oci.tar`,
  );
  if (existsSync(out)) return out;
  const work = mkdtempSync(path.join(os.tmpdir(), 'wpt-echo-'));
  try {
    mkdirSync(path.join(work, 'app'));
    copyFileSync(script, path.join(work, 'app', 'echo.py'));
    await packImage([work], ECHO_STANDIN_IMAGE, ['python3', '/app/echo.py'], out, base);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return out;
}

/**
 * istio-cni's image as istio cni/deployments/kubernetes/Dockerfile.install-cni makes it: the CNI
 * plugin at /opt/cni/bin/istio-cni, the installer and node agent at /usr/local/bin/install-cni,
 * /opt/cni/bin on PATH and as working directory, on a base with iptables (Istio's base image).
 */
export async function installCniImage(
  installCni: string,
  istioCni: string,
  log: (l: string) => void,
): Promise<{ file: string; ref: string }> {
  const base = await debianImage(log);
  const id = sha256Hex(Buffer.from([sha256File(installCni), sha256File(istioCni), path.basename(base)].join(','))).slice(0, 12);
  const ref = `${INSTALL_CNI_IMAGE}:${id}`;
  const out = path.join(imageCache(), `install-cni-${id}.oci.tar`);
  if (existsSync(out)) return { file: out, ref };
  log('packing the install-cni image');
  const work = mkdtempSync(path.join(os.tmpdir(), 'wpt-install-cni-'));
  try {
    mkdirSync(path.join(work, 'opt/cni/bin'), { recursive: true });
    mkdirSync(path.join(work, 'usr/local/bin'), { recursive: true });
    copyFileSync(istioCni, path.join(work, 'opt/cni/bin/istio-cni'));
    copyFileSync(installCni, path.join(work, 'usr/local/bin/install-cni'));
    await packImage([work], ref, ['/usr/local/bin/install-cni'], out, base, {
      path: `${DEFAULT_PATH}:/opt/cni/bin`,
      workingDir: '/opt/cni/bin',
    });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { file: out, ref };
}

interface IndexEntry {
  annotations?: Record<string, string>;
}

/** The image name an OCI layout archive's index carries (containerd's annotation, else the OCI ref name if it is a whole reference). */
export function archiveImageName(index: { manifests?: IndexEntry[] }): string | undefined {
  for (const m of index.manifests ?? []) {
    const a = m.annotations ?? {};
    const name = a['io.containerd.image.name'] ?? a['org.opencontainers.image.ref.name'];
    if (name && /[/:]/.test(name)) return name;
  }
  return undefined;
}

/** Reads index.json out of an OCI layout archive (tar), without unpacking the rest. */
export async function readArchiveIndex(file: string): Promise<{ manifests?: IndexEntry[] }> {
  for (const member of ['index.json', './index.json']) {
    const r = await execa('tar', ['-xOf', file, member], { reject: false, encoding: 'utf8' });
    if (r.exitCode === 0) return JSON.parse(r.stdout) as { manifests?: IndexEntry[] };
  }
  throw new Error(`${file} is not an OCI image layout archive: it has no index.json`);
}
