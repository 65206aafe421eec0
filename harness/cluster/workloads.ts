/** Queries about workloads that several layers need. */
import type { Cluster, KubeObject } from './types.ts';

/** The pods a Deployment selects (by its spec.selector.matchLabels); undefined while it does not exist. */
export async function podsOfDeployment(cluster: Cluster, namespace: string, deployment: string): Promise<KubeObject[] | undefined> {
  const dep = await cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace, name: deployment });
  const sel = dep?.spec?.selector?.matchLabels as Record<string, string> | undefined;
  if (!sel) return undefined;
  return cluster.list('v1', 'Pod', {
    namespace,
    labelSelector: Object.entries(sel)
      .map(([k, v]) => `${k}=${v}`)
      .join(','),
  });
}
