/**
 * Installs what the suite needs, detecting what is already there: MetalLB (kind), the Gateway API
 * CRDs (server-side, until Established) and Istio ambient (istioctl, istio.io docs ambient/install).
 * Only what this run installs is registered for teardown.
 */
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import type { Cluster, KubeObject } from '../cluster/types.ts';
import { conditionOf } from '../cluster/types.ts';
import { markOwned, parseManifests } from '../manifests/manifests.ts';
import { waitFor, type Timing } from '../wait.ts';
import { fetchVerified } from './download.ts';
import { ipv4Subnet, poolObjects, poolRange } from './metallb.ts';
import type { Teardown } from './teardown.ts';
import { gatewayApiFor, metallbManifest } from './versions.ts';
import { resolveIstioctl } from './tools.ts';

export interface InstallContext {
  cluster: Cluster;
  kubeconfig: string;
  context: string;
  istioVersion: string;
  kindNetwork: boolean;
  teardown: Teardown;
  timing: Timing;
  runId: string;
  log: (line: string) => void;
}

async function applyAll(cluster: Cluster, objs: KubeObject[]): Promise<void> {
  for (const o of objs) await cluster.apply(o);
}

async function waitPodsReady(c: InstallContext, namespace: string, labelSelector: string, what: string): Promise<void> {
  await waitFor(what, async () => {
    const pods = await c.cluster.list('v1', 'Pod', { namespace, labelSelector });
    return pods.length > 0 && pods.every((p) => conditionOf(p, 'Ready')?.status === 'True') ? true : undefined;
  }, c.timing);
}

export async function installMetallb(c: InstallContext): Promise<void> {
  if (await c.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'metallb-system' })) {
    c.log('MetalLB already installed: kept as is');
    return;
  }
  const file = await fetchVerified(metallbManifest());
  const objs = parseManifests(readFileSync(file, 'utf8'), 'metallb-native.yaml');
  await applyAll(c.cluster, objs);
  c.teardown.add('delete MetalLB', async () => {
    for (const o of [...objs].reverse()) await c.cluster.delete({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace });
  });
  await waitPodsReady(c, 'metallb-system', 'app=metallb', 'MetalLB pods Ready');
  const inspect = JSON.parse((await execa('docker', ['network', 'inspect', 'kind'])).stdout);
  const range = poolRange(ipv4Subnet(inspect));
  await applyAll(c.cluster, poolObjects(range, {}).map((o) => markOwned(o, c.runId)));
  c.log(`MetalLB pool ${range}`);
}

export async function installGatewayApi(c: InstallContext): Promise<{ version: string; channel: string }> {
  const existing = await c.cluster.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'gateways.gateway.networking.k8s.io' });
  if (existing) {
    const a = existing.metadata.annotations ?? {};
    c.log('Gateway API CRDs already installed: kept as is');
    return { version: a['gateway.networking.k8s.io/bundle-version'] ?? 'unknown', channel: a['gateway.networking.k8s.io/channel'] ?? 'unknown' };
  }
  const pin = gatewayApiFor(c.istioVersion);
  const crds: KubeObject[] = [];
  for (const f of pin.files) crds.push(...parseManifests(readFileSync(await fetchVerified(f), 'utf8'), f.url));
  await applyAll(c.cluster, crds);
  c.teardown.add('delete the Gateway API CRDs', async () => {
    for (const o of crds) await c.cluster.delete({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace });
  });
  for (const crd of crds.filter((o) => o.kind === 'CustomResourceDefinition')) {
    await waitFor(`CRD ${crd.metadata.name} Established`, async () => {
      const got = await c.cluster.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: crd.metadata.name });
      return conditionOf(got, 'Established')?.status === 'True' ? true : undefined;
    }, c.timing);
  }
  return { version: pin.version, channel: pin.channel };
}

/** Installed Istio version from istiod's image tag, if istiod runs. */
export async function detectIstio(cluster: Cluster): Promise<string | undefined> {
  const d = await cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'istio-system', name: 'istiod' });
  const image: string | undefined = d?.spec?.template?.spec?.containers?.[0]?.image;
  return image ? /:(\d+\.\d+\.\d+)/.exec(image)?.[1] ?? 'unknown' : undefined;
}

export async function installIstio(c: InstallContext): Promise<string> {
  const found = await detectIstio(c.cluster);
  if (found) {
    c.log(`Istio ${found} already installed: kept as is`);
  } else {
    const istioctl = await resolveIstioctl(c.istioVersion);
    const base = ['--kubeconfig', c.kubeconfig, '--context', c.context];
    await execa(istioctl, ['install', ...base, '--set', 'profile=ambient', '--set', 'meshConfig.accessLogFile=/dev/stdout', '--skip-confirmation']);
    c.teardown.add(`uninstall Istio ${c.istioVersion}`, async () => {
      await execa(istioctl, ['uninstall', ...base, '-y', '--purge']);
      await c.cluster.delete({ apiVersion: 'v1', kind: 'Namespace', name: 'istio-system' });
    });
  }
  await checkIstioReady(c);
  return found ?? c.istioVersion;
}

/**
 * istiod, istio-cni and ztunnel Ready: what ambient needs before any workload is enrolled.
 * istio-cni pods carry k8s-app=istio-cni-node (istio manifests/charts/istio-cni/templates/daemonset.yaml).
 */
export async function checkIstioReady(c: InstallContext): Promise<void> {
  await waitPodsReady(c, 'istio-system', 'app=istiod', 'istiod Ready');
  await waitPodsReady(c, 'istio-system', 'k8s-app=istio-cni-node', 'istio-cni Ready');
  await waitPodsReady(c, 'istio-system', 'app=ztunnel', 'ztunnel Ready');
}
