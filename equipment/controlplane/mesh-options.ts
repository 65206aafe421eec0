/**
 * How `npm run controlplane -- up` shapes the mesh it installs, for proving the suite on a mesh not
 * shaped like kind's (issue #26): a trust domain other than cluster.local, a revisioned istiod, and
 * istiod in a namespace other than istio-system. Each becomes an `istioctl install --set`.
 */
import { UserError } from '../../harness/errors.ts';
import { DEFAULT_ISTIO_NAMESPACE, DEFAULT_TRUST_DOMAIN } from '../../harness/mesh/mesh.ts';

export interface MeshShape {
  trustDomain?: string;
  revision?: string;
  istioNamespace?: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A trust domain as a DNS name: lowercase labels joined by dots (what SPIFFE IDs and Istio's principals carry). */
export function parseTrustDomain(value: string): string {
  if (value.length > 253 || !value.split('.').every((l) => l.length <= 63 && DNS_LABEL.test(l))) {
    throw new UserError(
      `--trust-domain ${JSON.stringify(value)} is not a DNS name`,
      'give lowercase letters, digits and hyphens in dot-separated labels, e.g. --trust-domain corp.example',
    );
  }
  return value;
}

/**
 * A revision names istiod's Deployment and Service `istiod-<revision>` (istio manifests/charts/istio-control/
 * istio-discovery/templates/service.yaml), so it is a DNS label short enough for a Service name (63).
 * "default" is the unrevisioned install's name for itself.
 */
export function parseRevision(value: string): string {
  if (value === 'default')
    throw new UserError(
      '--revision default is the unrevisioned install',
      'drop --revision for it, or name another revision, e.g. --revision canary',
    );
  if (value.length > 56 || !DNS_LABEL.test(value)) {
    throw new UserError(
      `--revision ${JSON.stringify(value)} is not a DNS label of at most 56 characters (istiod's Service is istiod-<revision>)`,
      'give lowercase letters, digits and hyphens, e.g. --revision canary',
    );
  }
  return value;
}

export function parseNamespace(value: string): string {
  if (value.length > 63 || !DNS_LABEL.test(value)) {
    throw new UserError(
      `--istio-namespace ${JSON.stringify(value)} is not a namespace name`,
      'give a DNS label: lowercase letters, digits and hyphens, e.g. --istio-namespace istio-control',
    );
  }
  return value;
}

/** The istioctl install settings for the shape; none for Istio's defaults. */
export function meshSettings(m: MeshShape): string[] {
  const sets: string[] = [];
  if (m.trustDomain && m.trustDomain !== DEFAULT_TRUST_DOMAIN) sets.push(`meshConfig.trustDomain=${m.trustDomain}`);
  if (m.revision) sets.push(`revision=${m.revision}`);
  if (m.istioNamespace && m.istioNamespace !== DEFAULT_ISTIO_NAMESPACE) sets.push(`values.global.istioNamespace=${m.istioNamespace}`);
  return sets.flatMap((s) => ['--set', s]);
}

/** The label selector of the installed istiod's pods and Deployment (istio-discovery templates/deployment.yaml labels). */
export function istiodSelector(m: MeshShape): string {
  return `app=istiod${m.revision ? `,istio.io/rev=${m.revision}` : ''}`;
}
