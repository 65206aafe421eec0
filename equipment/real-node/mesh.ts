/**
 * Istio's data plane on the real node. istio-cni (installer, node agent, CNI plugin) always runs
 * there for real, from binaries built from the istio module istiod is built from. ztunnel and the
 * waypoint proxies run there when their images are supplied (`up --real-node --mesh-images DIR`:
 * OCI layout archives, each known by the last path component of its image name), tagged with the
 * references Istio's install uses. Without a ztunnel image the ztunnel DaemonSet is kept off the node.
 *
 * How Istio is fitted to this node:
 * - istio-cni's node agent reads the host's network namespace at /host/proc/1/ns/net (and compares
 *   every process's against it: istio cni/pkg/constants HostNetNSPath, nodeagent statHostNetns).
 *   Where that is not readable (this project's CI VM: its PID 1 is not the host's init and refuses
 *   it even to root), its /host/proc is the node's view of /proc in which process 1's ns directory
 *   holds the host's network namespace (node.ts hostProcView).
 * - istio-cni's CNI binary and config directories are the node's own (under the state directory).
 * - The istiod Service's endpoint is the local istiod at the node's bridge address, so pods reach
 *   istiod.istio-system.svc (ztunnel's CA and XDS address) as in a cluster.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { UserError } from '../../harness/errors.ts';
import type { KubeCluster } from '../../harness/cluster/kube.ts';
import type { KubeObject } from '../../harness/cluster/types.ts';
import { MANAGED_BY } from './dns.ts';
import { archiveImageName, readArchiveIndex } from './images.ts';

export const MESH_ARCHIVE_SUFFIX = '.oci.tar';
/** Annotation kwokctl's node template gives simulated nodes; kwok manages only nodes carrying it. */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node=fake';

export interface MeshArchive {
  file: string;
  /** The image name inside the archive. */
  image: string;
  /** Its last path component without tag or digest: ztunnel, agentgateway, proxyv2, ... */
  component: string;
}

/** "localhost/wpt/ztunnel:62d82653" → "ztunnel"; "docker.io/istio/proxyv2@sha256:..." → "proxyv2". */
export function componentOf(image: string): string {
  const repo = image.split('@')[0];
  const last = repo.slice(repo.lastIndexOf('/') + 1);
  return last.includes(':') ? last.slice(0, last.indexOf(':')) : last;
}

/** Every *.oci.tar in `dir`, identified; a directory with none, or an archive without an image name, is a usage error. */
export async function readMeshImages(dir: string): Promise<MeshArchive[]> {
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UserError(
      `--mesh-images ${dir}: no such directory`,
      "give a directory holding the data plane's images as OCI layout archives (ztunnel.oci.tar, ...)",
    );
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(MESH_ARCHIVE_SUFFIX))
    .sort();
  if (files.length === 0)
    throw new UserError(
      `--mesh-images ${dir}: no *${MESH_ARCHIVE_SUFFIX} files there`,
      "put the data plane's images there as OCI layout archives, e.g. ztunnel.oci.tar",
    );
  const out: MeshArchive[] = [];
  for (const f of files) {
    const file = path.join(dir, f);
    const index = await readArchiveIndex(file).catch((e: Error) => {
      throw new UserError(e.message, 'give an OCI image layout archive (a tar of oci-layout, index.json and blobs/)');
    });
    const image = archiveImageName(index);
    if (!image)
      throw new UserError(
        `${file}: its index.json names no image (annotation io.containerd.image.name or org.opencontainers.image.ref.name with a repository)`,
        "export the archive with the image's name, e.g. localhost/wpt/ztunnel:TAG",
      );
    out.push({ file, image, component: componentOf(image) });
  }
  return out;
}

/** The archive of `component`, or a usage error naming the file expected. */
export function requireArchive(archives: MeshArchive[], component: string, dir: string, why: string): MeshArchive {
  const a = archives.find((x) => x.component === component);
  if (!a) {
    throw new UserError(
      `--mesh-images ${dir}: no ${component} image (${why}); found: ${archives.map((x) => `${path.basename(x.file)} (${x.image})`).join(', ')}`,
      `add ${path.join(dir, `${component}${MESH_ARCHIVE_SUFFIX}`)}: an OCI layout archive of an image whose name ends in /${component}:TAG`,
    );
  }
  return a;
}

interface InjectorValues {
  global?: { hub?: string; tag?: string | number; variant?: string; agentgateway?: { image?: string } };
}

/**
 * The image istiod gives a proxy it deploys: <hub>/<name>:<tag>[-<variant>] from the injector's
 * values (istio pkg/kube/inject/inject.go imageURL, updateImageTypeIfPresent; ProxyImage for
 * proxyv2, AgentgatewayImage for agentgateway).
 */
export function injectedImage(values: InjectorValues, name: string): string {
  const g = values.global ?? {};
  let tag = String(g.tag ?? '');
  const variant = g.variant ?? '';
  if (variant) {
    for (const known of ['distroless', 'debug']) if (tag.endsWith(`-${known}`)) tag = tag.slice(0, -(known.length + 1));
    if (variant !== 'default') tag = `${tag}-${variant}`;
  }
  return `${g.hub}/${name}:${tag}`;
}

/**
 * A reference as containerd's CRI looks it up: "istio/ztunnel:T" is docker.io/istio/ztunnel:T, "busybox"
 * docker.io/library/busybox:latest (the distribution reference's normalised name).
 */
export function normalisedRef(ref: string): string {
  const first = ref.split('/')[0];
  const named = !ref.includes('/') ? `docker.io/library/${ref}` : /[.:]/.test(first) || first === 'localhost' ? ref : `docker.io/${ref}`;
  const last = named.slice(named.lastIndexOf('/') + 1);
  return last.includes(':') || last.includes('@') ? named : `${named}:latest`;
}

