/**
 * The least a run needs (npm run e2e -- --print-rbac): a ClusterRole from a table of what the
 * suite does to which resource, and the ServiceAccount and binding that grant it. For a run on an
 * existing cluster with Istio and the Gateway API already installed (--cluster existing
 * --skip-install): installing them needs cluster-admin. test/unit/platform/rbac.test.ts records every call
 * a run makes through the Cluster interface and holds each to this table, and every fixture kind.
 */
import { stringify } from 'yaml';
import type { KubeObject } from '../cluster/types.ts';

export type Verb = 'get' | 'list' | 'watch' | 'create' | 'patch' | 'delete';

export interface Resource {
  group: string;
  resource: string;
  verbs: Verb[];
  why: string;
}

const READ: Verb[] = ['get', 'list', 'watch'];
/** Server-side apply is a PATCH, and a PATCH that creates the object is also authorized as create. */
const OWN: Verb[] = [...READ, 'create', 'patch', 'delete'];

/** By kind: what the suite does with it, and why. */
export const RESOURCES: Record<string, Resource> = {
  Namespace: { group: '', resource: 'namespaces', verbs: OWN, why: 'the run makes, labels and deletes its own namespaces' },
  ServiceAccount: { group: '', resource: 'serviceaccounts', verbs: OWN, why: 'workload fixtures' },
  Service: { group: '', resource: 'services', verbs: OWN, why: 'workload fixtures; scenarios label them (istio.io/use-waypoint)' },
  ConfigMap: {
    group: '',
    resource: 'configmaps',
    verbs: READ,
    why: 'the mesh config and injector values istiod uses (trust domain, waypoint seccomp)',
  },
  Pod: {
    group: '',
    resource: 'pods',
    verbs: [...READ, 'patch', 'delete'],
    why: 'readiness, enrollment, pod IPs, diagnostics; scenarios label pods',
  },
  Event: { group: '', resource: 'events', verbs: ['list'], why: 'diagnostics of a failed scenario or setup' },
  Node: { group: '', resource: 'nodes', verbs: ['list'], why: "scenarios at once, chosen from the nodes' CPUs" },
  Deployment: {
    group: 'apps',
    resource: 'deployments',
    verbs: OWN,
    why: "workload fixtures; scenarios scale them; istiod's read for its version, revision and --domain",
  },
  Gateway: { group: 'gateway.networking.k8s.io', resource: 'gateways', verbs: OWN, why: 'waypoints and ingress gateways of the scenarios' },
  HTTPRoute: { group: 'gateway.networking.k8s.io', resource: 'httproutes', verbs: OWN, why: 'routing fixtures' },
  GRPCRoute: { group: 'gateway.networking.k8s.io', resource: 'grpcroutes', verbs: OWN, why: 'routing fixtures' },
  GatewayClass: {
    group: 'gateway.networking.k8s.io',
    resource: 'gatewayclasses',
    verbs: READ,
    why: 'the pre-run gate: the class exists and is Accepted',
  },
  AuthorizationPolicy: { group: 'security.istio.io', resource: 'authorizationpolicies', verbs: OWN, why: 'authorization fixtures' },
  VirtualService: { group: 'networking.istio.io', resource: 'virtualservices', verbs: OWN, why: 'routing fixtures (Istio APIs)' },
  DestinationRule: { group: 'networking.istio.io', resource: 'destinationrules', verbs: OWN, why: 'routing fixtures (Istio APIs)' },
  ServiceEntry: {
    group: 'networking.istio.io',
    resource: 'serviceentries',
    verbs: OWN,
    why: 'enrollment fixtures: ServiceEntries bound to a waypoint (egress)',
  },
  WorkloadEntry: {
    group: 'networking.istio.io',
    resource: 'workloadentries',
    verbs: OWN,
    why: 'enrollment fixtures: WorkloadEntries bound to a waypoint (status only)',
  },
  CustomResourceDefinition: {
    group: 'apiextensions.k8s.io',
    resource: 'customresourcedefinitions',
    verbs: ['get'],
    why: 'the Gateway API version and channel, from its CRD',
  },
};

/** Subresources: exec to send requests from the clients, logs for evidence and diagnostics, port-forward for istioctl's dumps. */
export const SUBRESOURCES: Resource[] = [
  // A websocket exec is a GET upgraded; the API server authorizes it as create (and as get before Kubernetes 1.31's change).
  { group: '', resource: 'pods/exec', verbs: ['create', 'get'], why: 'the clients send the scenario traffic with curl' },
  { group: '', resource: 'pods/log', verbs: ['get'], why: "the echo backend's request log (retries), diagnostics" },
  {
    group: '',
    resource: 'pods/portforward',
    verbs: ['create', 'get'],
    why: 'istioctl ztunnel-config, proxy-status and waypoint list in diagnostics',
  },
];

export const RUNNER = { name: 'waypoint-conformance-runner', namespace: 'waypoint-conformance' } as const;

export function clusterRole(): KubeObject {
  const rules = [...Object.values(RESOURCES), ...SUBRESOURCES].map((r) => ({
    apiGroups: [r.group],
    resources: [r.resource],
    verbs: r.verbs,
  }));
  return { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: RUNNER.name }, rules };
}

/** Whether the table lets the run do `verb` to the resource of this kind (or this subresource). */
export function allowed(kind: string, verb: Verb, subresource?: string): boolean {
  if (subresource) return SUBRESOURCES.some((r) => r.resource === `${RESOURCES[kind]?.resource}/${subresource}` && r.verbs.includes(verb));
  return RESOURCES[kind]?.verbs.includes(verb) ?? false;
}

/** The ClusterRole, a ServiceAccount and the binding between them, as YAML to kubectl apply, each rule with its reason. */
export function rbacManifest(): string {
  const header = [
    `# What a run needs on an existing cluster with Istio ambient and the Gateway API installed:`,
    `#   npm run e2e -- --cluster existing --skip-install --kubeconfig <a kubeconfig for ${RUNNER.namespace}/${RUNNER.name}>`,
    `# (installing Istio or the Gateway API CRDs needs cluster-admin). Why each rule:`,
    ...[
      ...Object.entries(RESOURCES).map(([kind, r]) => `#   ${r.resource} (${kind}): ${r.verbs.join(', ')}: ${r.why}`),
      ...SUBRESOURCES.map((r) => `#   ${r.resource}: ${r.verbs.join(', ')}: ${r.why}`),
    ],
  ];
  const docs: KubeObject[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: RUNNER.namespace } },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: RUNNER.name, namespace: RUNNER.namespace } },
    clusterRole(),
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: RUNNER.name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: RUNNER.name },
      subjects: [{ kind: 'ServiceAccount', name: RUNNER.name, namespace: RUNNER.namespace }],
    },
  ];
  return `${header.join('\n')}\n${docs.map((d) => stringify(d)).join('---\n')}`;
}
