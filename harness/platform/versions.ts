/**
 * Every pinned version the suite installs or runs, in one place.
 * Sources: istio/istio common/scripts/kind_provisioner.sh (kind topology, MetalLB procedure),
 * istio/istio go.mod per release branch (Gateway API version), kubernetes-sigs/kind releases.
 */
export const SUITE_VERSION = '0.1.0';

export const KIND = {
  version: 'v0.30.0',
  nodeImage: 'kindest/node:v1.34.0@sha256:7416a61b42b1662ca6ca89f02028ac133a309a2a30ba309614e8ec94d976dc5a',
  clusterName: 'wpt',
};

export const METALLB = { version: 'v0.15.2' };

export type GatewayApiChannel = 'standard' | 'experimental';

/** Gateway API release Istio is built against, per Istio minor (istio go.mod). */
const GATEWAY_API_BY_ISTIO_MINOR: Record<string, string> = {
  '1.26': 'v1.3.0',
  '1.27': 'v1.3.0',
  '1.28': 'v1.4.0',
  '1.29': 'v1.4.0',
  '1.30': 'v1.5.1',
};

export const ISTIO = {
  defaultVersion: '1.30.5',
  supportedMinors: Object.keys(GATEWAY_API_BY_ISTIO_MINOR),
  /** One patch release per minor, for the nightly matrix. */
  nightly: ['1.26.0', '1.27.0', '1.28.2', '1.29.0', '1.30.5'],
};

export const IMAGES = {
  curl: 'docker.io/curlimages/curl:8.16.0',
  echo: 'docker.io/mendhak/http-https-echo:37',
  bookinfoTag: '1.20.3',
};

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
}

export function parseVersion(v: string): SemVer {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(v.trim());
  if (!m) throw new Error(`"${v}" is not a version of the form 1.30.5`);
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]) };
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

export interface GatewayApiPin {
  version: string;
  channel: GatewayApiChannel;
  url: string;
}

/** Experimental channel: Istio's own tests use it, and HTTPRoute retry/TCPRoute need it. */
export function gatewayApiFor(istioVersion: string, channel: GatewayApiChannel = 'experimental'): GatewayApiPin {
  checkIstioVersion(istioVersion);
  const version = GATEWAY_API_BY_ISTIO_MINOR[minorOf(istioVersion)];
  return {
    version,
    channel,
    url: `https://github.com/kubernetes-sigs/gateway-api/releases/download/${version}/${channel}-install.yaml`,
  };
}

export function istioArchiveUrl(version: string, os = 'linux', arch = 'amd64'): string {
  const platform = os === 'darwin' ? `osx-${arch}` : `${os}-${arch}`;
  return `https://github.com/istio/istio/releases/download/${version}/istio-${version}-${platform}.tar.gz`;
}

export function kindBinaryUrl(os = 'linux', arch = 'amd64'): string {
  return `https://github.com/kubernetes-sigs/kind/releases/download/${KIND.version}/kind-${os}-${arch}`;
}

export function metallbManifestUrl(): string {
  return `https://raw.githubusercontent.com/metallb/metallb/${METALLB.version}/config/manifests/metallb-native.yaml`;
}
