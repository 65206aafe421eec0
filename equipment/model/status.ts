/**
 * The status istiod writes on policies and mesh routes, from the configuration it has pushed.
 * - AuthorizationPolicy with targetRefs: WaypointAccepted, True "bound to <ns>/<waypoint>" when the
 *   target is a waypoint Gateway, a Service or ServiceEntry bound to one, or (from the root namespace)
 *   a waypoint GatewayClass; else False AncestorNotBound / TargetNotFound / Invalid; several targets
 *   flattened into one condition (istio pilot/pkg/serviceregistry/ambient/policies.go
 *   WaypointPolicyStatusCollection, pilot/pkg/model/service.go flattenConditions).
 * - AuthorizationPolicy with a selector (or namespace-wide): ZtunnelAccepted, from policy.ts
 *   (istio .../ambient/authorization.go).
 * - HTTPRoute with a Service parent: a status.parents entry per parent with Accepted, ResolvedRefs
 *   and ResolvedWaypoints, whose message says whether a use-waypoint label is configured for the parent
 *   (istio pilot/pkg/config/kube/gateway/conditions.go createRouteStatus; seen on real istiod 1.31).
 */
import type { Condition, KubeObject } from '../../harness/cluster/types.ts';
import { asWaypoint, ROOT_NAMESPACE, serviceBinding, waypointBoundCondition, workloadBinding } from './binding.ts';
import type { MutantName } from './mutations.ts';
import { ztunnelAcceptedCondition } from './policy.ts';
import { keyOf, type Objects } from './store.ts';

interface TargetRef {
  group?: string;
  kind: string;
  name: string;
  namespace?: string;
}

interface Binding {
  bound: boolean;
  reason: string;
  message: string;
  ancestor: string;
}

/**
 * One targetRef's binding, as istio pilot/pkg/serviceregistry/ambient/policies.go
 * WaypointPolicyStatusCollection computes it: defaults reason "unknown", message "not bound".
 */
function bindingOf(objs: Objects, policy: KubeObject, ref: TargetRef, mut: ReadonlySet<MutantName>): Binding {
  const ns = ref.namespace || policy.metadata.namespace!;
  const key = `${ns}/${ref.name}`;
  const ancestor = `${ref.kind}.${ref.group || 'core'}:${key}`;
  const b = (bound: boolean, reason: string, message: string): Binding => ({ bound, reason, message, ancestor });
  if (ref.kind === 'GatewayClass') {
    if (ns !== ROOT_NAMESPACE && !mut.has('gatewayclass-policy-any-namespace')) return b(false, 'Invalid', `AuthorizationPolicy must be in the root namespace \`${ROOT_NAMESPACE}\` when referencing a GatewayClass`);
    const cls = objs.get(keyOf({ kind: 'GatewayClass', name: ref.name }));
    if (!cls) return b(false, 'TargetNotFound', 'not bound');
    if (cls.spec?.controllerName !== 'istio.io/mesh-controller') return b(false, 'Invalid', 'GatewayClass must use controller name `istio.io/mesh-controller` for waypoints');
    return b(true, 'Accepted', `bound to ${ref.name}`);
  }
  if (ref.kind === 'Gateway') {
    return asWaypoint(objs.get(keyOf({ kind: 'Gateway', namespace: ns, name: ref.name }))) ? b(true, 'Accepted', `bound to ${key}`) : b(false, 'TargetNotFound', 'not bound');
  }
  if (ref.kind !== 'Service' && ref.kind !== 'ServiceEntry') return b(false, 'unknown', 'not bound');
  const svc = objs.get(keyOf({ kind: ref.kind, namespace: ns, name: ref.name }));
  if (!svc) return b(false, 'TargetNotFound', `${ref.kind} ${key} was not found`);
  const wp = serviceBinding(objs, svc, mut).waypoint;
  if (wp || mut.has('policy-bound-without-waypoint')) return b(true, 'Accepted', `bound to ${wp ? `${wp.metadata.namespace}/${wp.metadata.name}` : key}`);
  return b(false, 'AncestorNotBound', `${ref.kind} ${key} is not bound to a waypoint`);
}

/**
 * The one WaypointAccepted condition of a policy (istio pilot/pkg/model/service.go flattenConditions):
 * one target keeps its own reason and message; several give True when any is bound, reason Accepted,
 * PartiallyInvalid or Invalid, and "Invalid targetRefs: <kind>.<group>:<ns>/<name>, ..." naming the
 * unbound ones (empty when all are bound).
 */
