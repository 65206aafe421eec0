/**
 * npm run e2e -- --cleanup: what earlier runs left behind (a run killed with SIGKILL, a lost CI
 * runner never tears down), found by the suite's ownership labels and only by them. Everything a
 * run makes lives in namespaces it labels app.kubernetes.io/managed-by=waypoint-conformance with
 * its run id (harness/manifests/manifests.ts markOwned); deleting those namespaces removes it all.
 */
import type { Cluster, KubeObject } from '../../cluster/types.ts';
import { changesOf } from '../../cluster/watch.ts';
import { MANAGED_BY, RUN_LABEL } from '../../manifests/manifests.ts';
import { waitFor, WaitTimeout, type Timing } from '../../wait.ts';

const OWNED = `${MANAGED_BY.key}=${MANAGED_BY.value}`;

export interface Leftover {
  name: string;
  run: string;
  created?: string;
  terminating: boolean;
}

/** A timestamp as the API server wrote it; @kubernetes/client-node hands it over as a Date. */
function isoTime(t: string | Date | undefined): string | undefined {
  return t === undefined ? undefined : new Date(t).toISOString();
}

/** The namespaces earlier runs made, oldest first; `exceptRun`: a run still going (never its own). */
export async function findLeftovers(cluster: Cluster, exceptRun?: string): Promise<Leftover[]> {
  const owned = await cluster.list('v1', 'Namespace', { labelSelector: OWNED });
  return owned
    .filter((n) => exceptRun === undefined || n.metadata.labels?.[RUN_LABEL] !== exceptRun)
    .map((n: KubeObject) => ({
      name: n.metadata.name,
      run: n.metadata.labels?.[RUN_LABEL] ?? '(no run label)',
      created: isoTime(n.metadata.creationTimestamp),
      terminating: Boolean(n.metadata.deletionTimestamp),
    }))
    .sort((a, b) => (a.created ?? '').localeCompare(b.created ?? '') || a.name.localeCompare(b.name));
}

export function leftoverLines(left: Leftover[]): string[] {
  return left.map(
    (l) => `namespace ${l.name} (run ${l.run}${l.created ? `, created ${l.created}` : ''}${l.terminating ? ', already terminating' : ''})`,
  );
}

/** Deletes them and waits until they are gone; returns the names still present at the deadline. */
export async function removeLeftovers(cluster: Cluster, left: Leftover[], timing: Timing): Promise<string[]> {
  for (const l of left) await cluster.delete({ apiVersion: 'v1', kind: 'Namespace', name: l.name });
  let still = left.map((l) => l.name);
  try {
    await waitFor(
      `the leftover namespaces deleted`,
      async () => {
        const present = new Set((await cluster.list('v1', 'Namespace', { labelSelector: OWNED })).map((n) => n.metadata.name));
        still = still.filter((n) => present.has(n));
        return still.length === 0 ? true : undefined;
      },
      timing,
      () => `still present: ${still.join(', ')}`,
      timing.readyTimeoutMs,
      changesOf(cluster, 'v1', 'Namespace'),
    );
  } catch (err) {
    if (!(err instanceof WaitTimeout)) throw err;
  }
  return still;
}
