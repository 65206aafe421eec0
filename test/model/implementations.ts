/**
 * The waypoint implementations the model knows, chosen per Gateway by its class as istiod does
 * (both classes can coexist; istio.io content/en/docs/ambient/usage/agentgateway/index.md).
 * - istio-waypoint (Envoy): every Istio API, X-Request-Id on forwarded requests, Envoy's bodies.
 * - istio-agentgateway-waypoint: configured through Gateway API only (no VirtualService,
 *   DestinationRule, fault injection or Istio AuthorizationPolicy at L7: same page); configuration
 *   for bound Services only (istio pilot/pkg/config/kube/agentgateway/waypoint_collections.go,
 *   BuildWaypointServiceBindings), so pod-addressed traffic finds no route; plain-text errors
 *   (agentgateway crates/agentgateway/src/proxy/mod.rs, ProxyError::into_response); no X-Request-Id
 *   documented; no Envoy default retry policy. Its Deployment: container agentgateway, pods labelled
 *   gateway.istio.io/managed=istio.io-agentgateway-waypoint-controller.
 * istiod's status is class-independent (WaypointBound, WaypointAccepted on policies), which is where
 * it over-promises for agentgateway: a policy is reported bound that the proxy never applies.
 * Measured on a real agentgateway waypoint: a route scoped to one Service also captured another
 * Service's traffic behind the same waypoint (routesLeakAcrossServices); a request no rule of the
 * Service's route matches was served by the Service instead of 404 (unmatchedReachesService); with no
 * route, the Service's pods shared its traffic unevenly (endpointChoice).
 */
import type { KubeObject } from '../../harness/cluster/types.ts';

export interface WaypointFlavour {
  gatewayClass: string;
  controllerName: string;
  managedLabel: string;
  container: { name: string; image: string; ports?: { name: string; containerPort: number }[]; readinessProbe?: unknown };
  /** Istio AuthorizationPolicy with targetRefs, VirtualService/DestinationRule and their faults. */
  istioApis: boolean;
  /** Pod-addressed (workload) traffic has configuration at the waypoint. */
  servesWorkloads: boolean;
  /** A header added to every forwarded request. */
  requestIdHeader?: string;
  /** Retries when no route sets any (Envoy: istio pilot/pkg/networking/core/route/retry/retry.go). */
  defaultRetry: { attempts: number; codes: number[] };
  /** Counts requests in istio_requests_total, read with pilot-agent (Envoy only). */
  istioMetrics: boolean;
  /**
   * A route parented on one Service also takes the traffic of the other Services behind the same
   * waypoint: agentgateway v1.0.1 under istiod 1.31-dev did (docs/real-data-plane.md), the
   * catalogue's status-truth/route-scoped-to-parent finds it, and its implementation file lists it.
   */
  routesLeakAcrossServices: boolean;
  /**
   * A request to a Service whose HTTPRoute has no matching rule is sent to the Service as if it had no
   * route, instead of 404 (Gateway API's MeshHTTPRouteQueryParamMatching expects 404). agentgateway
   * v1.0.1 does: crates/agentgateway/src/http/route.rs select_best_route keeps a `_waypoint-default`
   * route to the Service for any VIP request no route matches; measured, docs/real-data-plane.md.
   */
  unmatchedReachesService: boolean;
  /**
   * How the waypoint picks one of a Service's pods. 'random': Envoy's LEAST_REQUEST with one request in
   * flight (uniform). 'p2c-by-score': agentgateway crates/agentgateway/src/types/loadbalancer.rs
   * select_endpoint, two random candidates and the one with the better score (health over latency
   * EWMA), so the spread follows the pods' latency and is not even (measured 24/36/41%). The model gives
   * the pods a fixed order of merit, by name.
   */
  endpointChoice: 'random' | 'p2c-by-score';
  bodies: { denied: string; routeNotFound: string; noHealthy: string; upstreamReset: string; timeout: string };
}

export const ENVOY_WAYPOINT: WaypointFlavour = {
  gatewayClass: 'istio-waypoint',
  controllerName: 'istio.io/mesh-controller',
  managedLabel: 'istio.io-mesh-controller',
  container: { name: 'istio-proxy', image: 'istio/proxyv2' },
  istioApis: true,
  servesWorkloads: true,
  requestIdHeader: 'x-request-id',
  defaultRetry: { attempts: 2, codes: [503] },
  istioMetrics: true,
  routesLeakAcrossServices: false,
  unmatchedReachesService: false,
  endpointChoice: 'random',
  bodies: {
    denied: 'RBAC: access denied',
    routeNotFound: 'route not found',
    noHealthy: 'no healthy upstream',
    upstreamReset: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
    timeout: 'upstream request timeout',
  },
};

export const AGENTGATEWAY_WAYPOINT: WaypointFlavour = {
  gatewayClass: 'istio-agentgateway-waypoint',
  controllerName: 'istio.io/agentgateway-waypoint-controller',
  managedLabel: 'istio.io-agentgateway-waypoint-controller',
  // Readiness GET /healthz/ready on 15021, metrics on 15020, no Envoy admin port 15090.
  container: {
    name: 'agentgateway', image: 'istio/agentgateway',
    ports: [{ name: 'status-port', containerPort: 15021 }, { name: 'metrics', containerPort: 15020 }],
    readinessProbe: { httpGet: { path: '/healthz/ready', port: 15021 } },
  },
  istioApis: false,
  servesWorkloads: false,
  defaultRetry: { attempts: 0, codes: [] },
  istioMetrics: false,
  routesLeakAcrossServices: true,
  unmatchedReachesService: true,
  endpointChoice: 'p2c-by-score',
  bodies: {
    denied: 'authorization failed',
    routeNotFound: 'route not found',
    noHealthy: 'no healthy backends',
    upstreamReset: 'upstream call failed: connection reset',
    timeout: 'request timeout',
  },
};

export const WAYPOINT_FLAVOURS: readonly WaypointFlavour[] = [ENVOY_WAYPOINT, AGENTGATEWAY_WAYPOINT];

export function flavourOfClass(gatewayClass: string | undefined): WaypointFlavour | undefined {
  return WAYPOINT_FLAVOURS.find((f) => f.gatewayClass === gatewayClass);
}

/** The implementation behind a waypoint Gateway; undefined for any other Gateway. */
export function flavourOf(gw: KubeObject | undefined): WaypointFlavour | undefined {
  return flavourOfClass(gw?.spec?.gatewayClassName);
}

/** A Service istiod created for a waypoint (never itself bound to one). */
export function isWaypointService(svc: KubeObject): boolean {
  const managed = svc.metadata.labels?.['gateway.istio.io/managed'];
  return WAYPOINT_FLAVOURS.some((f) => f.managedLabel === managed);
}
