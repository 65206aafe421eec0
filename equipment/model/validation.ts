/**
 * What the API server and istiod's webhook refuse, for the invalid configurations the catalogue
 * applies. Messages as real Kubernetes 1.36 + istiod 1.31 answered them: the AuthorizationPolicy
 * CRD's CEL rules (istio manifests/charts/base CRDs) and istiod's validation webhook
 * (istio pkg/config/validation: "empty domain name not allowed").
 */
import type { KubeObject } from '../../harness/cluster/types.ts';

function invalid(o: KubeObject, field: string, message: string): string {
  return `${o.kind}.${o.apiVersion.split('/')[0]} "${o.metadata.name}" is invalid: ${field}: Invalid value: ${message}`;
}

export function refusal(o: KubeObject): string | undefined {
  if (o.kind === 'AuthorizationPolicy') {
    const refs: { namespace?: string }[] = o.spec?.targetRefs ?? [];
    if (o.spec?.selector && refs.length > 0) return invalid(o, 'spec', '"object": only one of targetRefs or selector can be set');
    const i = refs.findIndex((r) => r.namespace !== undefined && r.namespace !== o.metadata.namespace);
    if (i >= 0) return invalid(o, `spec.targetRefs[${i}].namespace`, `"${refs[i].namespace}": cross namespace referencing is not currently supported`);
  }
  if (o.kind === 'VirtualService') {
    const hosts = (o.spec?.http ?? []).flatMap((h: { route?: { destination?: { host?: string } }[] }) => (h.route ?? []).map((r) => r.destination?.host));
    if (hosts.some((h: string | undefined) => !h)) {
      return 'admission webhook "validation.istio.io" denied the request: configuration is invalid: empty domain name not allowed';
    }
  }
  return undefined;
}
