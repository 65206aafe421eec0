/**
 * Every object in a cluster, by identity, for "the cluster is as it was" (issue #26: side-by-side
 * runs leave nothing, --cleanup after a killed run restores the cluster). Each listable resource the
 * API server's discovery names, namespaced ones across all namespaces; an object is its kind,
 * namespace and name, its uid (deleted and made again is a difference) and its generation (a spec
 * changed is a difference). Status churn is not (controllers write it all the time).
 */
import * as k8s from '@kubernetes/client-node';
import { ClusterApiError } from '../../harness/cluster/api-errors.ts';
import type { KubeCluster } from '../../harness/cluster/kube.ts';
import type { KubeObject } from '../../harness/cluster/types.ts';
import { CLUSTER_TIMING, waitFor } from '../../harness/wait.ts';

/** Written by the cluster itself, all the time: leader-election leases and events. */
const CHURN = new Set(['coordination.k8s.io/Lease', 'Event', 'events.k8s.io/Event']);

export type Snapshot = Map<string, string>;

interface Listable {
  apiVersion: string;
  kind: string;
}

async function resourcesOf(kc: k8s.KubeConfig): Promise<Listable[]> {
  const listable = (apiVersion: string, list: k8s.V1APIResourceList) =>
    list.resources.filter((r) => !r.name.includes('/') && r.verbs.includes('list')).map((r) => ({ apiVersion, kind: r.kind }));
  const out = listable('v1', await kc.makeApiClient(k8s.CoreV1Api).getAPIResources());
  const custom = kc.makeApiClient(k8s.CustomObjectsApi);
  for (const g of (await kc.makeApiClient(k8s.ApisApi).getAPIVersions()).groups) {
    const v = g.preferredVersion ?? g.versions[0];
    out.push(...listable(v.groupVersion, await custom.getAPIResources({ group: g.name, version: v.version })));
  }
  return out.filter((r) => !CHURN.has(r.apiVersion === 'v1' ? r.kind : `${r.apiVersion.split('/')[0]}/${r.kind}`));
}

/**
 * The list, waiting while the API server answers 429 "storage is (re)initializing": a resource's watch
 * cache starts again after its CRD changes (istiod updates CRDs it owns as it starts).
 */
async function listSettled(cluster: KubeCluster, r: Listable): Promise<KubeObject[]> {
  let last = '';
  return waitFor(
    `${r.apiVersion} ${r.kind} listed`,
    async () => {
      try {
        return await cluster.list(r.apiVersion, r.kind);
      } catch (err) {
        if (!(err instanceof ClusterApiError) || err.code !== 429) throw err;
        last = err.message;
        return undefined;
      }
    },
    CLUSTER_TIMING,
    () => last,
    60_000,
  );
}

export async function snapshotCluster(cluster: KubeCluster, kc: k8s.KubeConfig): Promise<Snapshot> {
  const snap: Snapshot = new Map();
  for (const r of await resourcesOf(kc)) {
    for (const o of await listSettled(cluster, r)) {
      const where = o.metadata.namespace ? `${o.metadata.namespace}/` : '';
      snap.set(
        `${r.apiVersion} ${r.kind} ${where}${o.metadata.name}`,
        `uid ${o.metadata.uid ?? '-'} generation ${o.metadata.generation ?? '-'}`,
      );
    }
  }
  return snap;
}

/** What differs, one line each: objects added, removed, or made again / changed. */
export function snapshotDifferences(before: Snapshot, after: Snapshot): string[] {
  const out: string[] = [];
  for (const [key, id] of after) {
    const was = before.get(key);
    if (was === undefined) out.push(`added: ${key}`);
    else if (was !== id) out.push(`changed: ${key} (${was} → ${id})`);
  }
  for (const key of before.keys()) if (!after.has(key)) out.push(`removed: ${key}`);
  return out.sort();
}
