/**
 * Cluster DNS for the real node: CoreDNS (built from the Go module proxy) as a local process bound
 * to the node's bridge address only, serving the cluster domain with its kubernetes plugin, and
 * answering NXDOMAIN at once for every other name (nothing is forwarded off this machine, and a
 * resolver with ndots:5 walks its search list without waiting). The kube-dns Service at the
 * kubelet's clusterDNS address has no selector; its one endpoint is that process.
 */
import { Resolver } from 'node:dns/promises';
import { writeFileSync } from 'node:fs';
import type { KubeCluster } from '../../harness/cluster/kube.ts';
import type { KubeObject } from '../../harness/cluster/types.ts';
import { CLUSTER_TIMING, waitFor } from '../../harness/wait.ts';
import { isRunning, startDaemon } from '../host/processes.ts';

export const CLUSTER_DOMAIN = 'cluster.local';
/** The kube-dns Service's ClusterIP (in the static band of the Service range; kubelet clusterDNS). */
export const DNS_SERVICE_IP = '10.0.0.10';
/** endpointslice.kubernetes.io/managed-by of the EndpointSlices up writes (Services whose endpoints are local processes). */
export const MANAGED_BY = 'waypoint-conformance-controlplane';

export function corefile(bindAddress: string, kubeconfig: string): string {
  return `${CLUSTER_DOMAIN}:53 in-addr.arpa:53 ip6.arpa:53 {
    bind ${bindAddress}
    errors
    kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {
        kubeconfig ${kubeconfig}
        pods insecure
    }
    cache 5
}
.:53 {
    bind ${bindAddress}
    errors
    template ANY ANY {
        rcode NXDOMAIN
    }
}
`;
}

/** kube-dns without a selector, and the EndpointSlice that makes the node's CoreDNS its endpoint. */
export function dnsServiceObjects(address: string): KubeObject[] {
  const ports = [
    { name: 'dns', port: 53, protocol: 'UDP' },
    { name: 'dns-tcp', port: 53, protocol: 'TCP' },
  ];
  return [
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      spec: { clusterIP: DNS_SERVICE_IP, ports: ports.map((p) => ({ ...p, targetPort: 53 })) },
    },
    {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        name: 'kube-dns-node',
        namespace: 'kube-system',
        labels: { 'kubernetes.io/service-name': 'kube-dns', 'endpointslice.kubernetes.io/managed-by': MANAGED_BY },
      },
      addressType: 'IPv4',
      endpoints: [{ addresses: [address], conditions: { ready: true } }],
      ports,
    },
  ];
}

/** Starts CoreDNS and waits until it answers for the kubernetes Service. */
export async function startCoreDns(
  state: string,
  dir: string,
  binary: string,
  bindAddress: string,
  kubeconfig: string,
  corefilePath: string,
): Promise<void> {
  writeFileSync(corefilePath, corefile(bindAddress, kubeconfig));
  const rec = startDaemon(state, 'coredns', binary, ['-conf', corefilePath], { cwd: dir, env: { PATH: process.env.PATH ?? '' } });
  const resolver = new Resolver({ timeout: 1000, tries: 1 });
  resolver.setServers([bindAddress]);
  const name = `kubernetes.default.svc.${CLUSTER_DOMAIN}`;
  await waitFor(
    `CoreDNS answers ${name} (log ${rec.log})`,
    async () => {
      if (!isRunning(rec)) throw new Error(`CoreDNS exited; see ${rec.log}`);
      return (await resolver.resolve4(name).catch(() => [])).length > 0 ? true : undefined;
    },
    CLUSTER_TIMING,
  );
}

export async function applyDnsService(cluster: KubeCluster, address: string): Promise<void> {
  for (const o of dnsServiceObjects(address)) await cluster.apply(o);
}
