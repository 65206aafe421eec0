/**
 * The catalogue's own words: facts about the fixtures (the echo port, the backends a body names) and
 * Istio's vocabulary for what its controllers write (conditions, reasons and messages, each citing
 * where istiod writes it). Generic verbs are harness/record/builders.ts.
 */
import type { Action, BackendMarker, Destination, LabelTarget, NsRole } from '../harness/scenario/types.ts';
import type { ConditionExpectation } from '../harness/checks/condition.ts';
import type { GoneExpectation } from '../harness/checks/gone.ts';
import type { MetricExpectation } from '../harness/checks/metric.ts';
import type { Expectation } from '../harness/checks/registry.ts';
import { ECHO_POD_FIELD } from '../harness/traffic/response-markers.ts';
import { label, gone } from '../harness/record/builders.ts';

export const ECHO_PORT = 8080;

export const BOOKINFO_PORT = 9080;

export const svc = (name: string, opts: { ns?: NsRole; port?: number; path?: string } = {}): Destination => ({
  kind: 'service',
  ns: opts.ns ?? 'app',
  name,
  port: opts.port ?? ECHO_PORT,
  path: opts.path ?? '/',
});

export const podIP = (deployment: string, opts: { ns?: NsRole; port?: number; path?: string } = {}): Destination => ({
  kind: 'pod',
  ns: opts.ns ?? 'app',
  deployment,
  port: opts.port ?? ECHO_PORT,
  path: opts.path ?? '/',
});

/**
 * A ServiceEntry host: ztunnel's DNS proxy answers it with the ServiceEntry's address (istio
 * manifests/charts/istio-cni/values.yaml ambient.dnsCapture; the address istiod auto-allocates,
 * pilot/pkg/features/pilot.go PILOT_ENABLE_IP_AUTOALLOCATE; both on by default in ambient since Istio
 * 1.25: istio/istio.io content/en/docs/ops/configuration/traffic-management/dns-proxy/index.md). The suite names hosts
 * under `wpt.test` (RFC 2606: never resolvable outside the mesh), so traffic never leaves the cluster.
 */
export const meshHost = (host: string, opts: { ns?: NsRole; port?: number; path?: string } = {}): Destination => ({
  kind: 'host',
  ns: opts.ns ?? 'app',
  host,
  port: opts.port ?? ECHO_PORT,
  path: opts.path ?? '/',
});
export const productpage = (): Destination => svc('productpage', { port: BOOKINFO_PORT, path: '/productpage' });

export const useWaypoint = (target: LabelTarget, waypoint: string | null): Action => label(target, { 'istio.io/use-waypoint': waypoint });

export const REVIEWS_BACKEND: BackendMarker = { pattern: 'reviews-v[0-9]-', normalize: 'reviews-v[0-9]' };

export const ECHO_BACKEND: BackendMarker = { pattern: `${ECHO_POD_FIELD}echo-v[0-9]-`, normalize: 'echo-v[0-9]' };

export function waypointBound(
  serviceName: string,
  status: 'True' | 'False',
  reason: string,
  messagePrefix?: string,
  ns: NsRole = 'app',
): ConditionExpectation {
  return {
    type: 'condition',
    object: { apiVersion: 'v1', kind: 'Service', ns, name: serviceName },
    condition: 'istio.io/WaypointBound',
    status,
    reason,
    messagePrefix,
    feature: 'WaypointBoundStatus',
  };
}

/** Bound, with exactly this message (no ingress hint appended). */
export function waypointBoundExactly(serviceName: string, message: string, ns: NsRole = 'app'): ConditionExpectation {
  return { ...waypointBound(serviceName, 'True', 'WaypointAccepted', undefined, ns), message };
}

export function programmed(
  gateway: string,
  status: 'True' | 'False',
  reason?: string,
  messagePrefix?: string,
  ns: NsRole = 'app',
): ConditionExpectation {
  return {
    type: 'condition',
    object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', ns, name: gateway },
    condition: 'Programmed',
    status,
    ...(reason ? { reason } : {}),
    ...(messagePrefix ? { messagePrefix } : {}),
  };
}

/** What istiod creates for a waypoint Gateway: Deployment, Service and ServiceAccount of its name. */
export function waypointResourcesGone(name: string, ns: NsRole = 'app'): GoneExpectation {
  return gone([
    { apiVersion: 'apps/v1', kind: 'Deployment', ns, name },
    { apiVersion: 'v1', kind: 'Service', ns, name },
    { apiVersion: 'v1', kind: 'ServiceAccount', ns, name },
    { apiVersion: 'v1', kind: 'Pod', ns, labelSelector: `gateway.networking.k8s.io/gateway-name=${name}` },
  ]);
}

