/**
 * Gateway API v1.6.0's mesh conformance tests and profiles, as upstream defines them, and the scenario
 * of this suite that measures each test. Tests: kubernetes-sigs/gateway-api conformance/tests/mesh/*.go
 * (ShortName, Features, Provisional); profiles: conformance/utils/suite/profiles.go (MeshHTTP/MeshGRPC
 * ConformanceProfile) with pkg/features/mesh.go (MeshExtendedFeatures). equipment/gateway-api-check reads
 * the same definitions from upstream's Go packages and fails when these differ.
 */
import type { Feature } from '../scenario/types.ts';

export type GatewayApiProfile = 'MESH-GRPC' | 'MESH-HTTP';

export interface GatewayApiProfileDef {
  name: GatewayApiProfile;
  core: Feature[];
  extended: Feature[];
}

export interface GatewayApiTest {
  /** ShortName */
  name: string;
  /** Every feature upstream lists for the test (Features), Mesh and the route kind included. */
  features: Feature[];
  provisional?: true;
  /** The scenario measuring the test. */
  scenario: string;
}

/** pkg/features/mesh.go MeshExtendedFeatures. */
export const MESH_EXTENDED_FEATURES: Feature[] = [
  'MeshClusterIPMatching',
  'MeshConsumerRoute',
  'MeshHTTPRouteRewritePath',
  'MeshHTTPRouteSchemeRedirect',
  'MeshHTTPRouteRedirectPort',
  'MeshHTTPRouteRedirectPath',
  'MeshHTTPRouteBackendRequestHeaderModification',
  'MeshHTTPRouteQueryParamMatching',
  'MeshHTTPRouteNamedRouteRule',
];

/** conformance/utils/suite/profiles.go: MeshGRPCConformanceProfile, MeshHTTPConformanceProfile. */
export const GATEWAY_API_PROFILES: GatewayApiProfileDef[] = [
  { name: 'MESH-GRPC', core: ['Mesh', 'GRPCRoute'], extended: MESH_EXTENDED_FEATURES },
  { name: 'MESH-HTTP', core: ['Mesh', 'HTTPRoute'], extended: MESH_EXTENDED_FEATURES },
];

const http = (name: string, scenario: string, extra: Feature[] = [], provisional = false): GatewayApiTest => ({
  name,
  features: ['Mesh', 'HTTPRoute', ...extra],
  scenario,
  ...(provisional ? { provisional: true as const } : {}),
});

export const GATEWAY_API_MESH_TESTS: GatewayApiTest[] = [
  { name: 'MeshBasic', features: ['Mesh'], scenario: 'mesh/basic' },
  http('MeshHTTPRouteSimpleSameNamespace', 'mesh/simple-same-namespace'),
  http('MeshFrontend', 'mesh/frontend', ['HTTPRouteResponseHeaderModification']),
  {
    name: 'MeshFrontendHostname',
    features: ['Mesh', 'MeshClusterIPMatching', 'HTTPRoute', 'HTTPRouteResponseHeaderModification'],
    scenario: 'mesh/frontend-hostname',
  },
  http('MeshPorts', 'mesh/ports', ['HTTPRouteParentRefPort', 'HTTPRouteResponseHeaderModification']),
  http('MeshTrafficSplit', 'mesh/traffic-split'),
  http('MeshHTTPRouteWeight', 'mesh/httproute-weight'),
  http('MeshHTTPRouteMatching', 'mesh/matching'),
  http('MeshHTTPRouteQueryParamMatching', 'mesh/query-param-matching', ['MeshHTTPRouteQueryParamMatching']),
  http('MeshHTTPRouteNamedRule', 'mesh/named-rule', ['MeshHTTPRouteNamedRouteRule'], true),
  http('MeshHTTPRouteRequestHeaderModifier', 'mesh/request-header-modifier'),
  http('MeshHTTPRouteBackendRequestHeaderModifier', 'mesh/backend-request-header-modifier', [
    'MeshHTTPRouteBackendRequestHeaderModification',
  ]),
  http('MeshHTTPRouteRedirectHostAndStatus', 'mesh/redirect-host-and-status'),
  http('MeshHTTPRoute303Redirect', 'mesh/redirect-303', ['HTTPRoute303RedirectStatusCode'], true),
  http('MeshHTTPRoute307Redirect', 'mesh/redirect-307', ['HTTPRoute307RedirectStatusCode'], true),
  http('MeshHTTPRoute308Redirect', 'mesh/redirect-308', ['HTTPRoute308RedirectStatusCode'], true),
  http('MeshHTTPRouteRedirectPath', 'mesh/redirect-path', ['MeshHTTPRouteRedirectPath']),
  http('MeshHTTPRouteRedirectPort', 'mesh/redirect-port', ['MeshHTTPRouteRedirectPort']),
  http('MeshHTTPRouteSchemeRedirect', 'mesh/redirect-scheme', ['MeshHTTPRouteSchemeRedirect']),
  http('MeshHTTPRouteRewritePath', 'mesh/rewrite-path', ['MeshHTTPRouteRewritePath']),
  {
    name: 'MeshConsumerRoute',
    features: ['Mesh', 'MeshConsumerRoute', 'HTTPRoute', 'HTTPRouteResponseHeaderModification'],
    scenario: 'mesh/consumer-route',
  },
  { name: 'MeshGRPCRouteWeight', features: ['Mesh', 'GRPCRoute'], scenario: 'mesh/grpcroute-weight' },
];

/** Every Gateway API feature the mesh profiles or tests name: what the report's supported features range over. */
export const GATEWAY_API_MESH_FEATURES: Feature[] = [
  ...new Set([...GATEWAY_API_PROFILES.flatMap((p) => [...p.core, ...p.extended]), ...GATEWAY_API_MESH_TESTS.flatMap((t) => t.features)]),
].sort();