function flatten(bindings: Binding[], mut: ReadonlySet<MutantName>): Condition {
  const cond = (ok: boolean, reason: string, message: string): Condition => ({ type: 'WaypointAccepted', status: ok ? 'True' : 'False', reason, message });
  if (bindings.length === 1 || mut.has('multi-target-first-only')) return cond(bindings[0].bound, bindings[0].reason, bindings[0].message);
  const unbound = bindings.filter((x) => !x.bound).map((x) => x.ancestor);
  const any = bindings.some((x) => x.bound);
  const reason = !any ? 'Invalid' : unbound.length > 0 ? 'PartiallyInvalid' : 'Accepted';
  return cond(any, reason, unbound.length > 0 ? `Invalid targetRefs: ${unbound.join(', ')}` : '');
}

export function policyConditions(objs: Objects, policy: KubeObject, mut: ReadonlySet<MutantName>): Condition[] {
  const refs: TargetRef[] = policy.spec?.targetRefs ?? (policy.spec?.targetRef ? [policy.spec.targetRef] : []);
  const z = mut.has('ztunnel-accepted-never-set') ? undefined : ztunnelAcceptedCondition(policy);
  const ztunnel = z ? [z] : [];
  if (refs.length === 0) return ztunnel;
  if (mut.has('policy-status-never-set')) return ztunnel;
  return [...ztunnel, flatten(refs.map((r) => bindingOf(objs, policy, r, mut)), mut)];
}

/** A use-waypoint label that names a waypoint: present, non-empty, not "none" (case-insensitive) (istio conversion.go waypointConfigured). */
function waypointConfigured(o: KubeObject | undefined): boolean {
  const v = o?.metadata.labels?.['istio.io/use-waypoint'];
  return v !== undefined && v !== '' && v.toLowerCase() !== 'none';
}

/**
 * ResolvedWaypoints only asks whether a use-waypoint label is configured on the parent, else on the
 * parent's namespace (a missing namespace counts as configured), not whether the named waypoint exists
 * or admits the parent (istio pilot/pkg/config/kube/gateway/conversion.go referenceAllowed).
 */
function parentWaypointConfigured(objs: Objects, parent: KubeObject, mut: ReadonlySet<MutantName>): boolean {
  if (mut.has('route-waypoint-from-binding')) return serviceBinding(objs, parent, mut).waypoint !== undefined;
  if (mut.has('route-waypoint-always-resolved') || waypointConfigured(parent)) return true;
  const ns = objs.get(keyOf({ kind: 'Namespace', name: parent.metadata.namespace! }));
  return !ns || waypointConfigured(ns);
}

/**
 * ResolvedRefs: False BackendNotFound `backend(<name>.<ns>.svc.cluster.local) not found` for the first
 * backendRef to a Service that does not exist (istio pilot/pkg/config/kube/gateway/conversion.go
 * buildDestination: InvalidDestinationNotFound), else True "All references resolved".
 */
function resolvedRefs(objs: Objects, route: KubeObject, mut: ReadonlySet<MutantName>): Condition {
  const refs: { group?: string; kind?: string; name: string; namespace?: string }[] =
    (route.spec?.rules ?? []).flatMap((r: { backendRefs?: unknown[] }) => r.backendRefs ?? []);
  const missing = mut.has('missing-backend-resolved') ? undefined : refs.find((b) => (b.kind ?? 'Service') === 'Service' && !b.group &&
    !objs.get(keyOf({ kind: 'Service', namespace: b.namespace ?? route.metadata.namespace, name: b.name })));
  if (!missing) return { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'All references resolved' };
  const host = `${missing.name}.${missing.namespace ?? route.metadata.namespace}.svc.cluster.local`;
  return { type: 'ResolvedRefs', status: 'False', reason: 'BackendNotFound', message: `backend(${host}) not found` };
}

const PARENT_KINDS = new Map([['Service', 'parent service'], ['ServiceEntry', 'parent service entry']]);

/**
 * One status.parents entry per Service or ServiceEntry parent (mesh routes): a missing parent is
 * Accepted False NoMatchingParent `parent service: "<name>" not found` with ResolvedWaypoints
 * "parent not found" (istio conversion.go referenceAllowed, conditions.go createRouteStatus).
 */
