/**
 * Which waypoint serves a Service or a Pod, after istio pilot/pkg/serviceregistry/ambient/waypoints.go:
 * the object's own istio.io/use-waypoint label (value "none" opts out), else its namespace's; the
 * waypoint's namespace from istio.io/use-waypoint-namespace; a waypoint that is not ready
 * (no address yet, or absent) is reported WaypointIsNotReady; allowedRoutes must admit the
 * namespace; istio.io/waypoint-for (default "service") must include the traffic type. For a pod
 * that only inherits a service waypoint from its namespace, that is no error and no waypoint.
 */
import type { KubeObject } from '../../harness/cluster/types.ts';
import type { MutantName } from './mutations.ts';
import { keyOf, type Objects } from './store.ts';
import { flavourOf, isWaypointService } from './implementations.ts';

export interface Binding {
  waypoint?: KubeObject;
  error?: { reason: string; message: string };
}

function labels(o: KubeObject | undefined): Record<string, string> {
  return o?.metadata.labels ?? {};
}

function nsObject(objs: Objects, ns: string): KubeObject | undefined {
  return objs.get(keyOf({ kind: 'Namespace', name: ns }));
}

function allowsAttachment(gw: KubeObject, fromNs: string, objs: Objects, mut: ReadonlySet<MutantName>): boolean {
  if (mut.has('allowed-routes-ignored') || gw.metadata.namespace === fromNs) return true;
  const from = gw.spec?.listeners?.[0]?.allowedRoutes?.namespaces?.from ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Selector') {
    const want: Record<string, string> = gw.spec.listeners[0].allowedRoutes.namespaces.selector?.matchLabels ?? {};
    const have: Record<string, string> = { ...labels(nsObject(objs, fromNs)), 'kubernetes.io/metadata.name': fromNs };
    return Object.entries(want).every(([k, v]) => have[k] === v);
  }
  return false;
}

export function trafficType(gw: KubeObject, mut: ReadonlySet<MutantName>): string {
  if (mut.has('waypoint-for-ignored')) return 'all';
  return labels(gw)['istio.io/waypoint-for'] ?? 'service';
}

interface UseWaypoint {
  name: string;
  namespace: string;
}

function useWaypointOf(o: KubeObject, fallbackNs: string, mut: ReadonlySet<MutantName>): UseWaypoint | 'none' | undefined {
  const l = labels(o);
  const value = l['istio.io/use-waypoint'];
  if (value === undefined) return undefined;
  if (value === 'none') return mut.has('opt-out-ignored') ? undefined : 'none';
  const nsOverride = mut.has('cross-namespace-ignored') ? undefined : l['istio.io/use-waypoint-namespace'];
  return { name: value, namespace: nsOverride ?? fallbackNs };
}

function resolve(objs: Objects, use: UseWaypoint, fromNs: string, mut: ReadonlySet<MutantName>): Binding {
  const gw = objs.get(keyOf({ kind: 'Gateway', namespace: use.namespace, name: use.name }));
  const ready = gw && flavourOf(gw) && (gw.status?.addresses?.length ?? 0) > 0;
  if (!ready) {
    return { error: { reason: 'WaypointIsNotReady', message: `waypoint "${use.namespace}/${use.name}" is not ready` } };
  }
  if (!allowsAttachment(gw, fromNs, objs, mut)) {
    return { error: { reason: 'AttachmentDenied', message: `we are not permitted to attach to waypoint "${use.namespace}/${use.name}" (missing allowedRoutes?)` } };
  }
  return { waypoint: gw };
}

function target(objs: Objects, o: KubeObject, ownLabelIgnored: boolean, mut: ReadonlySet<MutantName>): Binding & { own: boolean } {
  const ns = o.metadata.namespace!;
  const own = ownLabelIgnored ? undefined : useWaypointOf(o, ns, mut);
  if (own === 'none') return { own: true };
  if (own) return { ...resolve(objs, own, ns, mut), own: true };
  const namespace = nsObject(objs, ns);
  const inherited = namespace ? useWaypointOf(namespace, ns, mut) : undefined;
  if (!inherited || inherited === 'none') return { own: false };
  return { ...resolve(objs, inherited, ns, mut), own: false };
}

