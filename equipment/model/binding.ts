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
import { isWaypointService } from './implementations.ts';

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

/** The root namespace of the mesh config (istiod's own namespace unless meshConfig.rootNamespace says otherwise). */
export const ROOT_NAMESPACE = 'istio-system';

/**
 * A Gateway is a waypoint once it has status.addresses, whatever its class (waypoints.go
 * gatewayToWaypointTransform: "ignore Kubernetes Gateways which aren't waypoints" is the empty-address test).
 */
export function asWaypoint(gw: KubeObject | undefined): KubeObject | undefined {
  return gw?.kind === 'Gateway' && (gw.status?.addresses?.length ?? 0) > 0 ? gw : undefined;
}

interface SelectorRequirement { key: string; operator: string; values?: string[] }
interface LabelSelector { matchLabels?: Record<string, string>; matchExpressions?: SelectorRequirement[] }

/** A metav1.LabelSelector as LabelSelectorAsSelector reads it: matchLabels and every matchExpressions operator. */
export function selectorMatches(sel: LabelSelector | undefined, have: Record<string, string>): boolean {
  const exprOk = (e: SelectorRequirement): boolean => {
    const v = have[e.key];
    if (e.operator === 'In') return v !== undefined && (e.values ?? []).includes(v);
    if (e.operator === 'NotIn') return v === undefined || !(e.values ?? []).includes(v);
    if (e.operator === 'Exists') return v !== undefined;
    if (e.operator === 'DoesNotExist') return v === undefined;
    return false;
  };
  return Object.entries(sel?.matchLabels ?? {}).every(([k, v]) => have[k] === v) && (sel?.matchExpressions ?? []).every(exprOk);
}

/**
 * The listener whose allowedRoutes governs attachment: the HBONE listener on port 15008, else none
 * and "Same" (waypoints.go makeAllowedRoutes, makeWaypointSelector; the inbound-binding annotation's
 * listener is not modelled).
 */
function allowsAttachment(gw: KubeObject, fromNs: string, objs: Objects, mut: ReadonlySet<MutantName>): boolean {
  if (mut.has('allowed-routes-ignored') || gw.metadata.namespace === fromNs) return true;
  const listeners: { protocol?: string; port?: number; allowedRoutes?: { namespaces?: { from?: string; selector?: LabelSelector } } }[] = gw.spec?.listeners ?? [];
  const namespaces = listeners.find((l) => l.protocol === 'HBONE' && l.port === 15008)?.allowedRoutes?.namespaces;
  const from = namespaces?.from ?? 'Same';
  if (from === 'All') return true;
  if (from === 'Selector') {
    const selector = mut.has('selector-expressions-ignored') ? { matchLabels: namespaces?.selector?.matchLabels } : namespaces?.selector;
    return selectorMatches(selector, { ...labels(nsObject(objs, fromNs)), 'kubernetes.io/metadata.name': fromNs });
  }
  return false;
}

/** istio.io/waypoint-for on the Gateway, else on its GatewayClass, else "service" (waypoints.go gatewayToWaypointTransform). */
export function trafficType(objs: Objects, gw: KubeObject, mut: ReadonlySet<MutantName>): string {
  if (mut.has('waypoint-for-ignored')) return 'all';
  const cls = objs.get(keyOf({ kind: 'GatewayClass', name: gw.spec?.gatewayClassName ?? '' }));
  return labels(gw)['istio.io/waypoint-for'] ?? labels(cls)['istio.io/waypoint-for'] ?? 'service';
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
  const overrideIgnored = mut.has('cross-namespace-ignored') || (o.kind === 'Pod' && mut.has('pod-waypoint-namespace-ignored'));
  const nsOverride = overrideIgnored ? undefined : l['istio.io/use-waypoint-namespace'];
  return { name: value, namespace: nsOverride ?? fallbackNs };
}

/** The namespace-waypoint-namespace-ignored mutant reads use-waypoint-namespace on Services and pods only. */
function withoutNsOverride(namespace: KubeObject, mut: ReadonlySet<MutantName>): KubeObject {
  if (!mut.has('namespace-waypoint-namespace-ignored')) return namespace;
  const rest = Object.fromEntries(Object.entries(labels(namespace)).filter(([k]) => k !== 'istio.io/use-waypoint-namespace'));
  return { ...namespace, metadata: { ...namespace.metadata, labels: rest } };
}