function containerImage(ds: KubeObject | undefined, container: string): string | undefined {
  return (ds?.spec?.template?.spec?.containers as { name: string; image: string }[] | undefined)?.find((c) => c.name === container)?.image;
}

/** The references Istio's install uses, read from the cluster after `istioctl install`. */
export async function istioImageRefs(
  cluster: KubeCluster,
): Promise<Record<'install-cni' | 'ztunnel' | 'proxyv2' | 'agentgateway', string>> {
  const ds = (name: string) => cluster.get({ apiVersion: 'apps/v1', kind: 'DaemonSet', namespace: 'istio-system', name });
  const cni = containerImage(await ds('istio-cni-node'), 'install-cni');
  const ztunnel = containerImage(await ds('ztunnel'), 'istio-proxy');
  const injector = await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'istio-system', name: 'istio-sidecar-injector' });
  const values = JSON.parse((injector?.data as Record<string, string> | undefined)?.values ?? '{}') as InjectorValues;
  if (!cni || !ztunnel || !values.global?.hub)
    throw new Error('istioctl install left no istio-cni-node or ztunnel DaemonSet, or no injector values: is the profile ambient?');
  // A whole reference in global.agentgateway.image wins (istio-discovery files/agentgateway-waypoint.yaml).
  const agentgateway = values.global.agentgateway?.image?.includes('/')
    ? values.global.agentgateway.image
    : injectedImage(values, 'agentgateway');
  const refs = { 'install-cni': cni, ztunnel, proxyv2: injectedImage(values, 'proxyv2'), agentgateway };
  return Object.fromEntries(Object.entries(refs).map(([k, v]) => [k, normalisedRef(v)])) as typeof refs;
}

/** istioctl --set flags that fit istio-cni to the real node (see the file comment). */
export function istioCniValues(cniBinDir: string, cniConfDir: string, netnsDir: string): string[] {
  return [
    `values.cni.cniBinDir=${cniBinDir}`,
    `values.cni.cniConfDir=${cniConfDir}`,
    // Without symlinks: containerd checks the hostPath's own mount is shared and does not resolve /var/run → /run.
    `values.cni.cniNetnsDir=${netnsDir}`,
  ].flatMap((v) => ['--set', v]);
}

/**
 * The istiod Service without a selector (its Deployment's pod is simulated), and an EndpointSlice
 * naming the local istiod at `address` on each Service port's target port.
 */
export function istiodEndpointSlice(service: KubeObject, address: string): KubeObject {
  const ports = (service.spec?.ports ?? []) as { name?: string; port: number; targetPort?: number | string; protocol?: string }[];
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      name: `${service.metadata.name}-local`,
      namespace: service.metadata.namespace,
      labels: { 'kubernetes.io/service-name': service.metadata.name, 'endpointslice.kubernetes.io/managed-by': MANAGED_BY },
    },
    addressType: 'IPv4',
    endpoints: [{ addresses: [address], conditions: { ready: true } }],
    ports: ports.map((p) => ({
      name: p.name ?? '',
      port: typeof p.targetPort === 'number' ? p.targetPort : p.port,
      protocol: p.protocol ?? 'TCP',
    })),
  };
}

/** istio-cni's /host/proc from `dir` instead of /proc (its chart's cni-host-procfs volume). */
export async function hostProcFrom(kc: k8s.KubeConfig, dir: string): Promise<void> {
  const body = { spec: { template: { spec: { volumes: [{ name: 'cni-host-procfs', hostPath: { path: dir, type: 'Directory' } }] } } } };
  await kc
    .makeApiClient(k8s.AppsV1Api)
    .patchNamespacedDaemonSet(
      { namespace: 'istio-system', name: 'istio-cni-node', body },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
}

const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);

/** Every Service in istio-system that selects istiod's pods (istiod, and istiod-revision-tag-<tag>). */
export async function pointIstiodServicesAt(kc: k8s.KubeConfig, cluster: KubeCluster, address: string): Promise<string[]> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const services = (await cluster.list('v1', 'Service', { namespace: 'istio-system' })).filter((s) => s.spec?.selector?.app === 'istiod');
  for (const svc of services) {
    await core.patchNamespacedService(
      { namespace: 'istio-system', name: svc.metadata.name, body: { spec: { selector: null } } },
      mergePatch,
    );
    await cluster.apply(istiodEndpointSlice({ ...svc, metadata: { ...svc.metadata, namespace: 'istio-system' } }, address));
  }
  return services.map((s) => s.metadata.name);
}

/** Marks the simulated nodes unschedulable: new pods land on the real node only (DaemonSets still place theirs). */
export async function cordonSimulatedNodes(kc: k8s.KubeConfig): Promise<string[]> {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const [key, value] = KWOK_NODE_ANNOTATION.split('=');
  const names = (await core.listNode()).items.filter((n) => n.metadata?.annotations?.[key] === value).map((n) => n.metadata!.name!);
  for (const name of names) await core.patchNode({ name, body: { spec: { unschedulable: true } } }, mergePatch);
  return names;
}

/** ztunnel tolerates every taint; without its image, node affinity keeps it on the simulated nodes. */
export async function keepZtunnelOff(kc: k8s.KubeConfig, nodeLabel: string): Promise<void> {
  const affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: nodeLabel, operator: 'DoesNotExist' }] }],
      },
    },
  };
  await kc
    .makeApiClient(k8s.AppsV1Api)
    .patchNamespacedDaemonSet(
      { namespace: 'istio-system', name: 'ztunnel', body: { spec: { template: { spec: { affinity } } } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch),
    );
}
