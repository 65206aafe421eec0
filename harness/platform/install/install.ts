/**
 * Installs what the suite needs, detecting what is already there: MetalLB (kind), the Gateway API
 * CRDs (server-side, until Established) and Istio ambient (istioctl, istio.io docs ambient/install).
 * Only what this run installs is registered for teardown, and it is registered BEFORE the install
 * starts, so an install that fails or is interrupted half-way is undone too.
 */
import { readFileSync } from 'node:fs';
import { execa } from 'execa';
import type { Cluster, KubeObject } from '../../cluster/types.ts';
import { conditionOf } from '../../cluster/types.ts';
import { UserError } from '../../errors.ts';
import { applyAll, markOwned, parseManifests } from '../../manifests/manifests.ts';
import { waitFor, type Timing } from '../../wait.ts';
import { fetchVerified } from '../tools/download.ts';
import { installedGatewayApi, installedIstio, type GatewayApiInstalled } from './installed.ts';
import { ipv4Subnet, poolObjects, poolRange } from './metallb.ts';
import type { Teardown } from '../../undo.ts';
import type { Tool } from '../tools/tools.ts';
import { gatewayApiFor, metallbManifest } from '../../versions/versions.ts';
import { DEFAULT_ISTIO_NAMESPACE, REV_LABEL, WAYPOINT_SECCOMP_SETTING, type MeshHints } from '../../mesh/mesh.ts';

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
  /** Extra istioctl --set values the waypoint class under test needs (istioSettingsFor). */
  istioSettings?: string[];
  /** --istio-namespace and --revision, when given. */
  mesh?: MeshHints;
}

export interface Installed {
  istioVersion: string;
  gatewayApi: GatewayApiInstalled;
}

/** istioctl install on a slow machine pulls images and waits for them; far above what it needs. */
const ISTIOCTL_TIMEOUT_MS = 10 * 60_000;

async function deleteAll(cluster: Cluster, objs: KubeObject[]): Promise<void> {
  for (const o of objs)
    await cluster.delete({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata.name, namespace: o.metadata.namespace });
}

/** namespace undefined: wherever they run (ztunnel and istio-cni may have namespaces of their own). */
async function waitPodsReady(c: InstallContext, namespace: string | undefined, labelSelector: string, what: string): Promise<void> {
  await waitFor(
    what,
    async () => {
      const pods = await c.cluster.list('v1', 'Pod', { ...(namespace ? { namespace } : {}), labelSelector });
      return pods.length > 0 && pods.every((p) => conditionOf(p, 'Ready')?.status === 'True') ? true : undefined;
    },
    c.timing,
  );
}

export async function installMetallb(c: InstallContext): Promise<void> {
  if (await c.cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: 'metallb-system' })) {
    c.log('MetalLB already installed: kept as is');
    return;
  }
  const file = await fetchVerified(metallbManifest());
  const objs = parseManifests(readFileSync(file, 'utf8'), 'metallb-native.yaml');
  c.teardown.add('delete MetalLB', () => deleteAll(c.cluster, [...objs].reverse()));
  await applyAll(c.cluster, objs);
  await waitPodsReady(c, 'metallb-system', 'app=metallb', 'MetalLB pods Ready');
  const inspect = JSON.parse(
    (await execa('docker', ['network', 'inspect', 'kind'], { timeout: 60_000, cancelSignal: c.teardown.signal })).stdout,
  );
  const range = poolRange(ipv4Subnet(inspect));
  await applyAll(
    c.cluster,
    poolObjects(range, {}).map((o) => markOwned(o, c.runId)),
  );
  c.log(`MetalLB pool ${range}`);
}

