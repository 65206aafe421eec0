/**
 * The mesh as it runs, read rather than assumed: where istiod lives and which revision it is, the
 * trust domain (and aliases) it issues identities in, and the DNS domain it names services with.
 * An existing cluster need not look like kind's (issue #26): another namespace, a revisioned
 * install, a trust domain other than cluster.local.
 */
import { parse } from 'yaml';
import type { Cluster, KubeObject } from '../cluster/types.ts';
import { UserError } from '../errors.ts';

export const DEFAULT_ISTIO_NAMESPACE = 'istio-system';
export const DEFAULT_TRUST_DOMAIN = 'cluster.local';
export const DEFAULT_DNS_DOMAIN = 'cluster.local';
/** The label of a revisioned control plane and of what it manages (istio pkg/config/constants, label.IoIstioRev). */
export const REV_LABEL = 'istio.io/rev';

export interface MeshFacts {
  istioNamespace: string;
  /** The control plane's revision; undefined for an unrevisioned install ("default"). */
  revision?: string;
  trustDomain: string;
  trustDomainAliases: string[];
  dnsDomain: string;
}

/** What the user said (--istio-namespace, --revision); read from the cluster what they did not. */
export interface MeshHints {
  istioNamespace?: string;
  revision?: string;
}

export const DEFAULT_MESH: MeshFacts = {
  istioNamespace: DEFAULT_ISTIO_NAMESPACE,
  trustDomain: DEFAULT_TRUST_DOMAIN,
  trustDomainAliases: [],
  dnsDomain: DEFAULT_DNS_DOMAIN,
};

/** The revision a label value names: istio's charts label an unrevisioned istiod "default". */
function revisionOf(value: string | undefined): string | undefined {
  return value && value !== 'default' ? value : undefined;
}

/**
 * istiod's Deployment: in the namespace given, else istio-system, else wherever one runs (label
 * app=istiod, istio's charts: manifests/charts/istio-control/istio-discovery/templates/deployment.yaml).
 * With several, the revision must choose.
 */
export async function findIstiod(cluster: Cluster, hints: MeshHints): Promise<KubeObject | undefined> {
  const inNs = async (namespace?: string) =>
    cluster.list('apps/v1', 'Deployment', { ...(namespace ? { namespace } : {}), labelSelector: 'app=istiod' });
  let found = await inNs(hints.istioNamespace ?? DEFAULT_ISTIO_NAMESPACE);
  if (found.length === 0 && !hints.istioNamespace) found = await inNs();
  if (hints.revision) found = found.filter((d) => revisionOf(d.metadata.labels?.[REV_LABEL]) === hints.revision);
  if (found.length > 1) {
    const names = found
      .map((d) => `${d.metadata.namespace}/${d.metadata.name} (${d.metadata.labels?.[REV_LABEL] ?? 'no revision'})`)
      .join(', ');
    throw new UserError(`several istiod control planes run: ${names}`, 'say which one the run uses with --istio-namespace and --revision');
  }
  return found[0];
}

/** `--domain X` or `--domain=X` in istiod's arguments (pilot-discovery's service domain suffix). */
export function domainArg(args: string[]): string | undefined {
  const i = args.indexOf('--domain');
  if (i >= 0) return args[i + 1];
  return args.find((a) => a.startsWith('--domain='))?.slice('--domain='.length);
}

/** trustDomain and trustDomainAliases from the mesh config (the ConfigMap's data.mesh, YAML). */
export function trustOf(meshYaml: string | undefined): { trustDomain: string; trustDomainAliases: string[] } {
  const mesh = (meshYaml ? parse(meshYaml) : undefined) as { trustDomain?: string; trustDomainAliases?: string[] } | null | undefined;
  return { trustDomain: mesh?.trustDomain || DEFAULT_TRUST_DOMAIN, trustDomainAliases: mesh?.trustDomainAliases ?? [] };
}

/**
 * Reads the mesh: istiod (its namespace and revision label), the mesh ConfigMap it uses (`istio`,
 * or `istio-<revision>`: istio-discovery templates/configmap.yaml), the `--domain` it runs with.
 * Where nothing answers (no istiod found), the hints and Istio's defaults.
 */
