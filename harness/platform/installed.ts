/** What is installed in the cluster, read in one place: Istio from istiod's image, Gateway API from its CRD. */
import type { Cluster } from '../cluster/types.ts';

export const GATEWAY_CRD = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'gateways.gateway.networking.k8s.io' };

export interface GatewayApiInstalled {
  version: string;
  channel: string;
}

/** Installed Istio version from istiod's image tag, if istiod runs. */
export async function installedIstio(cluster: Cluster): Promise<string | undefined> {
  const d = await cluster.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'istio-system', name: 'istiod' });
  const image: string | undefined = d?.spec?.template?.spec?.containers?.[0]?.image;
  return image ? /:(\d+\.\d+\.\d+)/.exec(image)?.[1] ?? 'unknown' : undefined;
}

/** The Gateway API bundle version and channel, from the annotations on its CRDs (gateway-api config/crd). */
export async function installedGatewayApi(cluster: Cluster): Promise<GatewayApiInstalled | undefined> {
  const crd = await cluster.get(GATEWAY_CRD);
  if (!crd) return undefined;
  const a = crd.metadata.annotations ?? {};
  return { version: a['gateway.networking.k8s.io/bundle-version'] ?? 'unknown', channel: a['gateway.networking.k8s.io/channel'] ?? 'unknown' };
}
