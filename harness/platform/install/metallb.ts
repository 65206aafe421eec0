/**
 * MetalLB as Istio's CI sets it up (istio common/scripts/kind_provisioner.sh install_metallb):
 * the native manifest, then an IPAddressPool from the end of the docker "kind" network's IPv4
 * subnet and an L2Advertisement naming it (metallb.io/v1beta1).
 */
import type { KubeObject } from '../../cluster/types.ts';

interface DockerNetwork {
  IPAM?: { Config?: { Subnet?: string }[] };
}

export function ipv4Subnet(inspect: DockerNetwork[]): string {
  const subnets = (inspect[0]?.IPAM?.Config ?? []).map((c) => c.Subnet ?? '');
  const v4 = subnets.find((s) => /^\d+\.\d+\.\d+\.\d+\/\d+$/.test(s));
  if (!v4) throw new Error(`the docker network "kind" has no IPv4 subnet (found: ${subnets.join(', ') || 'none'})`);
  return v4;
}

function toInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0) >>> 0;
}

function toIp(n: number): string {
  return [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.');
}

/** The last `size` usable addresses of the subnet, below the broadcast address, as a range. */
export function poolRange(subnet: string, size = 20, skipFromEnd = 5): string {
  const [ip, bits] = subnet.split('/');
  const prefix = Number(bits);
  if (prefix > 28) throw new Error(`subnet ${subnet} is too small for a LoadBalancer pool`);
  const hostBits = 32 - prefix;
  const network = ((toInt(ip) >>> hostBits) << hostBits) >>> 0;
  const broadcast = network + 2 ** hostBits - 1;
  const last = broadcast - skipFromEnd;
  return `${toIp(last - size + 1)}-${toIp(last)}`;
}

export function poolObjects(range: string, labels: Record<string, string>): KubeObject[] {
  return [
    {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'IPAddressPool',
      metadata: { name: 'wpt-pool', namespace: 'metallb-system', labels },
      spec: { addresses: [range] },
    },
    {
      apiVersion: 'metallb.io/v1beta1',
      kind: 'L2Advertisement',
      metadata: { name: 'wpt-l2', namespace: 'metallb-system', labels },
      spec: { ipAddressPools: ['wpt-pool'] },
    },
  ];
}
