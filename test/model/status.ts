/**
 * The status istiod writes on policies and mesh routes, from the configuration it has pushed.
 * - AuthorizationPolicy with targetRefs: WaypointAccepted, True "bound to <ns>/<waypoint>" when the
 *   target is a waypoint Gateway or a Service bound to one, else False AncestorNotBound /
 *   TargetNotFound (istio pilot/pkg/serviceregistry/kube/controller/ambient/policies.go,
 *   WaypointPolicyStatusCollection).
 * - AuthorizationPolicy with a selector (or namespace-wide): ZtunnelAccepted, from policy.ts
 *   (istio .../ambient/authorization.go).
 * - HTTPRoute with a Service parent: a status.parents entry per parent with Accepted, ResolvedRefs
 *   and ResolvedWaypoints, whose message says whether a waypoint serves the parent
 *   (istio pilot/pkg/config/kube/gateway/conditions.go createRouteStatus; seen on real istiod 1.31).
 */
import type { Condition, KubeObject } from '../../harness/cluster/types.ts';
import { serviceBinding } from './binding.ts';
import { flavourOf } from './implementations.ts';
import type { MutantName } from './mutations.ts';
import { ztunnelAcceptedCondition } from './policy.ts';
import { keyOf, type Objects } from './store.ts';

interface TargetRef {
  group?: string;
  kind: string;
  name: string;
}

function waypointAccepted(objs: Objects, policy: KubeObject, ref: TargetRef, mut: ReadonlySet<MutantName>): Condition {
  const ns = policy.metadata.namespace!;
  const key = `${ns}/${ref.name}`;
  const cond = (ok: boolean, reason: string, message: string): Condition => ({ type: 'WaypointAccepted', status: ok ? 'True' : 'False', reason, message });
  if (ref.kind === 'Gateway') {
    const gw = objs.get(keyOf({ kind: 'Gateway', namespace: ns, name: ref.name }));
    return flavourOf(gw) ? cond(true, 'Accepted', `bound to ${key}`) : cond(false, 'TargetNotFound', '');
  }
  const svc = objs.get(keyOf({ kind: ref.kind, namespace: ns, name: ref.name }));
  if (!svc) return cond(false, 'TargetNotFound', `${ref.kind} ${key} was not found`);
  const wp = serviceBinding(objs, svc, mut).waypoint;
  if (wp || mut.has('policy-bound-without-waypoint')) {
    return cond(true, 'Accepted', `bound to ${wp ? `${wp.metadata.namespace}/${wp.metadata.name}` : key}`);
  }
  return cond(false, 'AncestorNotBound', `${ref.kind} ${key} is not bound to a waypoint`);
}

export function policyConditions(objs: Objects, policy: KubeObject, mut: ReadonlySet<MutantName>): Condition[] {
  const refs: TargetRef[] = policy.spec?.targetRefs ?? (policy.spec?.targetRef ? [policy.spec.targetRef] : []);
  if (refs.length === 0) {
    const z = mut.has('ztunnel-accepted-never-set') ? undefined : ztunnelAcceptedCondition(policy);
    return z ? [z] : [];
  }
  if (mut.has('policy-status-never-set')) return [];
  const each = refs.map((r) => waypointAccepted(objs, policy, r, mut));
  return [each.find((c) => c.status === 'False') ?? each[0]];
}

/** One status.parents entry per Service parent (mesh routes). */
export function routeParents(objs: Objects, route: KubeObject, mut: ReadonlySet<MutantName>) {
  if (mut.has('route-status-never-set')) return [];
  if (mut.has('grpc-route-status-never-set') && route.kind === 'GRPCRoute') return [];
  const ns = route.metadata.namespace!;
  const parents: { group?: string; kind?: string; name: string; namespace?: string; port?: number }[] = route.spec?.parentRefs ?? [];
  return parents.filter((p) => p.kind === 'Service').map((p) => {
    // A Service parent in another namespace (consumer route) is checked like one in the route's own:
    // istiod's referenceAllowed has no namespace condition for Services (conversion.go).
    const svc = objs.get(keyOf({ kind: 'Service', namespace: p.namespace ?? ns, name: p.name }));
    const accepted: Condition = svc
      ? { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Route was valid' }
      : { type: 'Accepted', status: 'False', reason: 'BackendNotFound', message: `parent service: ${p.name} not found` };
    const bound = svc && (serviceBinding(objs, svc, mut).waypoint || mut.has('route-waypoint-always-resolved'));
    const waypoints: Condition = {
      type: 'ResolvedWaypoints', status: 'True', reason: 'ResolvedWaypoints',
      message: bound ? 'All waypoints resolved' : 'istio.io/use-waypoint label missing from parent and parent namespace; in ambient mode, route will not be respected',
    };
    return {
      parentRef: { group: '', kind: 'Service', name: p.name, ...(p.namespace ? { namespace: p.namespace } : {}), ...(p.port ? { port: p.port } : {}) },
      controllerName: 'istio.io/gateway-controller',
      conditions: [accepted, { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'All references resolved' }, waypoints],
    };
  });
}
