/** What is installed in the cluster, read in one place: Istio from istiod's image, Gateway API from its CRD. */
import type { Cluster } from '../../cluster/types.ts';
import { findIstiod, type MeshHints } from '../../mesh/mesh.ts';

export const GATEWAY_CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  name: 'gateways.gateway.networking.k8s.io',
};

export interface GatewayApiInstalled {
  version: string;
  channel: string;
}

/**
 * The Istio version an istiod image tag names: a release ("1.31.1", "1.31.1-distroless") or a
 * development build ("1.31-dev", "1.31.0-dev", as Istio's build stamps it); 'unknown' otherwise.
 */
export function istioVersionOfImage(image: string): string {
  const m = /:(\d+\.\d+(?:\.\d+)?)(-dev)?(?:-distroless)?(?:@.*)?$/.exec(image);
  if (!m || (!m[2] && !/^\d+\.\d+\.\d+$/.test(m[1]))) return 'unknown';
  return `${m[1]}${m[2] ?? ''}`;
}

/** Installed Istio version from istiod's image tag, if istiod runs (where the hints say, else where it is found). */
export async function installedIstio(cluster: Cluster, hints: MeshHints = {}): Promise<string | undefined> {
  const d = await findIstiod(cluster, hints);
  const image: string | undefined = d?.spec?.template?.spec?.containers?.[0]?.image;
  return image ? istioVersionOfImage(image) : undefined;
}

/** The Gateway API bundle version and channel, from the annotations on its CRDs (gateway-api config/crd). */
export async function installedGatewayApi(cluster: Cluster): Promise<GatewayApiInstalled | undefined> {
  const crd = await cluster.get(GATEWAY_CRD);
  if (!crd) return undefined;
  const a = crd.metadata.annotations ?? {};
  return {
    version: a['gateway.networking.k8s.io/bundle-version'] ?? 'unknown',
    channel: a['gateway.networking.k8s.io/channel'] ?? 'unknown',
  };
}