/** `traffic`: the binding the data plane uses; `status`: the one istiod reports. They differ only in mutants. */
export type BindingUse = 'traffic' | 'status';

export function serviceBinding(objs: Objects, svc: KubeObject, mut: ReadonlySet<MutantName>, use: BindingUse = 'status'): Binding {
  if (isWaypointService(svc)) return {};
  return withoutFallback(mut, use, (ignoreOwn) => serviceTyped(target(objs, svc, ignoreOwn || mut.has('service-label-ignored'), mut), mut));
}

function serviceTyped(b: Binding & { own: boolean }, mut: ReadonlySet<MutantName>): Binding & { own: boolean } {
  if (!b.waypoint) return { error: b.error, own: b.own };
  const tt = trafficType(b.waypoint, mut);
  if (tt === 'service' || tt === 'all') return b;
  const wp = `${b.waypoint.metadata.namespace}/${b.waypoint.metadata.name}`;
  return { own: b.own, error: { reason: 'UnsupportedTrafficType', message: `attempting to bind to traffic type "service" which the waypoint "${wp}" does not support` } };
}

export function workloadBinding(objs: Objects, pod: KubeObject, mut: ReadonlySet<MutantName>, use: BindingUse = 'status'): Binding {
  return withoutFallback(mut, use, (ignoreOwn) => workloadTyped(target(objs, pod, ignoreOwn || mut.has('pod-label-ignored'), mut), mut));
}

function workloadTyped(b: Binding & { own: boolean }, mut: ReadonlySet<MutantName>): Binding & { own: boolean } {
  if (!b.waypoint) return { error: b.error, own: b.own };
  const tt = trafficType(b.waypoint, mut);
  if (tt === 'workload' || tt === 'all') return b;
  if (!b.own) return { own: false };
  const wp = `${b.waypoint.metadata.namespace}/${b.waypoint.metadata.name}`;
  return { own: true, error: { reason: 'UnsupportedTrafficType', message: `attempting to bind to traffic type "workload" which the waypoint "${wp}" does not support` } };
}

/**
 * An object's own use-waypoint that cannot be used (missing, not permitted, wrong traffic type)
 * leaves it without a waypoint: istiod never falls back to the namespace's label
 * (fetchWaypointForTarget returns on the object's own label). The mutant's data plane falls back
 * while istiod still reports the error, which only traffic checks can catch.
 */
function withoutFallback(mut: ReadonlySet<MutantName>, use: BindingUse, bind: (ignoreOwn: boolean) => Binding & { own: boolean }): Binding {
  const b = bind(false);
  if (use === 'traffic' && b.own && b.error && mut.has('namespace-waypoint-fallback')) return strip(bind(true));
  return strip(b);
}

function strip(b: Binding & { own: boolean }): Binding {
  return b.waypoint ? { waypoint: b.waypoint } : b.error ? { error: b.error } : {};
}

/** The condition istiod writes on a Service (istio pilot/pkg/serviceregistry/ambient/status.go). */
export function waypointBoundCondition(objs: Objects, svc: KubeObject, mut: ReadonlySet<MutantName>) {
  const b = serviceBinding(objs, svc, mut);
  if (b.waypoint) {
    const wp = `${b.waypoint.metadata.namespace}/${b.waypoint.metadata.name}`;
    // The ingress hint appears only when the label is there (istio pilot/pkg/model/service.go).
    const ingressLabel = labels(svc)['istio.io/ingress-use-waypoint'];
    const ingress = ingressLabel === 'true' ? '. Ingress traffic will traverse the waypoint'
      : ingressLabel !== undefined || mut.has('ingress-hint-always') ? '. Ingress traffic is not using the waypoint, set the istio.io/ingress-use-waypoint label to true if desired.'
      : '';
    return { type: 'istio.io/WaypointBound', status: 'True', reason: 'WaypointAccepted', message: `Successfully attached to waypoint ${wp}${ingress}` };
  }
  if (b.error) return { type: 'istio.io/WaypointBound', status: 'False', reason: b.error.reason, message: b.error.message };
  return undefined;
}
