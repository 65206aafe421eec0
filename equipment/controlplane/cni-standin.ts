/**
 * The istio-cni node agent stand-in as a process (started and stopped by npm run controlplane):
 * watches pods and namespaces and keeps each pod's redirection annotation as cni-rules.ts says.
 * Its limits are stated in cni-rules.ts.
 *
 *   node equipment/controlplane/cni-standin.ts <kubeconfig> [istio-namespace]
 */
import * as k8s from '@kubernetes/client-node';
import type { KubeObject } from '../../harness/cluster/types.ts';
import { redirectionPatch } from './cni-rules.ts';

const kubeconfig = process.argv[2];
const istioNamespace = process.argv[3] ?? 'istio-system';
if (!kubeconfig) {
  console.error('usage: cni-standin.ts <kubeconfig> [istio-namespace]');
  process.exit(2);
}
const kc = new k8s.KubeConfig();
kc.loadFromFile(kubeconfig);
const core = kc.makeApiClient(k8s.CoreV1Api);
const log = (l: string) => console.log(`${new Date().toISOString()} ${l}`);

const namespaces = k8s.makeInformer(kc, '/api/v1/namespaces', () => core.listNamespace());
const pods = k8s.makeInformer(kc, '/api/v1/pods', () => core.listPodForAllNamespaces());

function nsLabels(name: string): Record<string, string> {
  return namespaces.get(name)?.metadata?.labels ?? {};
}

async function reconcile(pod: k8s.V1Pod): Promise<void> {
  const patch = redirectionPatch(pod as unknown as KubeObject, nsLabels(pod.metadata!.namespace!), istioNamespace);
  if (!patch) return;
  const { name, namespace } = pod.metadata as { name: string; namespace: string };
  try {
    // pods/status, as istio-cni does (lower privilege than pods; cni/pkg/util/podutil.go).
    await core.patchNamespacedPodStatus(
      { name, namespace, body: { metadata: { annotations: patch } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    log(`${namespace}/${name}: redirection ${Object.values(patch)[0] ?? 'removed'}`);
  } catch (err) {
    const code = (err as { code?: number }).code;
    if (code !== 404) log(`${namespace}/${name}: patch failed: ${(err as Error).message}`);
  }
}

const onPod = (p: k8s.V1Pod) => void reconcile(p);
pods.on('add', onPod);
pods.on('update', onPod);
const onNamespace = (ns: k8s.V1Namespace) => {
  for (const p of pods.list(ns.metadata!.name)) void reconcile(p);
};
namespaces.on('add', onNamespace);
namespaces.on('update', onNamespace);
for (const inf of [namespaces, pods]) {
  // The informer stops on a watch error; start it again after a pause, as client-go's reflector does.
  inf.on('error', (err: unknown) => {
    log(`watch error: ${(err as Error)?.message ?? err}; restarting`);
    setTimeout(() => void inf.start(), 2000);
  });
}
await namespaces.start();
await pods.start();
log('cni stand-in watching pods and namespaces');
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    void Promise.all([pods.stop(), namespaces.stop()]).finally(() => process.exit(0));
  });
}