export function waypointRequests(waypoint: string, destinationService: string, send: MetricExpectation['send']): MetricExpectation {
  return {
    type: 'metric',
    waypoint: { ns: 'app', name: waypoint },
    metric: 'istio_requests_total',
    labels: { reporter: 'waypoint', destination_service_name: destinationService },
    send,
    feature: 'WaypointMetrics',
  };
}

/**
 * What istiod creates for a waypoint and writes on it: Accepted, an address, and a Deployment,
 * Service (status-port 15021, HBONE 15008) and ServiceAccount named after the Gateway
 * (istio pilot/pkg/config/kube/gateway/deploymentcontroller.go and testdata/deployment/waypoint.yaml).
 */
export function waypointProvisioned(name: string, ns: NsRole = 'app'): Expectation[] {
  return [
    {
      type: 'condition',
      object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', ns, name },
      condition: 'Accepted',
      status: 'True',
    },
    {
      type: 'present',
      objects: [
        {
          apiVersion: 'gateway.networking.k8s.io/v1',
          kind: 'Gateway',
          ns,
          name,
          fields: [{ path: ['status', 'addresses', 0, 'value'], nonEmpty: true }],
        },
        { apiVersion: 'apps/v1', kind: 'Deployment', ns, name },
        { apiVersion: 'v1', kind: 'ServiceAccount', ns, name },
        {
          apiVersion: 'v1',
          kind: 'Service',
          ns,
          name,
          fields: [
            { path: ['spec', 'ports'], includes: { port: 15008 } },
            { path: ['spec', 'ports'], includes: { port: 15021 } },
          ],
        },
      ],
    },
  ];
}

