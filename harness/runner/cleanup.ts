/** A scenario's namespaces deleted, and the check that they are gone (at once, or at the end of the run). */
import { refOf } from '../cluster/types.ts';
import { changesOf } from '../cluster/watch.ts';
import { RUN_LABEL } from '../manifests/manifests.ts';
import type { Scenario } from '../record/record.ts';
import { waitFor, WaitTimeout } from '../wait.ts';
import type { RunEnv } from './env.ts';
import type { ScenarioScope } from './scope.ts';

/**
 * Deletes the scenario's namespaces (only those this run created). The wait until they are gone is
 * handed to the end of the run, so cleanup does not hold up the next scenario. Waited for at once
 * (deferCleanup off), returns what is still there.
 */
export async function deleteNamespaces(scope: ScenarioScope, s: Scenario): Promise<string | undefined> {
  const { cluster } = scope.env;
  const names = Object.values(scope.namespaces);
  for (const name of names) await cluster.delete({ apiVersion: 'v1', kind: 'Namespace', name });
  await Promise.all(names.map((name) => stopPods(scope, name)));
  if (scope.env.deferCleanup) {
    scope.env.cleanup.push({ id: s.id, namespaces: names });
    return undefined;
  }
  const left = await namespacesLeft(scope.env, names);
  return left.length ? leftoverMessage(left) : undefined;
}

/**
 * The pods left in a deleted namespace get one second to stop. Pods the suite does not write (the
 * waypoints istiod deploys) default to a 30 s grace period, and the namespace controller, finding
 * such a pod, looks again only after half of it (kubernetes pkg/controller/namespace: estimate/2+1):
 * each namespace took about 21 s to go. The namespace is deleted first, so nothing recreates them.
 */
async function stopPods(scope: ScenarioScope, namespace: string): Promise<void> {
  const { cluster } = scope.env;
  const pods = await cluster.list('v1', 'Pod', { namespace });
  await Promise.all(pods.map((p) => cluster.delete(refOf(p), { gracePeriodSeconds: 1 })));
}

/**
 * Waits until the namespaces are gone; returns those still present at the deadline. One list of the
 * run's namespaces per change, however many are awaited.
 */
export async function namespacesLeft(env: RunEnv, names: string[]): Promise<string[]> {
  const { cluster, timing, runId } = env;
  let left = names;
  try {
    await waitFor(
      `namespaces ${names.join(', ')} deleted`,
      async () => {
        const present = new Set(
          (await cluster.list('v1', 'Namespace', { labelSelector: `${RUN_LABEL}=${runId}` })).map((n) => n.metadata.name),
        );
        left = names.filter((n) => present.has(n));
        return left.length === 0 ? true : undefined;
      },
      timing,
      () => `still present: ${left.join(', ')}`,
      timing.readyTimeoutMs,
      changesOf(cluster, 'v1', 'Namespace'),
    );
  } catch (err) {
    if (!(err instanceof WaitTimeout)) throw err;
  }
  return left;
}

export const leftoverMessage = (left: string[]) => `leftovers after teardown: namespaces ${left.join(', ')} still present`;