export async function installGatewayApi(c: InstallContext): Promise<void> {
  if (await installedGatewayApi(c.cluster)) {
    c.log('Gateway API CRDs already installed: kept as is');
    return;
  }
  const pin = gatewayApiFor(c.istioVersion);
  const crds: KubeObject[] = [];
  for (const f of pin.files) crds.push(...parseManifests(readFileSync(await fetchVerified(f), 'utf8'), f.url));
  c.teardown.add('delete the Gateway API CRDs', () => deleteAll(c.cluster, crds));
  await applyAll(c.cluster, crds);
  for (const crd of crds.filter((o) => o.kind === 'CustomResourceDefinition')) {
    await waitFor(
      `CRD ${crd.metadata.name} Established`,
      async () => {
        const got = await c.cluster.get({
          apiVersion: 'apiextensions.k8s.io/v1',
          kind: 'CustomResourceDefinition',
          name: crd.metadata.name,
        });
        return conditionOf(got, 'Established')?.status === 'True' ? true : undefined;
      },
      c.timing,
    );
  }
}

export async function installIstio(c: InstallContext, istioctl: () => Promise<Tool>): Promise<void> {
  const found = await installedIstio(c.cluster, c.mesh);
  if (found) {
    c.log(`Istio ${found} already installed: kept as is`);
  } else {
    const bin = (await istioctl()).path;
    const base = ['--kubeconfig', c.kubeconfig, '--context', c.context];
    c.teardown.add(`uninstall Istio ${c.istioVersion}`, async () => {
      await execa(bin, ['uninstall', ...base, '-y', '--purge'], { timeout: ISTIOCTL_TIMEOUT_MS });
      await c.cluster.delete({ apiVersion: 'v1', kind: 'Namespace', name: 'istio-system' });
    });
    const extra = (c.istioSettings ?? []).flatMap((v) => ['--set', v]);
    await execa(
      bin,
      [
        'install',
        ...base,
        '--set',
        'profile=ambient',
        '--set',
        'meshConfig.accessLogFile=/dev/stdout',
        '--set',
        WAYPOINT_SECCOMP_SETTING,
        ...extra,
        '--skip-confirmation',
      ],
      {
        timeout: ISTIOCTL_TIMEOUT_MS,
        cancelSignal: c.teardown.signal,
      },
    );
  }
  await checkIstioReady(c);
}

/** --skip-install: what the suite needs must already be there. */
export async function checkInstalled(c: InstallContext): Promise<void> {
  if (!(await installedIstio(c.cluster, c.mesh))) {
    throw new UserError(
      `--skip-install: no istiod found (looked in ${c.mesh?.istioNamespace ?? `${DEFAULT_ISTIO_NAMESPACE}, then every namespace`}${c.mesh?.revision ? `, revision ${c.mesh.revision}` : ''})`,
      'drop --skip-install to let the suite install it, or name where istiod runs with --istio-namespace and --revision',
    );
  }
  if (!(await installedGatewayApi(c.cluster)))
    throw new UserError('--skip-install: the Gateway API CRDs are not installed', 'drop --skip-install, or install them first');
  await checkIstioReady(c);
}

/** The versions of what runs in the cluster, whoever installed it. */
export async function readInstalled(cluster: Cluster, hints?: MeshHints): Promise<Installed> {
  return {
    istioVersion: (await installedIstio(cluster, hints)) ?? 'none',
    gatewayApi: (await installedGatewayApi(cluster)) ?? { version: 'none', channel: 'none' },
  };
}

/**
 * istiod, istio-cni and ztunnel Ready: what ambient needs before any workload is enrolled.
 * istio-cni pods carry k8s-app=istio-cni-node (istio manifests/charts/istio-cni/templates/daemonset.yaml).
 */
export async function checkIstioReady(c: InstallContext): Promise<void> {
  const rev = c.mesh?.revision ? `,${REV_LABEL}=${c.mesh.revision}` : '';
  await waitPodsReady(c, c.mesh?.istioNamespace, `app=istiod${rev}`, 'istiod Ready');
  await waitPodsReady(c, undefined, 'k8s-app=istio-cni-node', 'istio-cni Ready');
  await waitPodsReady(c, undefined, 'app=ztunnel', 'ztunnel Ready');
}
