/**
 * istioctl's views of the mesh, for a failed scenario's diagnostics: what ztunnel knows (workloads,
 * services with their WAYPOINT, policies), whether proxies are in sync with istiod, and the
 * waypoints of the scenario's namespaces: the commands of the debugging section of istio/istio.io
 * content/en/docs/ambient/usage/waypoint/index.md.
 */
import { execa } from 'execa';
import type { Dumper } from '../../runner/env.ts';

export function istioctlCommands(namespaces: string[]): string[][] {
  return [['ztunnel-config', 'all'], ['proxy-status'], ...namespaces.map((ns) => ['waypoint', 'list', '-n', ns])];
}

export function istioctlDumper(istioctl: string, kubeconfig: string, context: string, timeoutMs = 30_000): Dumper {
  return {
    name: 'istioctl',
    async dump(namespaces) {
      const out: Record<string, string> = {};
      for (const args of istioctlCommands(namespaces)) {
        const r = await execa(istioctl, [...args, '--kubeconfig', kubeconfig, '--context', context], {
          reject: false,
          all: true,
          timeout: timeoutMs,
        });
        const status = r.failed ? `\n(${r.shortMessage})` : '';
        out[`istioctl ${args.join(' ')}`] = `${r.all ?? ''}${status}`;
      }
      return out;
    },
  };
}
