/**
 * Deliberately broken variants of the model. Each breaks one documented behaviour; the self-test
 * requires that a scenario of the named area fails against it.
 */
import type { Area } from '../../harness/scenario/types.ts';

export const MUTANTS = {
  'weights-ignored': { area: 'routing', breaks: 'HTTPRoute/VirtualService weights: backends chosen evenly' },
  'weight-zero-leak': { area: 'routing', breaks: 'a weight-0 backend still receives about 5% of requests' },
  'route-waypoint-always-resolved': { area: 'routing', breaks: 'a mesh route reports its waypoint resolved though its parent Service has none' },
  'route-status-never-set': { area: 'routing', breaks: 'HTTPRoutes with a Service parent get no status.parents entry' },
  'header-match-ignored': { area: 'routing', breaks: 'route matches ignored: the first rule always applies' },
  'waypoint-ignores-authz': { area: 'authorization', breaks: 'the waypoint enforces no AuthorizationPolicy' },
  'l4-deny-as-403': { area: 'authorization', breaks: 'ztunnel answers an L4 denial with HTTP 403 instead of a reset' },
  'l4-http-rules-kept': { area: 'authorization', breaks: 'ztunnel keeps HTTP rules of a selector policy instead of dropping them' },
  'validation-accepts-all': { area: 'authorization', breaks: 'invalid AuthorizationPolicies and VirtualServices are stored instead of refused' },
  'policy-status-never-set': { area: 'authorization', breaks: 'istiod writes no WaypointAccepted status on targetRefs AuthorizationPolicies' },
  'policy-bound-without-waypoint': { area: 'authorization', breaks: 'a policy targeting a Service without a waypoint reports WaypointAccepted=True' },
  'l4-deny-mixed-dropped': { area: 'authorization', breaks: 'ztunnel drops a whole DENY rule with HTTP attributes instead of keeping its L4 part' },
  'l4-deny-http-fails-closed': { area: 'authorization', breaks: 'ztunnel reads a DENY rule\'s HTTP-only operation as matching every request, keeping the rule\'s L4 source' },
  'ztunnel-accepted-never-set': { area: 'authorization', breaks: 'istiod never reports ZtunnelAccepted on selector AuthorizationPolicies' },
  'waypoint-identity-hidden': { area: 'authorization', breaks: 'behind a waypoint the destination ztunnel sees the client identity' },
  'service-label-ignored': { area: 'enrollment', breaks: 'use-waypoint on a Service is ignored' },
  'pod-label-ignored': { area: 'enrollment', breaks: 'use-waypoint on a Pod is ignored' },
  'service-uses-workload-waypoint': { area: 'enrollment', breaks: 'service-addressed traffic takes the chosen pod\'s workload waypoint (ztunnel before #855)' },
  'namespace-waypoint-fallback': { area: 'enrollment', breaks: 'an object whose own use-waypoint cannot be used falls back to its namespace\'s waypoint' },
  'waypoint-traversed-twice': { area: 'enrollment', breaks: 'traffic leaving a service waypoint passes the endpoint\'s workload waypoint too' },
  'waypoint-for-ignored': { area: 'enrollment', breaks: 'istio.io/waypoint-for is ignored: every waypoint takes all traffic' },
  'opt-out-ignored': { area: 'enrollment', breaks: 'use-waypoint=none is ignored: the namespace waypoint applies' },
  'cross-namespace-ignored': { area: 'enrollment', breaks: 'use-waypoint-namespace is ignored' },
  'allowed-routes-ignored': { area: 'enrollment', breaks: 'a waypoint admits every namespace whatever its allowedRoutes' },
  'waypoint-bound-never-set': { area: 'enrollment', breaks: 'istiod never reports istio.io/WaypointBound on Services' },
  'programmed-never-set': { area: 'enrollment', breaks: 'waypoint Gateways never report Programmed=True' },
  'waypoint-service-without-hbone': { area: 'enrollment', breaks: 'the waypoint Service istiod creates lacks the HBONE port 15008' },
  'waypoint-outlives-label': { area: 'cleanup', breaks: 'traffic still passes a waypoint after its use-waypoint label is removed' },
  'leftover-waypoint-resources': { area: 'cleanup', breaks: 'deleting a waypoint Gateway leaves its Deployment, Service and ServiceAccount' },
  'unenroll-ignored': { area: 'cleanup', breaks: 'removing istio.io/dataplane-mode does not take pods out of ambient' },
  'fault-ignored': { area: 'resilience', breaks: 'VirtualService faults are not injected' },
  'retries-ignored': { area: 'resilience', breaks: 'HTTPRoute retry is ignored: the default retry policy applies' },
  'timeout-ignored': { area: 'resilience', breaks: 'HTTPRoute request timeouts are not applied' },
  'metrics-double-counted': { area: 'observability', breaks: 'the waypoint counts each request twice' },
  'ingress-hint-always': { area: 'ingress', breaks: 'WaypointBound carries the ingress hint even without the ingress-use-waypoint label' },
  'ingress-label-ignored': { area: 'ingress', breaks: 'istio.io/ingress-use-waypoint is ignored' },
  'sidecar-bypasses-waypoint': { area: 'interop', breaks: 'sidecar clients skip the destination waypoint' },
  'route-applies-to-all-services': { area: 'status-truth', breaks: 'an HTTPRoute attached to one Service changes traffic to every Service behind the same waypoint' },
  'workload-traffic-unserved': { area: 'status-truth', breaks: 'a waypoint Programmed for workload traffic has no route for pod-addressed requests' },
} as const satisfies Record<string, { area: Area; breaks: string }>;

export type MutantName = keyof typeof MUTANTS;