export function routeParents(objs: Objects, route: KubeObject, mut: ReadonlySet<MutantName>) {
  if (mut.has('route-status-never-set')) return [];
  if (mut.has('grpc-route-status-never-set') && route.kind === 'GRPCRoute') return [];
  const ns = route.metadata.namespace!;
  const parents: { group?: string; kind?: string; name: string; namespace?: string; port?: number }[] = route.spec?.parentRefs ?? [];
  return parents.filter((p) => PARENT_KINDS.has(p.kind ?? '')).map((p) => {
    // A Service parent in another namespace (consumer route) is checked like one in the route's own:
    // istiod's referenceAllowed has no namespace condition for Services (conversion.go).
    const parent = objs.get(keyOf({ kind: p.kind!, namespace: p.namespace ?? ns, name: p.name }));
    const accepted: Condition = parent
      ? { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Route was valid' }
      : { type: 'Accepted', status: 'False', reason: 'NoMatchingParent', message: `${PARENT_KINDS.get(p.kind!)}: "${p.name}" not found` };
    const message = !parent ? 'parent not found'
      : parentWaypointConfigured(objs, parent, mut) ? 'All waypoints resolved'
      : 'istio.io/use-waypoint label missing from parent and parent namespace; in ambient mode, route will not be respected';
    const waypoints: Condition = { type: 'ResolvedWaypoints', status: 'True', reason: 'ResolvedWaypoints', message };
    const group = p.kind === 'Service' ? '' : (p.group ?? 'networking.istio.io');
    return {
      parentRef: { group, kind: p.kind, name: p.name, ...(p.namespace ? { namespace: p.namespace } : {}), ...(p.port ? { port: p.port } : {}) },
      controllerName: 'istio.io/gateway-controller',
      conditions: [accepted, resolvedRefs(objs, route, mut), waypoints],
    };
  });
}

/**
 * The conditions istiod writes on a ServiceEntry (istio pilot/pkg/model/service.go ServiceInfo.GetConditions,
 * written by pilot/pkg/serviceregistry/ambient/ambientindex.go "istio-ambient-service"): WaypointBound as on a
 * Service (ingress hint included), and without a waypoint WaypointMissing True, reason
 * NoWaypointForWildcardService for a wildcard host, NoWaypointForRacingConnectStrategy for the annotation
 * istio.io/connect-strategy=RACE_FIRST_TCP_CONNECT (case-insensitive; it wins when both apply).
 */
export function serviceEntryConditions(objs: Objects, se: KubeObject, mut: ReadonlySet<MutantName>): Condition[] {
  const bound = waypointBoundCondition(objs, se, mut);
  const out: Condition[] = bound && !mut.has('serviceentry-bound-never-set') ? [bound] : [];
  if (bound?.status === 'True') return out;
  const racing = (se.metadata.annotations?.['istio.io/connect-strategy'] ?? '').toUpperCase() === 'RACE_FIRST_TCP_CONNECT';
  const wildcard = (se.spec?.hosts ?? []).some((h: string) => h.startsWith('*'));
  const missing = (reason: string, message: string): Condition => ({ type: 'istio.io/WaypointMissing', status: 'True', reason, message });
  if (racing) {
    out.push(missing('NoWaypointForRacingConnectStrategy', 'ServiceEntry has a non-default connect strategy but no waypoint bound. ' +
      'A waypoint is required for connect strategies to take effect for ambient clients.'));
  } else if (wildcard) {
    out.push(missing('NoWaypointForWildcardService', 'ServiceEntry will not apply until it is bound to a valid waypoint.'));
  }
  return out;
}

/**
 * WaypointBound on a WorkloadEntry (istio pilot/pkg/model/service.go WorkloadInfo.GetConditions, written by
 * ambientindex.go "istio-ambient-workloadentry"): bound to its workload waypoint, with no ingress hint, or
 * the binding's error (traffic type "workload" when its own label names a service-only waypoint).
 */
export function workloadEntryConditions(objs: Objects, we: KubeObject, mut: ReadonlySet<MutantName>): Condition[] {
  const b = mut.has('workloadentry-as-service') ? serviceBinding(objs, we, mut) : workloadBinding(objs, we, mut);
  if (b.waypoint) {
    return [{ type: 'istio.io/WaypointBound', status: 'True', reason: 'WaypointAccepted', message: `Successfully attached to waypoint ${b.waypoint.metadata.namespace}/${b.waypoint.metadata.name}` }];
  }
  return b.error ? [{ type: 'istio.io/WaypointBound', status: 'False', reason: b.error.reason, message: b.error.message }] : [];
}
