/** Upstream documents and code the expectations come from (repository and path). */
export const SRC = {
  waypointDocs: 'istio/istio.io content/en/docs/ambient/usage/waypoint/index.md',
  addWorkloads: 'istio/istio.io content/en/docs/ambient/usage/add-workloads/index.md',
  waypointBinding: 'istio/istio pilot/pkg/serviceregistry/ambient/waypoints.go',
  waypointStatus: 'istio/istio pilot/pkg/serviceregistry/ambient/status.go',
  egressWaypoint: 'istio/istio.io content/en/docs/ambient/usage/egress-gateway/index.md',
  egressWaypointTest:
    "istio/istio tests/integration/ambient/waypoint_test.go (TestWaypointAsEgressGateway: a ServiceEntry labelled use-waypoint, its host called through ztunnel's DNS proxy, the request processed at L7)",
  serviceEntryBinding:
    'istio/istio pilot/pkg/serviceregistry/ambient/services.go (serviceEntryServiceBuilder, serviceEntriesInfo: a ServiceEntry binds to its waypoint like a Service, workloadSelector selects pods)',
  serviceEntryAddress:
    'istio/istio pilot/pkg/controllers/ipallocate/ipallocate.go (status.addresses for ServiceEntries without spec.addresses, resolution not NONE)',
  dnsProxy:
    'istio/istio.io content/en/docs/ops/configuration/traffic-management/dns-proxy/index.md (ambient: DNS capture and address auto-allocation on by default since Istio 1.25)',
  serviceEntryConditions:
    'istio/istio pilot/pkg/model/service.go (ServiceInfo.GetConditions: WaypointBound on ServiceEntries, WaypointMissing for wildcard hosts without a waypoint)',
  workloadEntryConditions:
    'istio/istio pilot/pkg/model/service.go (WorkloadInfo.GetConditions) and pilot/pkg/serviceregistry/ambient/workloads.go (workloadEntryWorkloadBuilder, computeWaypoint)',
  ztunnelOutbound: 'istio/ztunnel src/proxy/outbound.rs',
  ztunnelServiceAddressed:
    'istio/ztunnel src/proxy/outbound.rs (fetch_workload_waypoint only when !from_waypoint && service.is_none(); istio/ztunnel#855)',
  waypointAddressing:
    'istio/istio.io content/en/docs/ambient/usage/waypoint/index.md (tip: the original destination type decides between service and workload waypoint, so traffic never transits two waypoints)',
  waypointEndpoints:
    "istio/istio pilot/pkg/xds/endpoints/endpoint_builder.go (only non-waypoint proxies tunnel to an endpoint's waypoint: !IsWaypointProxy())",
  waypointRequire:
    'istio/istio.io content/en/docs/ambient/usage/waypoint/index.md#require-waypoint (a missing waypoint or a traffic type it does not handle: ztunnel routes directly)',
  waypointNoFallback:
    "istio/istio pilot/pkg/serviceregistry/ambient/waypoints.go (fetchWaypointForTarget returns on the object's own use-waypoint; fetchWaypointForService/ForWorkload report the traffic type)",
  waypointBoundMessages:
    'istio/istio pilot/pkg/serviceregistry/ambient/status.go (ReportWaypointIsNotReady, ReportWaypointAttachmentDenied, ReportWaypointUnsupportedTrafficType)',
  ztunnelRbac: 'istio/ztunnel src/rbac.rs (an empty match matches nothing; all clauses of a rule must match)',
  l4RuleConversion:
    'istio/istio pilot/pkg/serviceregistry/ambient/authorization.go (handleRule: ports and principals kept, HTTP fields dropped; ALLOW rules with HTTP fields omitted; httpDenyNoEffectBoilerplate)',
  policyConditions:
    'istio/istio pilot/pkg/model/service.go (WorkloadAuthorization.GetConditions: ZtunnelAccepted) and pilot/pkg/serviceregistry/ambient/authorization_test.go',
  baselineTest: 'istio/istio tests/integration/ambient/baseline_test.go',
  checkDeny: 'istio/istio tests/integration/ambient/baseline_test.go (CheckDeny: a denial is a reset, an EOF, 403 or 503)',
  ztunnelWaypointUpstream:
    'istio/ztunnel src/state.rs (fetch_waypoint: UnknownWaypoint when the waypoint has no workload to send to) and src/proxy.rs (Error::UnknownWaypoint, NoHealthyUpstream)',
  gatewayProgrammed:
    'istio/istio pilot/pkg/config/kube/gatewaycommon/context.go (ResolveGatewayInstances: "no instances found for hostname") and conversion.go (SetProgrammedCondition: AddressNotAssigned), recomputed on configuration changes only',
  waypointAddressesKept:
    'istio/istio pilot/pkg/serviceregistry/ambient/waypoints.go (gatewayToWaypointTransform: status.addresses set once a pod is ready, never removed)',
  enforceAuth: 'istio/istio.io content/en/docs/ambient/getting-started/enforce-auth-policies/snips.sh',
  manageTraffic: 'istio/istio.io content/en/docs/ambient/getting-started/manage-traffic/index.md',
  gettingStartedTest: 'istio/istio.io content/en/docs/ambient/getting-started/test.sh',
  l4Policy: 'istio/istio.io content/en/docs/ambient/usage/l4-policy/index.md',
  l7Features: 'istio/istio.io content/en/docs/ambient/usage/l7-features/index.md',
  ztunnelAuthz: 'istio/istio pilot/pkg/serviceregistry/ambient/authorization.go',
  policyStatus: 'istio/istio pilot/pkg/serviceregistry/ambient/policies.go',
  policyBinding:
    'istio/istio pilot/pkg/serviceregistry/ambient/policies.go (WaypointPolicyStatusCollection: WaypointAccepted reasons and messages)',
  routeLabelOnly:
    'istio/istio pilot/pkg/config/kube/gateway/conversion.go (referenceAllowed, waypointConfigured: ResolvedWaypoints asks whether use-waypoint is set on the parent or its namespace, not whether the waypoint exists; a missing parent is NoMatchingParent)',
  dryRun:
    'istio/istio pilot/pkg/serviceregistry/ambient/authorization.go (convertAuthorizationPolicy: a dry-run policy is not sent to ztunnel while AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY is off, pilot/pkg/features/ambient.go, and is reported ZtunnelAccepted False UnsupportedValue)',
  backendNotFound:
    'kubernetes-sigs/gateway-api apis/v1/httproute_types.go (BackendRefs: all invalid, 500) and istio/istio pilot/pkg/config/kube/gateway/conversion.go (InvalidDestinationNotFound: "backend(<host>) not found")',
  policyFlatten:
    'istio/istio pilot/pkg/model/service.go (flattenConditions: several targetRefs give one WaypointAccepted, Accepted/PartiallyInvalid/Invalid, "Invalid targetRefs: <Kind>.<group>:<ns>/<name>, ...")',
  ingressNamespaceLabel:
    "istio/istio pilot/pkg/serviceregistry/ambient/services.go (ingressUseWaypointFromLabels: the Service's label, else the namespace's, parsed with strconv.ParseBool)",
  ztunnelPolicyStatus:
    'istio/istio pilot/pkg/serviceregistry/ambient/authorization.go (convertAuthorizationPolicy: ZtunnelAccepted, httpRuleFmt)',
  waypointResources:
    'istio/istio pilot/pkg/config/kube/gateway/testdata/deployment/waypoint.yaml (Deployment, Service ports 15021/15008, ServiceAccount)',
  routeConditions:
    'istio/istio pilot/pkg/config/kube/gateway/conditions.go (createRouteStatus: ResolvedWaypoints and its missing-label message)',
  configValidation:
    'istio/istio pkg/config/validation/validation.go (destination host: "empty domain name not allowed") via the validation.istio.io webhook',
  authzCrdRules:
    'istio/api security/v1/authorization_policy.proto (CEL: only one of targetRefs or selector; no cross-namespace targetRefs), as the CRDs in istio manifests/charts/base carry them',
  emptyRule:
    'istio/istio pilot/pkg/config/kube/gateway/conversion.go (weightSum(r.BackendRefs) == 0: direct response 500) and agentgateway/agentgateway crates/agentgateway/src/proxy/mod.rs (NoValidBackends: 500)',
  meshRouteStatus:
    'kubernetes-sigs/gateway-api geps/gep-1426/index.md (route status for Service parents) and istio pilot/pkg/config/kube/gateway/conversion.go',
  authzTest: 'istio/istio tests/integration/security/authz_test.go',
  faultInjection: 'istio/istio.io content/en/docs/tasks/traffic-management/fault-injection/index.md',
  httpRouteRetry: 'istio/istio pilot/pkg/config/kube/gateway/testdata/http.yaml (http-retry-request) and http.yaml.golden',
  retryPolicy: 'istio/istio pilot/pkg/networking/core/route/retry/retry.go',
  retryGep: 'kubernetes-sigs/gateway-api geps/gep-1731/index.md',
  requestTimeouts: 'istio/istio.io content/en/docs/tasks/traffic-management/request-timeouts/index.md',
  ingressUseWaypoint: 'istio/istio pilot/pkg/serviceregistry/ambient/services.go',
  ingressHint: 'istio/istio pilot/pkg/model/service.go (WaypointBound message) and pilot/pkg/serviceregistry/ambient/services_test.go',
  podOptOut:
    "istio/istio.io content/en/docs/ambient/usage/add-workloads/index.md (a pod labelled istio.io/dataplane-mode=none is not part of the mesh even in an enrolled namespace) and istio/istio cni/pkg/nodeagent/informers.go (a pod's label change takes it out of the mesh)",
  cleanup: 'istio/istio.io content/en/docs/ambient/getting-started/cleanup/index.md',
  waypointMetrics: 'istio/istio.io content/en/docs/ambient/usage/egress-gateway/index.md',
  gatewayDeployment: 'istio/istio pilot/pkg/config/kube/gateway/deploymentcontroller.go',
  sidecarInterop: 'istio/istio.io content/en/docs/ambient/usage/add-workloads/index.md (pods inside the mesh in sidecar mode)',
  sidecarToWaypoint: 'istio/istio pilot/pkg/xds/endpoints/endpoint_builder.go (sidecars and ingress tunnel to the destination waypoint)',
  agentgatewayDocs:
    'istio/istio.io content/en/docs/ambient/usage/agentgateway/index.md (Istio APIs such as AuthorizationPolicy are not applied to agentgateway proxies)',
  agentgatewayRoutes:
    'istio/istio pilot/pkg/config/kube/agentgateway/route_collections.go (whether a Service-parent route is scoped to its parent is unconfirmed upstream: this scenario decides it)',
  agentgatewayBindings:
    'istio/istio pilot/pkg/config/kube/agentgateway/waypoint_collections.go (BuildWaypointServiceBindings: configuration for Services only)',
  ambientIngress: 'istio/istio.io content/en/docs/ambient/getting-started/deploy-sample-app/index.md',
} as const;
