/**
 * The setup phases of an e2e run, each a bounded progress step: bring the cluster up (kind or the
 * user's), install what is missing (or check it is there with --skip-install).
 */
import type { SetupOptions } from './options.ts';
import { bringUpKind, kindPreflight, useExisting, type ClusterAccess } from './cluster/bringup.ts';
import { withDeadline } from './install/deadline.ts';
import { checkInstalled, installGatewayApi, installIstio, installMetallb, type InstallContext } from './install/install.ts';
import type { Teardown } from '../undo.ts';
import type { Tool } from './tools/tools.ts';

export type Step = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/** Checked before any download or change: the kubeconfig and its context, or Docker for kind. */
export async function bringUp(
  o: SetupOptions & { kindTool?: Tool },
  step: Step,
  log: (line: string) => void,
  teardown: Teardown,
): Promise<ClusterAccess> {
  if (o.cluster === 'existing') return step('kubeconfig and context', async () => useExisting(o, teardown));
  await step('Docker reachable, with the resources kind needs', kindPreflight);
  return bringUpKind(o, { teardown, step, log });
}

/** Each install step is bounded as a whole: a request the API server never answers cannot hang the run. */
const INSTALL_DEADLINE_MS = 20 * 60_000;

export async function install(o: SetupOptions, ictx: InstallContext, progressStep: Step, istioctl: () => Promise<Tool>): Promise<void> {
  const step = (name: string, fn: () => Promise<void>) => progressStep(name, () => withDeadline(name, INSTALL_DEADLINE_MS, fn));
  if (o.skipInstall) {
    await step('Gateway API CRDs, istiod, istio-cni and ztunnel present and ready', () => checkInstalled(ictx));
    return;
  }
  if (o.cluster === 'kind') await step('MetalLB', () => installMetallb(ictx));
  await step('Gateway API CRDs', () => installGatewayApi(ictx));
  await step(`Istio ${o.istioVersion} ambient`, () => installIstio(ictx, istioctl));
}