export async function readMesh(cluster: Cluster, hints: MeshHints = {}): Promise<MeshFacts> {
  const istiod = await findIstiod(cluster, hints);
  const istioNamespace = istiod?.metadata.namespace ?? hints.istioNamespace ?? DEFAULT_ISTIO_NAMESPACE;
  const revision = hints.revision ?? revisionOf(istiod?.metadata.labels?.[REV_LABEL]);
  const cm = await cluster.get({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    namespace: istioNamespace,
    name: revision ? `istio-${revision}` : 'istio',
  });
  const args: string[] = istiod?.spec?.template?.spec?.containers?.[0]?.args ?? [];
  return {
    istioNamespace,
    ...(revision ? { revision } : {}),
    ...trustOf((cm?.data as Record<string, string> | undefined)?.mesh),
    dnsDomain: domainArg(args) ?? DEFAULT_DNS_DOMAIN,
  };
}

/**
 * Istio's configuration APIs, which a revision's validating webhook checks only on objects labelled
 * with that revision (istio manifests/charts/istio-control/istio-discovery/templates/validatingwebhookconfiguration.yaml:
 * rules on these groups, objectSelector istio.io/rev In [revision]); unlabelled config on a mesh with no
 * default revision is validated by nothing. Labelled, it is read by that revision's istiod alone
 * (istio pkg/config/model.go LabelsInRevision).
 */
const ISTIO_CONFIG_GROUPS = new Set(['security.istio.io', 'networking.istio.io', 'telemetry.istio.io', 'extensions.istio.io']);

/** The object, labelled with the mesh's revision when it is Istio configuration on a revisioned mesh. */
export function forRevision(obj: KubeObject, revision: string | undefined): KubeObject {
  if (!revision || !ISTIO_CONFIG_GROUPS.has(obj.apiVersion.split('/')[0])) return obj;
  return { ...obj, metadata: { ...obj.metadata, labels: { ...obj.metadata.labels, [REV_LABEL]: revision } } };
}

/** One line for the log and the plan. */
export function meshLine(m: MeshFacts): string {
  const aliases = m.trustDomainAliases.length ? ` (aliases ${m.trustDomainAliases.join(', ')})` : '';
  return `mesh: istiod in ${m.istioNamespace}${m.revision ? `, revision ${m.revision}` : ', unrevisioned'}; trust domain ${m.trustDomain}${aliases}; DNS domain ${m.dnsDomain}`;
}

/**
 * How the suite installs Istio so that a namespace enforcing Pod Security restricted admits the
 * waypoints istiod deploys: Istio's waypoint template gives its container no seccompProfile unless
 * this value is set (istio manifests/charts/istio-control/istio-discovery/files/waypoint.yaml,
 * values.yaml `gateways.seccompProfile: {}`), and restricted requires one.
 */
export const WAYPOINT_SECCOMP_SETTING = 'values.gateways.seccompProfile.type=RuntimeDefault';

/**
 * The seccomp profile istiod gives the waypoints it deploys: from the values its injector
 * ConfigMap carries (istio-sidecar-injector[-<revision>], data.values, JSON: templates/istiod-injector-configmap.yaml).
 * 'unknown' when that ConfigMap is absent (another installer, another implementation).
 */
export async function waypointSeccomp(cluster: Cluster, mesh: MeshFacts): Promise<string | undefined | 'unknown'> {
  const name = mesh.revision ? `istio-sidecar-injector-${mesh.revision}` : 'istio-sidecar-injector';
  const cm = await cluster.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: mesh.istioNamespace, name });
  const values = (cm?.data as Record<string, string> | undefined)?.values;
  if (!values) return 'unknown';
  return (JSON.parse(values) as { gateways?: { seccompProfile?: { type?: string } } }).gateways?.seccompProfile?.type;
}

/** A run enforcing restricted on a mesh whose waypoints would be refused: the problem and its fix. */
export async function checkWaypointsAdmitted(cluster: Cluster, mesh: MeshFacts, level: 'baseline' | 'restricted'): Promise<void> {
  if (level !== 'restricted') return;
  const type = await waypointSeccomp(cluster, mesh);
  if (type === 'unknown' || type === 'RuntimeDefault' || type === 'Localhost') return;
  throw new UserError(
    `Pod Security restricted: istiod deploys waypoints without a seccompProfile (its values gateways.seccompProfile is ${type ?? 'empty'}), so the run's namespaces would refuse every waypoint pod`,
    `install Istio with --set ${WAYPOINT_SECCOMP_SETTING}, or run with --pod-security baseline`,
  );
}
