/** The features a scenario or check may need: one home for their names, what they mean, and parsing them. */
/** Features decide what runs: a scenario needing an unsupported feature is skipped with the reason. */
export const FEATURES = {
  Waypoint: 'waypoint Gateway, istio.io/use-waypoint on namespaces and services (core)',
  WaypointForWorkload: 'istio.io/waypoint-for workload/all and pod-scope use-waypoint',
  WaypointOptOut: 'istio.io/use-waypoint=none',
  CrossNamespaceWaypoint: 'istio.io/use-waypoint-namespace with allowedRoutes',
  WaypointBoundStatus: 'istio.io/WaypointBound condition on Services (Istio 1.24+)',
  WaypointServiceEntry:
    "istio.io/use-waypoint on a ServiceEntry: its hosts' traffic through the waypoint (egress), its status and policies",
  RouteWaypointStatus: 'ResolvedWaypoints condition on mesh routes (istio pilot/pkg/config/kube/gateway/conditions.go)',
  IstioConfigValidation: "istiod's validating webhook refuses invalid Istio configuration, failing closed",
  PolicyStatus:
    'WaypointAccepted / ZtunnelAccepted conditions on AuthorizationPolicies (istio pilot/pkg/serviceregistry/ambient/policies.go)',
  HTTPRouteWeights: 'HTTPRoute backendRefs weights with a Service parent',
  HTTPRouteMatching: 'HTTPRoute header and path matches',
  HTTPRouteHeaderModifier: 'HTTPRoute RequestHeaderModifier filter',
  HTTPRouteTimeout: 'HTTPRoute timeouts.request',
  HTTPRouteRetry: 'HTTPRoute retry attempts and codes (GEP-1731, experimental channel)',
  IstioVirtualService: 'VirtualService and DestinationRule bound to a waypoint',
  IstioFaultInjection: 'VirtualService fault abort and delay',
  L7AuthorizationPolicy: 'AuthorizationPolicy with targetRefs enforced by the waypoint',
  L4AuthorizationPolicy: 'AuthorizationPolicy with selector enforced by ztunnel',
  WaypointMetrics: 'istio_requests_total with reporter="waypoint" from the waypoint',
  LoadBalancerIngress: 'ingress Gateway with a LoadBalancer address reachable from outside',
  IngressUseWaypoint: 'istio.io/ingress-use-waypoint on a Service',
  SidecarInterop: 'sidecar-injected clients calling services behind a waypoint',
  // Gateway API's own feature names (kubernetes-sigs/gateway-api pkg/features/{mesh,httproute,grpcroute}.go),
  // so that a vendor's Gateway API claim maps one to one.
  Mesh: 'Gateway API Mesh: routes whose parentRef is a Service (core of MESH-HTTP and MESH-GRPC)',
  HTTPRoute: 'Gateway API HTTPRoute (core)',
  GRPCRoute: 'Gateway API GRPCRoute (core of MESH-GRPC)',
  MeshClusterIPMatching: 'a mesh route applies by the Service address called, not the Host header',
  MeshConsumerRoute: "a route in the consumer's namespace for a Service in another namespace",
  MeshHTTPRouteRewritePath: 'URLRewrite path (ReplaceFullPath, ReplacePrefixMatch) on mesh routes',
  MeshHTTPRouteSchemeRedirect: 'RequestRedirect scheme on mesh routes',
  MeshHTTPRouteRedirectPort: 'RequestRedirect port on mesh routes',
  MeshHTTPRouteRedirectPath: 'RequestRedirect path (ReplaceFullPath, ReplacePrefixMatch) on mesh routes',
  MeshHTTPRouteBackendRequestHeaderModification: 'RequestHeaderModifier on a backendRef of a mesh route',
  MeshHTTPRouteQueryParamMatching: 'queryParams matches on mesh routes',
  MeshHTTPRouteNamedRouteRule: 'the name field of an HTTPRouteRule on mesh routes',
  HTTPRouteResponseHeaderModification: 'ResponseHeaderModifier filter',
  HTTPRouteParentRefPort: "port in a route's parentRef: the route applies to that Service port only",
  HTTPRoute303RedirectStatusCode: 'RequestRedirect statusCode 303',
  HTTPRoute307RedirectStatusCode: 'RequestRedirect statusCode 307',
  HTTPRoute308RedirectStatusCode: 'RequestRedirect statusCode 308',
} as const;
export type Feature = keyof typeof FEATURES;

export const ALL_FEATURES = Object.keys(FEATURES) as Feature[];

/**
 * Every feature the catalogue knows: the model implements them all, and a run of a class the suite
 * ships no implementation file for assumes them. What Istio's waypoints claim is their file's list,
 * which leaves out MeshConsumerRoute (implementations/istio-envoy-waypoint.yaml); a run of their
 * classes takes it from there (harness/cli/select.ts).
 */
export const ISTIO_FEATURES: ReadonlySet<Feature> = new Set(ALL_FEATURES);

export function parseFeatures(names: string[]): Set<Feature> {
  const unknown = names.filter((n) => !(n in FEATURES));
  if (unknown.length > 0) {
    throw new Error(`unknown feature(s): ${unknown.join(', ')}. Known features: ${ALL_FEATURES.join(', ')}`);
  }
  return new Set(names as Feature[]);
}