const AUTHZ = { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy' };

/** A targetRefs policy bound to the waypoint that will enforce it (istio .../ambient/policies.go). */
export function policyBound(policy: string, waypoint: string, ns: NsRole = 'app'): ConditionExpectation {
  return {
    type: 'condition',
    object: { ...AUTHZ, ns, name: policy },
    condition: 'WaypointAccepted',
    status: 'True',
    reason: 'Accepted',
    message: `bound to \${${ns === 'app' ? 'APP_NS' : 'INFRA_NS'}}/${waypoint}`,
    feature: 'PolicyStatus',
  };
}

/** A targetRefs policy whose Service has no waypoint: nothing will enforce it, and istiod says so. */
export function policyNotBound(policy: string, serviceName: string, ns: NsRole = 'app'): ConditionExpectation {
  return {
    type: 'condition',
    object: { ...AUTHZ, ns, name: policy },
    condition: 'WaypointAccepted',
    status: 'False',
    reason: 'AncestorNotBound',
    message: `Service \${${ns === 'app' ? 'APP_NS' : 'INFRA_NS'}}/${serviceName} is not bound to a waypoint`,
    feature: 'PolicyStatus',
  };
}

/** A mesh route attached to its Service parent (Gateway API GEP-1426: the parent's controller writes Accepted). */
export function routeAccepted(route: string, parentService: string, ns: NsRole = 'app'): ConditionExpectation {
  return {
    type: 'condition',
    object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', ns, name: route },
    parent: { kind: 'Service', name: parentService },
    condition: 'Accepted',
    status: 'True',
    reason: 'Accepted',
  };
}

/** WaypointBound with this status, reason and whole message (istio pilot/pkg/serviceregistry/ambient/status.go). */
export function waypointBoundMessage(
  serviceName: string,
  status: 'True' | 'False',
  reason: string,
  message: string,
  ns: NsRole = 'app',
): ConditionExpectation {
  return { ...waypointBound(serviceName, status, reason, undefined, ns), message };
}

/** The ZtunnelAccepted condition istiod writes on a selector AuthorizationPolicy (istio pilot/pkg/model/service.go). */
export function ztunnelAccepted(
  policy: string,
  reason: string,
  text: { message: string } | { messagePrefix: string },
  ns: NsRole = 'app',
): ConditionExpectation {
  return {
    type: 'condition',
    object: { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', ns, name: policy },
    condition: 'ZtunnelAccepted',
    status: 'True',
    reason,
    ...text,
    feature: 'PolicyStatus',
  };
}

/** ZtunnelAccepted False: istiod sends the policy to no ztunnel (istio pilot/pkg/serviceregistry/ambient/authorization.go). */
export function ztunnelRefused(policy: string, reason: string, message: string, ns: NsRole = 'app'): ConditionExpectation {
  return { ...ztunnelAccepted(policy, reason, { message }, ns), status: 'False' };
}

/** Where an Istio mesh route's waypoint stands: ResolvedWaypoints stays True, its message says whether one serves the parent (istio pilot/pkg/config/kube/gateway/conditions.go, createRouteStatus). */
export function routeWaypoint(route: string, parentService: string, resolved: boolean, ns: NsRole = 'app'): ConditionExpectation {
  return {
    type: 'condition',
    object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', ns, name: route },
    parent: { kind: 'Service', name: parentService },
    condition: 'ResolvedWaypoints',
    status: 'True',
    reason: 'ResolvedWaypoints',
    message: resolved
      ? 'All waypoints resolved'
      : 'istio.io/use-waypoint label missing from parent and parent namespace; in ambient mode, route will not be respected',
    feature: 'RouteWaypointStatus',
  };
}

/** A targetRefs policy whose target does not exist (istio .../ambient/policies.go: TargetNotFound). */
export function policyTargetNotFound(policy: string, serviceName: string, ns: NsRole = 'app'): ConditionExpectation {
  return {
    type: 'condition',
    object: { ...AUTHZ, ns, name: policy },
    condition: 'WaypointAccepted',
    status: 'False',
    reason: 'TargetNotFound',
    message: `Service \${${ns === 'app' ? 'APP_NS' : 'INFRA_NS'}}/${serviceName} was not found`,
    feature: 'PolicyStatus',
  };
}

/** WaypointAccepted with this status, reason and whole message (istio pilot/pkg/model/service.go flattenConditions). */
export function policyCondition(
  policy: string,
  status: 'True' | 'False',
  reason: string,
  text: string | { messagePrefix: string },
  ns: NsRole = 'app',
): ConditionExpectation {
  const message = typeof text === 'string' ? { message: text } : text;
  return {
    type: 'condition',
    object: { ...AUTHZ, ns, name: policy },
    condition: 'WaypointAccepted',
    status,
    reason,
    ...message,
    feature: 'PolicyStatus',
  };
}

/** A mesh route with a backendRef to a missing Service (istio pilot/pkg/config/kube/gateway/conversion.go: InvalidDestinationNotFound). */
export function routeBackendNotFound(route: string, parentService: string, backend: string, ns: NsRole = 'app'): ConditionExpectation {
  return {
    type: 'condition',
    object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', ns, name: route },
    parent: { kind: 'Service', name: parentService },
    condition: 'ResolvedRefs',
    status: 'False',
    reason: 'BackendNotFound',
    message: `backend(${backend}.\${${ns === 'app' ? 'APP_NS' : 'INFRA_NS'}}.svc.cluster.local) not found`,
  };
}

/** A mesh route whose parent Service does not exist (istio pilot/pkg/config/kube/gateway/conversion.go referenceAllowed). */
export function routeParentNotFound(route: string, parentService: string, ns: NsRole = 'app'): ConditionExpectation[] {
  const object = { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', ns, name: route };
  const parent = { kind: 'Service', name: parentService };
  return [
    {
      type: 'condition',
      object,
      parent,
      condition: 'Accepted',
      status: 'False',
      reason: 'NoMatchingParent',
      message: `parent service: "${parentService}" not found`,
    },
    {
      type: 'condition',
      object,
      parent,
      condition: 'ResolvedWaypoints',
      status: 'True',
      reason: 'ResolvedWaypoints',
      message: 'parent not found',
      feature: 'RouteWaypointStatus',
    },
  ];
}

/** routeAccepted for any mesh route kind (GRPCRoute has the same status.parents shape, GEP-1426). */
export function meshRouteAccepted(
  kind: 'HTTPRoute' | 'GRPCRoute',
  route: string,
  parentService: string,
  ns: NsRole = 'app',
): ConditionExpectation {
  const c = routeAccepted(route, parentService, ns);
  return { ...c, object: { ...c.object, kind } };
}

/** routeWaypoint for any mesh route kind. */
export function meshRouteWaypoint(
  kind: 'HTTPRoute' | 'GRPCRoute',
  route: string,
  parentService: string,
  resolved: boolean,
  ns: NsRole = 'app',
): ConditionExpectation {
  const c = routeWaypoint(route, parentService, resolved, ns);
  return { ...c, object: { ...c.object, kind } };
}
