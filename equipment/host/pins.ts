/**
 * What the real control plane is built from: Go modules the Go module proxy serves, pinned.
 * Test equipment (npm run controlplane), not product. Checked on 2026-11-23 (see
 * /work/shared/real-control-plane.md in the project notes): istio.io/istio is served only at its
 * latest pseudo-version; tags and older pseudo-versions are refused.
 */

export interface ModulePin {
  module: string;
  version: string;
}

export const ETCD: ModulePin = { module: 'go.etcd.io/etcd/server/v3', version: 'v3.6.8' };
export const KUBERNETES: ModulePin = { module: 'k8s.io/kubernetes', version: 'v1.36.3' };
export const KWOK: ModulePin = { module: 'sigs.k8s.io/kwok', version: 'v0.8.0' };
export const ISTIO_SOURCE: ModulePin = { module: 'istio.io/istio', version: 'v0.0.0-20260827124520-eed52ebb66ad' };
/** Cluster DNS for the real node (checked 2026-12-03: the proxy's latest). */
export const COREDNS: ModulePin = { module: 'github.com/coredns/coredns', version: 'v1.15.0' };

export interface BinarySpec {
  /** File name in the cache. */
  name: string;
  /** Go package to build. */
  pkg: string;
  pin: ModulePin;
  /** go build -tags, as the upstream build uses them. */
  tags?: string;
}

const k8s = (name: string): BinarySpec => ({ name, pkg: `k8s.io/kubernetes/cmd/${name}`, pin: KUBERNETES });

export const BINARIES = {
  etcd: { name: 'etcd', pkg: ETCD.module, pin: ETCD },
  kubeApiserver: k8s('kube-apiserver'),
  kubeControllerManager: k8s('kube-controller-manager'),
  kubeScheduler: k8s('kube-scheduler'),
  kwok: { name: 'kwok', pkg: 'sigs.k8s.io/kwok/cmd/kwok', pin: KWOK },
  kwokctl: { name: 'kwokctl', pkg: 'sigs.k8s.io/kwok/cmd/kwokctl', pin: KWOK },
  pilotDiscovery: { name: 'pilot-discovery', pkg: 'istio.io/istio/pilot/cmd/pilot-discovery', pin: ISTIO_SOURCE },
  istioctl: { name: 'istioctl', pkg: 'istio.io/istio/istioctl/cmd/istioctl', pin: ISTIO_SOURCE },
} satisfies Record<string, BinarySpec>;

export type BinaryKey = keyof typeof BINARIES;
export type Binaries = Record<BinaryKey, string>;

/** istio Makefile.core.mk builds the CNI binaries (LINUX_AGENT_BINARIES) with AGENT_TAGS. */
const ISTIO_AGENT_TAGS = 'agent,disable_pgv,grpcnotrace,retrynotrace';

/**
 * With --real-node: a real worker node (kubelet, kube-proxy) from the same Kubernetes wrapper module,
 * cluster DNS, and istio-cni (its installer and node agent, and the CNI plugin) from the istio module
 * istiod is built from (istio cni/deployments/kubernetes/Dockerfile.install-cni packs these two).
 */
export const NODE_BINARIES = {
  kubelet: k8s('kubelet'),
  kubeProxy: k8s('kube-proxy'),
  coredns: { name: 'coredns', pkg: COREDNS.module, pin: COREDNS },
  installCni: { name: 'install-cni', pkg: 'istio.io/istio/cni/cmd/install-cni', pin: ISTIO_SOURCE, tags: ISTIO_AGENT_TAGS },
  istioCni: { name: 'istio-cni', pkg: 'istio.io/istio/cni/cmd/istio-cni', pin: ISTIO_SOURCE, tags: ISTIO_AGENT_TAGS },
} satisfies Record<string, BinarySpec>;

export type NodeBinaries = Record<keyof typeof NODE_BINARIES, string>;

/** Debian packages the real node is made of (containerd 1.6 works with kubelet 1.36). */
export const NODE_PACKAGES = [
  'containerd',
  'runc',
  'containernetworking-plugins',
  'debootstrap',
  'nftables',
  'iptables',
  'ipset',
  'conntrack',
  'iproute2',
];
