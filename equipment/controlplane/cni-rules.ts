/**
 * A stand-in for istio-cni's node agent, which marks a pod `ambient.istio.io/redirection=enabled`
 * once it has redirected the pod's traffic to ztunnel (istio cni/pkg/util/podutil.go), and removes
 * the mark when the pod leaves the mesh. istiod reads the mark to treat the pod as captured.
 *
 * Limits (the one place they are stated): it only writes the annotation. Nothing is redirected,
 * no ztunnel is told, no iptables or nftables rule is written, and pods run nothing anyway
 * (kwok). It marks a pod as soon as it has an IP, where istio-cni marks it after redirection
 * succeeded, so a real "pending" state never shows. Its rules are istio-cni's defaults only
 * (values.yaml ambient.enablementSelectors and excludeNamespaces: kube-system); a cluster that
 * overrides them is not followed.
 */
import type { KubeObject } from '../../harness/cluster/types.ts';

export const REDIRECTION = 'ambient.istio.io/redirection';
const MODE = 'istio.io/dataplane-mode';
const SIDECAR_STATUS = 'sidecar.istio.io/status';
export const EXCLUDED_NAMESPACES = ['kube-system'];

/**
 * istio cni/pkg/util/enablement_selector.go Matches with the default selectors: a pod labelled
 * ambient, or a pod not labelled none in a namespace labelled ambient; never host-network pods or
 * pods with a sidecar; never ztunnel itself (IsZtunnelPod).
 */
export function shouldBeEnrolled(pod: KubeObject, namespaceLabels: Record<string, string>, systemNamespace = 'istio-system'): boolean {
  const labels = pod.metadata.labels ?? {};
  if (pod.spec?.hostNetwork) return false;
  if (pod.metadata.annotations?.[SIDECAR_STATUS] !== undefined) return false;
  if (EXCLUDED_NAMESPACES.includes(pod.metadata.namespace ?? '')) return false;
  if (pod.metadata.namespace === systemNamespace && labels.app === 'ztunnel') return false;
  if (['Succeeded', 'Failed'].includes(pod.status?.phase)) return false;
  if (labels[MODE] === 'ambient') return true;
  return namespaceLabels[MODE] === 'ambient' && labels[MODE] !== 'none';
}

/** The annotation patch to send, or undefined when the pod is already as it should be. */
export function redirectionPatch(
  pod: KubeObject,
  namespaceLabels: Record<string, string>,
  systemNamespace = 'istio-system',
): { [REDIRECTION]: string | null } | undefined {
  const has = pod.metadata.annotations?.[REDIRECTION] === 'enabled';
  // Like istio-cni, act on a pod only once it is set up on its node, i.e. has an IP.
  const want = !!pod.status?.podIP && shouldBeEnrolled(pod, namespaceLabels, systemNamespace);
  if (want === has) return undefined;
  return { [REDIRECTION]: want ? 'enabled' : null };
}
