/**
 * Gateway API v1.6.0 mesh conformance tests (kubernetes-sigs/gateway-api conformance/tests/mesh/,
 * ShortName of each test) and the scenario of this suite that measures each. A test's features
 * are the ones upstream lists beyond Mesh and HTTPRoute/GRPCRoute; any of them makes it Extended.
 */
import type { Feature } from '../scenario/types.ts';

export type GatewayApiProfile = 'MESH-HTTP' | 'MESH-GRPC';

export interface GatewayApiTest {
  name: string;
  profile: GatewayApiProfile;
  features: Feature[];
  /** The scenario measuring the test; absent: not covered yet (reported as skipped). */
  scenario?: string;
}

const http = (name: string, scenario: string | undefined, features: Feature[] = []): GatewayApiTest =>
  ({ name, profile: 'MESH-HTTP', features, ...(scenario ? { scenario } : {}) });

export const GATEWAY_API_VERSION = 'v1.6.0';

export const GATEWAY_API_MESH_TESTS: GatewayApiTest[] = [
  http('MeshBasic', 'mesh/basic'),
  http('MeshHTTPRouteSimpleSameNamespace', 'mesh/simple-same-namespace'),
  http('MeshFrontend', 'mesh/frontend', ['HTTPRouteResponseHeaderModification']),
  http('MeshFrontendHostname', 'mesh/frontend-hostname', ['MeshClusterIPMatching', 'HTTPRouteResponseHeaderModification']),
  http('MeshPorts', 'mesh/ports', ['HTTPRouteParentRefPort', 'HTTPRouteResponseHeaderModification']),
  http('MeshTrafficSplit', 'mesh/traffic-split'),
  http('MeshHTTPRouteWeight', 'mesh/httproute-weight'),
  http('MeshHTTPRouteMatching', 'mesh/matching'),
  http('MeshHTTPRouteQueryParamMatching', 'mesh/query-param-matching', ['MeshHTTPRouteQueryParamMatching']),
  http('MeshHTTPRouteNamedRule', 'mesh/named-rule', ['MeshHTTPRouteNamedRouteRule']),
  http('MeshHTTPRouteRequestHeaderModifier', 'mesh/request-header-modifier'),
  http('MeshHTTPRouteBackendRequestHeaderModifier', 'mesh/backend-request-header-modifier', ['MeshHTTPRouteBackendRequestHeaderModification']),
  http('MeshHTTPRouteRedirectHostAndStatus', 'mesh/redirect-host-and-status'),
  http('MeshHTTPRoute303Redirect', 'mesh/redirect-303', ['HTTPRoute303RedirectStatusCode']),
  http('MeshHTTPRoute307Redirect', 'mesh/redirect-307', ['HTTPRoute307RedirectStatusCode']),
  http('MeshHTTPRoute308Redirect', 'mesh/redirect-308', ['HTTPRoute308RedirectStatusCode']),
  http('MeshHTTPRouteRedirectPath', 'mesh/redirect-path', ['MeshHTTPRouteRedirectPath']),
  http('MeshHTTPRouteRedirectPort', 'mesh/redirect-port', ['MeshHTTPRouteRedirectPort']),
  http('MeshHTTPRouteSchemeRedirect', 'mesh/redirect-scheme', ['MeshHTTPRouteSchemeRedirect']),
  http('MeshHTTPRouteRewritePath', 'mesh/rewrite-path', ['MeshHTTPRouteRewritePath']),
  http('MeshConsumerRoute', 'mesh/consumer-route', ['MeshConsumerRoute', 'HTTPRouteResponseHeaderModification']),
  { name: 'MeshGRPCRouteWeight', profile: 'MESH-GRPC', features: [], scenario: 'mesh/grpcroute-weight' },
];
