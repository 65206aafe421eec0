/**
 * Every pinned version the suite installs or runs, in one place.
 * Sources: istio/istio common/scripts/kind_provisioner.sh (kind topology, MetalLB procedure),
 * istio/istio go.mod per release branch (Gateway API version), kubernetes-sigs/kind releases.
 * Istio patch releases: tags of istio.io/client-go, which Istio's release tags with each release.
 * Digests of manifests without a published checksum are in pins.ts (npm run pins).
 */
import { GATEWAY_API_EXPERIMENTAL_CRDS, METALLB_MANIFEST_SHA256 } from './pins.ts';
export const SUITE_VERSION = '0.1.0';

export const KIND = {
  version: 'v0.30.0',
  nodeImage: 'kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a',
  clusterName: 'wpt',
};

export const METALLB = { version: 'v0.15.2' };

export type GatewayApiChannel = 'standard' | 'experimental';

/**
 * consts.BundleVersion of the Gateway API release whose mesh conformance tests, profiles and report
 * rules the suite follows (harness/report/gateway-api-tests.ts), and the one the newest Istio minor is
 * built against. equipment/gateway-api-check/go.mod pins the same (test/unit/report/gateway-api-upstream.test.ts).
 */
export const GATEWAY_API_VERSION = 'v1.6.0';

/**
 * Gateway API release Istio is built against, per Istio minor (istio go.mod on each release branch;
 * release-1.30: v1.5.1, release-1.31: v1.6.0, read from the branch's go.mod on the Go module proxy).
 */
const GATEWAY_API_BY_ISTIO_MINOR: Record<string, string> = {
  '1.26': 'v1.3.0',
  '1.27': 'v1.3.0',
  '1.28': 'v1.4.0',
  '1.29': 'v1.4.0',
  '1.30': 'v1.5.1',
  '1.31': GATEWAY_API_VERSION,
};

export const GATEWAY_API_VERSIONS = [...new Set(Object.values(GATEWAY_API_BY_ISTIO_MINOR))];

export const ISTIO = {
  defaultVersion: '1.31.1',
  supportedMinors: Object.keys(GATEWAY_API_BY_ISTIO_MINOR),
  /** The newest patch release per minor known when pinned, for the nightly matrix. */
  nightly: ['1.26.4', '1.27.3', '1.28.3', '1.29.6', '1.30.4', '1.31.1'],
};

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
}

/**
 * A release (1.30.5) or a development build: Istio's build stamps VERSION-file + "-dev"
 * (istio Makefile.core.mk), e.g. 1.31-dev, which has the features of its minor.
 */
export function parseVersion(v: string): SemVer {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+)(?:[-+].*)?|-dev)$/.exec(v.trim());
  if (!m) throw new Error(`"${v}" is not a version of the form 1.30.5 (or a development build such as 1.31-dev)`);
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

export function minorOf(v: string): string {
  const s = parseVersion(v);
  return `${s.major}.${s.minor}`;
}

export class UnsupportedVersionError extends Error {}

export function checkIstioVersion(v: string): void {
  const minor = minorOf(v);
  if (!ISTIO.supportedMinors.includes(minor)) {
    throw new UnsupportedVersionError(
      `Istio ${v} is not supported: this suite supports ${ISTIO.supportedMinors[0]}.x to ${ISTIO.supportedMinors.at(-1)}.x. ` +
        `Pass --istio-version with a supported release, for example --istio-version ${ISTIO.defaultVersion}.`,
    );
  }
}

/**
 * A patch release newer than the newest one pinned for its minor is not known to exist: refused
 * before any cluster is built (a typo such as 1.31.999 would otherwise fail with a 404 after it).
 */
export function checkIstioRelease(v: string): void {
  checkIstioVersion(v);
  const newest = ISTIO.nightly.find((n) => minorOf(n) === minorOf(v));
  if (newest && parseVersion(v).patch > parseVersion(newest).patch) {
    throw new UnsupportedVersionError(
      `Istio ${v} is not a release this suite knows: the newest ${minorOf(v)} release pinned is ${newest}. ` +
        `Pass --istio-version ${newest} (or an older ${minorOf(v)}.x), or update ISTIO.nightly in harness/versions/versions.ts if ${v} has been released.`,
    );
  }
}

export interface PinnedFile {
  url: string;
  sha256: string;
}

export interface GatewayApiPin {
  version: string;
  channel: GatewayApiChannel;
  /** The kustomize directory Istio's docs install from (kubectl kustomize ...?ref=<version>). */
  source: string;
  files: PinnedFile[];
}

/**
 * Experimental channel: Istio's own tests use it, and HTTPRoute retry needs it. The files are those
 * config/crd/experimental/kustomization.yaml lists, which is what Istio's docs apply.
 */
export function gatewayApiFor(istioVersion: string): GatewayApiPin {
  checkIstioVersion(istioVersion);
  const version = GATEWAY_API_BY_ISTIO_MINOR[minorOf(istioVersion)];
  const pins = GATEWAY_API_EXPERIMENTAL_CRDS[version];
  if (!pins) throw new Error(`no sha256 pins for Gateway API ${version}: run npm run pins`);
  const base = `https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/${version}/config/crd/experimental`;
  return {
    version,
    channel: 'experimental',
    source: `github.com/kubernetes-sigs/gateway-api/config/crd/experimental?ref=${version}`,
    files: pins.map(([file, sha256]) => ({ url: `${base}/${file}`, sha256 })),
  };
}

export function istioArchiveUrl(version: string, os = 'linux', arch = 'amd64'): string {
  const platform = os === 'darwin' ? `osx-${arch}` : `${os}-${arch}`;
  return `https://github.com/istio/istio/releases/download/${version}/istio-${version}-${platform}.tar.gz`;
}

export function kindBinaryUrl(os = 'linux', arch = 'amd64'): string {
  return `https://github.com/kubernetes-sigs/kind/releases/download/${KIND.version}/kind-${os}-${arch}`;
}

export function metallbManifest(): PinnedFile {
  return {
    url: `https://raw.githubusercontent.com/metallb/metallb/${METALLB.version}/config/manifests/metallb-native.yaml`,
    sha256: METALLB_MANIFEST_SHA256,
  };
}

/**
 * What Istio's install needs for a waypoint class: agentgateway waypoints exist from Istio 1.31, when
 * istiod runs with PILOT_ENABLE_AGENTGATEWAY=true (istio pilot/pkg/features, istio.io docs
 * ambient/usage/agentgateway; 1.29-1.30 have only the istio-agentgateway ingress class).
 */
export const AGENTGATEWAY_WAYPOINT = {
  gatewayClass: 'istio-agentgateway-waypoint',
  sinceMinor: '1.31',
  set: ['values.pilot.env.PILOT_ENABLE_AGENTGATEWAY=true'],
} as const;

export function istioSettingsFor(gatewayClass: string, istioVersion: string): string[] {
  if (gatewayClass !== AGENTGATEWAY_WAYPOINT.gatewayClass) return [];
  const [major, minor] = minorOf(istioVersion).split('.').map(Number);
  const [sinceMajor, sinceMinor] = AGENTGATEWAY_WAYPOINT.sinceMinor.split('.').map(Number);
  if (major < sinceMajor || (major === sinceMajor && minor < sinceMinor)) {
    throw new Error(`${gatewayClass} needs Istio ${AGENTGATEWAY_WAYPOINT.sinceMinor} or later (this run installs ${istioVersion})`);
  }
  return [...AGENTGATEWAY_WAYPOINT.set];
}
