/** The run's shared client namespace: deployed before the scenarios, removed after them. */
import { applyAll, loadFixture, markOwned } from '../manifests/manifests.ts';
import { podImages } from '../manifests/images.ts';
import type { Scenario } from '../record/record.ts';
import type { SharedClient } from '../scenario/types.ts';
import { clientFile } from '../scenario/workloads.ts';
import { leftoverMessage, namespacesLeft } from './cleanup.ts';
import type { RunEnv } from './env.ts';
import { sharedClientsUsed } from './plan.ts';
import { waitDeploymentsAvailable, waitPodsEnrolled } from './readiness.ts';
import { fixtureVars, namespaceLabels } from './scope.ts';

/**
 * The shared client namespace, in ambient, with the clients the run's checks call from: sleep and
 * notsleep (each with its own ServiceAccount), and the sidecar client only when a scenario that
 * runs uses it. Returns the clients deployed.
 */
export async function deployClients(env: RunEnv, scenarios: Scenario[]): Promise<SharedClient[]> {
  const { cluster, runId, clientNamespace, timing } = env;
  const clients = sharedClientsUsed(env, scenarios);
  await cluster.apply(
    markOwned(
      {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name: clientNamespace, labels: namespaceLabels(env) },
      },
      runId,
    ),
  );
  const files = [...new Set(clients.map(clientFile))];
  const objects = files.flatMap((f) => loadFixture(`workloads/${f}`, fixtureVars(env, { app: clientNamespace } as never), runId));
  await applyAll(
    cluster,
    objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace: clientNamespace } })),
  );
  for (const image of objects.flatMap(podImages)) env.deployed.add(image);
  await waitDeploymentsAvailable(cluster, clientNamespace, timing);
  for (const app of clients.filter((c) => c !== 'sidecar-sleep')) await waitPodsEnrolled(cluster, clientNamespace, `app=${app}`, timing);
  return clients;
}

export async function removeClients(env: RunEnv): Promise<void> {
  await env.cluster.delete({ apiVersion: 'v1', kind: 'Namespace', name: env.clientNamespace });
  const left = await namespacesLeft(env, [env.clientNamespace]);
  if (left.length > 0) throw new Error(leftoverMessage(left));
}