function resolve(objs: Objects, use: UseWaypoint, fromNs: string, mut: ReadonlySet<MutantName>): Binding {
  const gw = asWaypoint(objs.get(keyOf({ kind: 'Gateway', namespace: use.namespace, name: use.name })));
  if (!gw) {
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
  const inherited = namespace ? useWaypointOf(withoutNsOverride(namespace, mut), ns, mut) : undefined;
  if (!inherited || inherited === 'none') return { own: false };
  return { ...resolve(objs, inherited, ns, mut), own: false };
}

/** `traffic`: the binding the data plane uses; `status`: the one istiod reports. They differ only in mutants. */
export type BindingUse = 'traffic' | 'status';

export function serviceBinding(objs: Objects, svc: KubeObject, mut: ReadonlySet<MutantName>, use: BindingUse = 'status'): Binding {
  // A waypoint's or an east-west gateway's own Service has no waypoint (waypoints.go fetchWaypointForService).
  if (isWaypointService(svc) || labels(svc)['gateway.istio.io/managed'] === 'istio.io-eastwest-controller') return {};
  return withoutFallback(mut, use, (ignoreOwn) => serviceTyped(objs, target(objs, svc, ignoreOwn || mut.has('service-label-ignored'), mut), mut));
}

function serviceTyped(objs: Objects, b: Binding & { own: boolean }, mut: ReadonlySet<MutantName>): Binding & { own: boolean } {
  if (!b.waypoint) return { error: b.error, own: b.own };
  const tt = trafficType(objs, b.waypoint, mut);
  if (tt === 'service' || tt === 'all') return b;
  const wp = `${b.waypoint.metadata.namespace}/${b.waypoint.metadata.name}`;
  return { own: b.own, error: { reason: 'UnsupportedTrafficType', message: `attempting to bind to traffic type "service" which the waypoint "${wp}" does not support` } };
}

export function workloadBinding(objs: Objects, pod: KubeObject, mut: ReadonlySet<MutantName>, use: BindingUse = 'status'): Binding {
  return withoutFallback(mut, use, (ignoreOwn) => workloadTyped(objs, target(objs, pod, ignoreOwn || mut.has('pod-label-ignored'), mut), mut));
}

function workloadTyped(objs: Objects, b: Binding & { own: boolean }, mut: ReadonlySet<MutantName>): Binding & { own: boolean } {
  if (!b.waypoint) return { error: b.error, own: b.own };
  const tt = trafficType(objs, b.waypoint, mut);
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
    // The ingress hint appears only when the label is there, on the Service or its namespace (istio pilot/pkg/model/service.go).
    const ingressLabel = ingressUseWaypointLabel(objs, svc, mut);
    const ingress = ingressLabel.use ? '. Ingress traffic will traverse the waypoint'
      : ingressLabel.present || mut.has('ingress-hint-always') ? '. Ingress traffic is not using the waypoint, set the istio.io/ingress-use-waypoint label to true if desired.'
      : '';
    return { type: 'istio.io/WaypointBound', status: 'True', reason: 'WaypointAccepted', message: `Successfully attached to waypoint ${wp}${ingress}` };
  }
  if (b.error) return { type: 'istio.io/WaypointBound', status: 'False', reason: b.error.reason, message: b.error.message };
  return undefined;
}

/** Go's strconv.ParseBool, which istiod parses ingress-use-waypoint with; anything else is false (with a warning). */
export function parseGoBool(v: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  return undefined;
}

/**
 * istio.io/ingress-use-waypoint on the Service, else on its namespace (istio
 * pilot/pkg/serviceregistry/ambient/services.go ingressUseWaypointFromLabels).
 */
export function ingressUseWaypointLabel(objs: Objects, svc: KubeObject, mut: ReadonlySet<MutantName>): { present: boolean; use: boolean } {
  const own = labels(svc)['istio.io/ingress-use-waypoint'];
  const value = own ?? (mut.has('ingress-namespace-label-ignored') ? undefined : labels(nsObject(objs, svc.metadata.namespace!))['istio.io/ingress-use-waypoint']);
  if (value === undefined) return { present: false, use: false };
  return { present: true, use: mut.has('ingress-label-exact-true') ? value === 'true' : parseGoBool(value) === true };
}
