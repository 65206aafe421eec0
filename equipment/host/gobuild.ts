/**
 * Builds the pinned binaries from the Go module proxy into a cache keyed by module and version.
 * A binary is built under a temporary name and renamed only when `go build` succeeded, so a
 * failed or interrupted build is never taken for a cached one.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { cacheDir } from '../../harness/platform/tools/download.ts';
import { UserError } from '../../harness/errors.ts';
import type { BinarySpec, ModulePin } from './pins.ts';

export const GO_ENV = { GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', CGO_ENABLED: '0' };

export function controlPlaneCache(): string {
  return process.env.WPT_CONTROLPLANE_CACHE ?? path.join(cacheDir(), 'controlplane');
}

export function binaryPath(spec: BinarySpec, root = controlPlaneCache()): string {
  return path.join(root, 'bin', `${spec.pin.module.replaceAll('/', '_')}@${spec.pin.version}`, spec.name);
}

/** "go1.26.8" or "1.26.0" → [1, 26, 8]. */
export function goVersionParts(v: string): number[] {
  const m = /^(?:go)?(\d+)\.(\d+)(?:\.(\d+))?/.exec(v.trim());
  if (!m) throw new Error(`cannot read a Go version from "${v}"`);
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

export function goVersionAtLeast(have: string, need: string): boolean {
  const a = goVersionParts(have);
  const b = goVersionParts(need);
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

/** The `go` directive of a go.mod. */
export function goDirective(gomod: string): string {
  const m = /^go\s+(\S+)/m.exec(gomod);
  if (!m) throw new Error('go.mod has no go directive');
  return m[1];
}

/**
 * k8s.io/kubernetes replaces every staging module by ./staging/src/...; those replaces do not
 * apply to a module that requires it, so the wrapper pins each staging module to the matching
 * v0.<minor>.<patch> release instead (Kubernetes publishes them at the same time).
 */
export function stagingReplaces(gomod: string, kubernetesVersion: string): string[] {
  const staging = kubernetesVersion.replace(/^v1\./, 'v0.');
  return [...gomod.matchAll(/^\s*(?:replace\s+)?(\S+)\s+=>\s+\.\/staging\/\S+\s*$/gm)].map((m) => `replace ${m[1]} => ${m[1]} ${staging}`);
}

/** go.mod of the throwaway module the binaries are built from. */
export function wrapperGoMod(pin: ModulePin, upstreamGoMod: string): string {
  const keep = upstreamGoMod.split('\n').filter((l) => /^(go|godebug)\s/.test(l));
  const replaces = pin.module === 'k8s.io/kubernetes' ? stagingReplaces(upstreamGoMod, pin.version) : [];
  return [`module wpt.local/controlplane-build`, '', ...keep, '', `require ${pin.module} ${pin.version}`, '', ...replaces, ''].join('\n');
}

/** Without these the Kubernetes binaries report v0.0.0 and clients complain (component-base/version). */
export function kubernetesLdflags(version: string, buildDate: string): string {
  const [major, minor] = version.replace(/^v/, '').split('.');
  const vars = { gitVersion: version, gitMajor: major, gitMinor: minor, gitTreeState: 'clean', buildDate };
  return ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']
    .flatMap((pkg) => Object.entries(vars).map(([k, v]) => `-X ${pkg}.${k}=${v}`))
    .join(' ');
}

/** The commit a Go pseudo-version names (its last 12 hex digits). */
export function pseudoVersionRevision(version: string): string {
  const m = /-(?:\d+\.)?\d{14}-([0-9a-f]{12})$/.exec(version);
  if (!m) throw new Error(`${version} is not a Go pseudo-version`);
  return m[1];
}

/**
 * As Istio's build stamps them (istio Makefile.core.mk: VERSION is the VERSION file + "-dev",
 * HUB ?= istio; common/scripts/report_build_info.sh: buildVersion, buildGitRevision, buildStatus,
 * buildTag from `git describe --tags --always`, which for a module zip is its pseudo-version).
 */
export function istioLdflags(versionFile: string, pseudoVersion: string): string {
  const vars = {
    buildVersion: `${versionFile.trim()}-dev`,
    buildGitRevision: pseudoVersionRevision(pseudoVersion),
    buildStatus: 'Clean',
    buildTag: pseudoVersion,
    buildHub: 'istio',
  };
  return Object.entries(vars)
    .map(([k, v]) => `-X istio.io/istio/pkg/version.${k}=${v}`)
    .join(' ');
}

interface Downloaded {
  Dir?: string;
  GoMod?: string;
  Info?: string;
  Error?: string;
}

async function go(args: string[], cwd?: string) {
  return execa('go', args, { cwd, env: GO_ENV, reject: false, all: true });
}

/** What the proxy does serve, for the message when a pin stops resolving. */
async function whatResolves(module: string): Promise<string> {
  const versions = (await go(['list', '-m', '-versions', module])).stdout.trim().split(/\s+/).slice(1);
  const latest = await go(['list', '-m', '-json', `${module}@latest`]);
  const latestVersion = latest.exitCode === 0 ? (JSON.parse(latest.stdout) as { Version: string }).Version : 'none';
  return `${module}@latest resolves to ${latestVersion}; tagged versions served: ${versions.slice(-5).join(' ') || 'none'}`;
}

export async function downloadModule(pin: ModulePin): Promise<Required<Pick<Downloaded, 'Dir' | 'GoMod' | 'Info'>>> {
  const r = await go(['mod', 'download', '-json', `${pin.module}@${pin.version}`]);
  const info = (r.stdout ? JSON.parse(r.stdout) : {}) as Downloaded;
  if (r.exitCode !== 0 || !info.Dir || !info.GoMod || !info.Info) {
    throw new UserError(
      `the pinned ${pin.module}@${pin.version} does not resolve on the Go module proxy: ${info.Error ?? r.all}. ${await whatResolves(pin.module)}`,
      'update the pin in equipment/host/pins.ts to a version that resolves',
    );
  }
  return { Dir: info.Dir, GoMod: info.GoMod, Info: info.Info };
}

export async function installedGo(): Promise<string> {
  const r = await execa('go', ['env', 'GOVERSION'], { env: GO_ENV, reject: false });
  if (r.exitCode !== 0 || r.failed)
    throw new UserError('Go is not on PATH', 'install Go (the version the pinned modules need, see their go.mod) and put it on PATH');
  return r.stdout.trim();
}

async function ldflagsFor(spec: BinarySpec, mod: { Dir: string; Info: string }): Promise<string> {
  if (spec.pin.module === 'k8s.io/kubernetes') {
    const time = (JSON.parse(readFileSync(mod.Info, 'utf8')) as { Time: string }).Time.replace(/\.\d+Z$/, 'Z');
    return kubernetesLdflags(spec.pin.version, time);
  }
  if (spec.pin.module === 'istio.io/istio') return istioLdflags(readFileSync(path.join(mod.Dir, 'VERSION'), 'utf8'), spec.pin.version);
  return '';
}

/** The cached binary, built first if needed. */
export async function ensureBinary(spec: BinarySpec, log: (l: string) => void, root = controlPlaneCache()): Promise<string> {
  const out = binaryPath(spec, root);
  if (existsSync(out)) return out;
  const mod = await downloadModule(spec.pin);
  const gomod = readFileSync(mod.GoMod, 'utf8');
  const have = await installedGo();
  if (!goVersionAtLeast(have, goDirective(gomod))) {
    throw new UserError(
      `${spec.pin.module}@${spec.pin.version} needs Go >= ${goDirective(gomod)}, this machine has ${have}`,
      `install Go ${goDirective(gomod)} or newer`,
    );
  }
  const src = path.join(root, 'src', path.basename(path.dirname(out)));
  mkdirSync(src, { recursive: true });
  // go build -mod=mod completes go.mod and go.sum; keep them for the next binary of the module.
  if (!existsSync(path.join(src, 'go.mod'))) writeFileSync(path.join(src, 'go.mod'), wrapperGoMod(spec.pin, gomod));
  mkdirSync(path.dirname(out), { recursive: true });
  const partial = `${out}.partial-${process.pid}`;
  log(`building ${spec.name} (${spec.pin.module}@${spec.pin.version})`);
  const started = Date.now();
  const r = await go(
    ['build', ...(spec.tags ? ['-tags', spec.tags] : []), '-ldflags', await ldflagsFor(spec, mod), '-o', partial, spec.pkg],
    src,
  );
  if (r.exitCode !== 0) {
    rmSync(partial, { force: true });
    throw new UserError(
      `go build ${spec.pkg} failed:\n${r.all.split('\n').slice(-20).join('\n')}`,
      'see the go output above; nothing was cached',
    );
  }
  renameSync(partial, out);
  log(`built ${spec.name} in ${Math.round((Date.now() - started) / 1000)} s`);
  return out;
}
