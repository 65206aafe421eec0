/**
 * Gateway API's mesh conformance tests (kubernetes-sigs/gateway-api v1.6.0 conformance/tests/mesh/,
 * profiles MESH-HTTP and MESH-GRPC), on waypoints: every route's parentRef is a Service bound to a
 * waypoint, so the waypoint is the proxy that applies it. The behaviours are upstream's; the
 * manifests and requests are this suite's own. docs/gateway-api-mesh.md maps test names to ids.
 */
import { apply, clientIn, defineScenario, namespace, redirect, response, split, step, viaWaypoint } from '../harness/record/builders.ts';
import { meshRouteAccepted, meshRouteWaypoint, podIP, routeAccepted, routeWaypoint, svc, useWaypoint, ECHO_BACKEND } from './vocabulary.ts';
import type { BackendMarker, Feature, WorkloadSet } from '../harness/scenario/types.ts';
import type { Expectation } from '../harness/checks/registry.ts';
import type { Scenario, Step } from '../harness/record/record.ts';
import { ECHO_GRPC_METHOD } from '../harness/traffic/grpc.ts';
import { SRC } from './sources.ts';

const GW = (file: string) => `kubernetes-sigs/gateway-api conformance/tests/mesh/${file} (v1.6.0)`;
const FILTERS =
  'kubernetes-sigs/gateway-api apis/v1/httproute_types.go (HTTPRouteMatch precedence, HTTPRequestRedirectFilter, HTTPURLRewriteFilter, HTTPHeaderFilter)';
const ISTIO_CONVERSION =
  'istio/istio pilot/pkg/config/kube/gateway/conversion.go (HTTPRoute filters to Envoy routes, applied by the waypoint)';

const enrolled = [useWaypoint(namespace(), 'waypoint')];

/** Unary gRPC calls with curl (harness/traffic/grpc.ts) to Istio's echo app (fixtures/workloads/grpc-echo.yaml). */
const GRPC_CALL =
  'grpc/grpc doc/PROTOCOL-HTTP2.md; istio/istio pkg/test/echo/proto/echo.proto, pkg/test/echo/server/endpoint/grpc.go (Hostname= line)';
const GRPC_PORT = 7070;
const GRPC_ECHO_BACKEND: BackendMarker = { pattern: 'Hostname=grpc-echo-v[0-9]-', normalize: 'grpc-echo-v[0-9]' };

/** A scenario of one Gateway API mesh test: bind the namespace to the waypoint, apply the route, check it. */
function meshScenario(s: {
  id: string;
  description: string;
  features: Feature[];
  profile: 'core' | 'extended';
  test: string;
  fixture: string;
  route: string;
  parent: string;
  kind?: 'HTTPRoute' | 'GRPCRoute';
  checks: Expectation[];
  extraSteps?: Step[];
  /** The echo versions the test names (test/unit/suites/catalogue-workloads.test.ts); all three by default. */
  backends?: WorkloadSet;
}): Scenario {
  const kind = s.kind ?? 'HTTPRoute';
  return defineScenario({
    id: `mesh/${s.id}`,
    area: 'mesh',
    description: s.description,
    features: ['Waypoint', 'Mesh', ...s.features],
    profile: s.profile,
    source: [GW(s.test), SRC.meshRouteStatus, FILTERS, ISTIO_CONVERSION],
    workloads: { app: [s.backends ?? 'echo'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        `apply ${s.fixture}`,
        [...enrolled, apply(`mesh/${s.fixture}`)],
        [meshRouteAccepted(kind, s.route, s.parent), meshRouteWaypoint(kind, s.route, s.parent, true), ...s.checks],
      ),
      ...(s.extraSteps ?? []),
    ],
  });
}

const echo = (path = '/') => svc('echo', { path });
const EXAMPLE = 'example.org';

export default [
  defineScenario({
    id: 'mesh/basic',
    area: 'mesh',
    description: 'A client in the mesh reaches a Service bound to a waypoint, with no route configured',
    features: ['Waypoint', 'Mesh'],
    profile: 'core',
    source: [GW('mesh-basic.go'), SRC.waypointDocs],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step('no route', enrolled, [viaWaypoint('sleep', svc('echo')), response('sleep', svc('echo-v1'), 200, { backend: 'echo-v1' })]),
    ],
  }),
  meshScenario({
    id: 'simple-same-namespace',
    backends: 'echo-v1',
    test: 'httproute-simple-same-namespace.go',
    profile: 'core',
    features: ['HTTPRoute'],
    description: "One HTTPRoute in the Service's namespace sends all of the Service's traffic to one backend",
    fixture: 'simple-same-namespace.yaml',
    route: 'echo-to-v1',
    parent: 'echo',
    checks: [response('sleep', echo(), 200, { backend: 'echo-v1' })],
  }),
  meshScenario({
    id: 'frontend',
    backends: 'echo-v1-v2',
    test: 'mesh-frontend.go',
    profile: 'extended',
    features: ['HTTPRoute', 'HTTPRouteResponseHeaderModification'],
    description: "A route applies to callers of its Service, not to callers of the Service's pod address",
    fixture: 'frontend.yaml',
    route: 'echo-v2-marked',
    parent: 'echo-v2',
    checks: [
      response('sleep', svc('echo-v2'), 200, { backend: 'echo-v2', responseHeaders: { 'X-Wpt-Frontend': 'echo-v2' } }),
      response('sleep', podIP('echo-v2'), 200, { backend: 'echo-v2', responseHeaders: { 'X-Wpt-Frontend': null } }),
    ],
  }),
  meshScenario({
    id: 'frontend-hostname',
    backends: 'echo-v1-v2',
    test: 'mesh-frontend-hostname.go',
    profile: 'extended',
    features: ['HTTPRoute', 'HTTPRouteResponseHeaderModification', 'MeshClusterIPMatching'],
    description: 'The route is chosen by the Service address called, whatever the Host header says',
    fixture: 'frontend.yaml',
    route: 'echo-v2-marked',
    parent: 'echo-v2',
    checks: [
      response('sleep', svc('echo-v2'), 200, {
        headers: { Host: 'echo-v1' },
        backend: 'echo-v2',
        responseHeaders: { 'X-Wpt-Frontend': 'echo-v2' },
      }),
      response('sleep', svc('echo-v1'), 200, {
        headers: { Host: 'echo-v2' },
        backend: 'echo-v1',
        responseHeaders: { 'X-Wpt-Frontend': null },
      }),
    ],
  }),
  meshScenario({
    id: 'ports',
    backends: 'echo-v1-v2',
    test: 'mesh-ports.go',
    profile: 'extended',
    features: ['HTTPRoute', 'HTTPRouteParentRefPort', 'HTTPRouteResponseHeaderModification'],
    description: 'A route whose parentRef names a port applies to that Service port only; without a port, to all',
    fixture: 'ports.yaml',
    route: 'echo-port-8081',
    parent: 'echo-two-ports',
    checks: [
      routeAccepted('echo-v2-any-port', 'echo-v2'),
      response('sleep', svc('echo-two-ports', { port: 8081 }), 200, {
        backend: 'echo-v1',
        responseHeaders: { 'X-Wpt-Port-Route': 'port-8081' },
      }),
      response('sleep', svc('echo-two-ports', { port: 8080 }), 200, { backend: 'echo-v1', responseHeaders: { 'X-Wpt-Port-Route': null } }),
      response('sleep', svc('echo-v2'), 200, { backend: 'echo-v2', responseHeaders: { 'X-Wpt-Port-Route': 'any-port' } }),
    ],
  }),
  defineScenario({
    id: 'mesh/consumer-route',
    area: 'mesh',
    description: "A route in a namespace other than its Service's applies only to requests from workloads of its own namespace",
    features: ['Waypoint', 'Mesh', 'HTTPRoute', 'MeshConsumerRoute', 'HTTPRouteResponseHeaderModification'],
    profile: 'extended',
    source: [
      GW('mesh-consumer-route.go'),
      'kubernetes-sigs/gateway-api site-src/mesh/index.md (consumer routes)',
      // No namespace check for a Service parent: istiod accepts a consumer route like a producer route.
      'istio/istio pilot/pkg/config/kube/gateway/conversion.go (referenceAllowed, toInternalParentReference)',
      SRC.meshRouteStatus,
    ],
    namespaces: ['app', 'consumer'],
    workloads: { app: ['echo-v1', 'client'], consumer: ['client'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'apply consumer-route.yaml',
        [...enrolled, apply('mesh/consumer-route.yaml')],
        [
          routeAccepted('echo-v1-for-consumer', 'echo-v1', 'consumer'),
          routeWaypoint('echo-v1-for-consumer', 'echo-v1', true, 'consumer'),
          // The route's own namespace first: once it sees the mark, the route is in effect for the checks after it.
          response(clientIn('consumer'), svc('echo-v1'), 200, {
            backend: 'echo-v1',
            responseHeaders: { 'X-Wpt-Consumer': 'consumer-route' },
          }),
          response(clientIn('app'), svc('echo-v1'), 200, { backend: 'echo-v1', responseHeaders: { 'X-Wpt-Consumer': null } }),
          response('sleep', svc('echo-v1'), 200, { backend: 'echo-v1', responseHeaders: { 'X-Wpt-Consumer': null } }),
        ],
      ),
    ],
  }),
  meshScenario({
    id: 'traffic-split',
    backends: 'echo-v1-v2',
    test: 'mesh-split.go',
    profile: 'core',
    features: ['HTTPRoute'],
    description: 'One Service split by path between two versions',
    fixture: 'traffic-split.yaml',
    route: 'echo-split-by-path',
    parent: 'echo',
    checks: [
      response('sleep', echo('/first'), 200, { backend: 'echo-v1' }),
      response('sleep', echo('/second'), 200, { backend: 'echo-v2' }),
    ],
  }),
  meshScenario({
    id: 'httproute-weight',
    test: 'httproute-weight.go',
    profile: 'core',
    features: ['HTTPRoute'],
    description: "Weighted backends 70/30, decided by the suite's sequential split test (not a tolerance band)",
    fixture: 'weight-70-30.yaml',
    route: 'echo-70-30',
    parent: 'echo',
    checks: [split('sleep', echo(), { 'echo-v1': 70, 'echo-v2': 30, 'echo-v3': 0 }, ECHO_BACKEND)],
  }),
  meshScenario({
    id: 'matching',
    backends: 'echo-v1-v2',
    test: 'httproute-matching.go',
    profile: 'core',
    features: ['HTTPRoute'],
    description: 'Path prefix (whole segments) and header matches choose the backend; the most specific match wins',
    fixture: 'matching.yaml',
    route: 'echo-by-path-or-header',
    parent: 'echo',
    checks: [
      response('sleep', echo('/'), 200, { backend: 'echo-v1' }),
      response('sleep', echo('/other'), 200, { backend: 'echo-v1' }),
      response('sleep', echo('/'), 200, { backend: 'echo-v1', headers: { 'X-Wpt-Track': 'stable' } }),
      response('sleep', echo('/beta'), 200, { backend: 'echo-v2' }),
      response('sleep', echo('/beta/'), 200, { backend: 'echo-v2' }),
      response('sleep', echo('/beta/item'), 200, { backend: 'echo-v2' }),
      response('sleep', echo('/'), 200, { backend: 'echo-v2', headers: { 'X-Wpt-Track': 'beta' } }),
      response('sleep', echo('/betamax'), 200, { backend: 'echo-v1' }),
      response('sleep', echo('/other/beta/item'), 200, { backend: 'echo-v1' }),
    ],
  }),
  meshScenario({
    id: 'query-param-matching',
    backends: 'echo-v1-v2',
    test: 'httproute-query-param-matching.go',
    profile: 'extended',
    features: ['HTTPRoute', 'MeshHTTPRouteQueryParamMatching'],
    description:
      'Query parameters choose the backend; no matching rule means 404; an Exact path with the parameter wins over the parameter alone',
    fixture: 'query-param-matching.yaml',
    route: 'echo-by-query',
    parent: 'echo',
    checks: [
      response('sleep', echo('/?fruit=apple'), 200, { backend: 'echo-v1' }),
      response('sleep', echo('/?fruit=pear'), 200, { backend: 'echo-v2' }),
      response('sleep', echo('/?fruit=apple&colour=red'), 200, { backend: 'echo-v1' }),
      response('sleep', echo('/?fruit=applepear'), 404),
      response('sleep', echo('/?colour=red'), 404),
      response('sleep', echo('/'), 404),
      response('sleep', echo('/exact?fruit=plum'), 200, { backend: 'echo-v1' }),
      response('sleep', echo('/other?fruit=plum'), 200, { backend: 'echo-v2' }),
    ],
  }),
  meshScenario({
    id: 'named-rule',
    backends: 'echo-v1-v2',
    test: 'httproute-named-rule.go',
    profile: 'extended',
    features: ['HTTPRoute', 'MeshHTTPRouteNamedRouteRule'],
    description: 'A route with a named and an unnamed rule applies both',
    fixture: 'named-rule.yaml',
    route: 'echo-named-rule',
    parent: 'echo',
    checks: [
      response('sleep', echo('/with-name'), 200, { backend: 'echo-v1' }),
      response('sleep', echo('/without-name'), 200, { backend: 'echo-v2' }),
    ],
  }),
  meshScenario({
    id: 'request-header-modifier',
    backends: 'echo-v1',
    test: 'httproute-request-header-modifier.go',
    profile: 'core',
    features: ['HTTPRoute'],
    description: 'RequestHeaderModifier on a rule: set overwrites, add appends to an existing value, remove deletes',
    fixture: 'request-header-modifier.yaml',
    route: 'echo-request-headers',
    parent: 'echo',
    checks: headerChecks('from-route'),
  }),
  meshScenario({
    id: 'backend-request-header-modifier',
    backends: 'echo-v1',
    test: 'httproute-request-header-modifier.go',
    profile: 'extended',
    features: ['HTTPRoute', 'MeshHTTPRouteBackendRequestHeaderModification'],
    description: 'RequestHeaderModifier on a backendRef: set overwrites, add appends, remove deletes',
    fixture: 'backend-request-header-modifier.yaml',
    route: 'echo-backend-request-headers',
    parent: 'echo',
    checks: headerChecks('from-backend'),
  }),
  meshScenario({
    id: 'redirect-host-and-status',
    backends: 'echo-v1',
    test: 'httproute-redirect-host-and-status.go',
    profile: 'core',
    features: ['HTTPRoute'],
    description:
      'The waypoint answers a redirect to another host itself, 302 by default or the status asked (301); the client does not follow it',
    fixture: 'redirect-host-and-status.yaml',
    route: 'echo-redirect-host',
    parent: 'echo',
    checks: [
      redirect('sleep', echo('/to-other-host'), 302, { host: EXAMPLE, path: '/to-other-host' }),
      redirect('sleep', echo('/moved-for-good'), 301, { host: EXAMPLE, path: '/moved-for-good' }),
    ],
  }),
  ...([303, 307, 308] as const).map((code) =>
    meshScenario({
      id: `redirect-${code}`,
      backends: 'echo-v1',
      test: `httproute-${code}-redirect.go`,
      profile: 'extended',
      features: ['HTTPRoute', `HTTPRoute${code}RedirectStatusCode`],
      description: `A redirect answered with status ${code}`,
      fixture: `redirect-${code}.yaml`,
      route: `echo-redirect-${code}`,
      parent: 'echo',
      checks: [redirect('sleep', echo(`/status-${code}`), code, { host: EXAMPLE, path: `/status-${code}` })],
    }),
  ),
  meshScenario({
    id: 'redirect-path',
    backends: 'echo-v1',
    test: 'httproute-redirect-path.go',
    profile: 'extended',
    features: ['HTTPRoute', 'MeshHTTPRouteRedirectPath'],
    description: 'Redirects that replace a path prefix or the whole path, alone or with a host or a status',
    fixture: 'redirect-path.yaml',
    route: 'echo-redirect-path',
    parent: 'echo',
    checks: [
      redirect('sleep', echo('/old-prefix/lemon'), 302, { path: '/new-prefix/lemon' }),
      redirect('sleep', echo('/whole/old/path'), 302, { path: '/whole-new-path' }),
      redirect('sleep', echo('/path-and-host'), 302, { host: EXAMPLE, path: '/elsewhere' }),
      redirect('sleep', echo('/path-and-status'), 301, { path: '/moved' }),
    ],
  }),
  meshScenario({
    id: 'redirect-port',
    backends: 'echo-v1',
    test: 'httproute-redirect-port.go',
    profile: 'extended',
    features: ['HTTPRoute', 'MeshHTTPRouteRedirectPort'],
    description: 'Redirects to another port, alone or with a host or a status',
    fixture: 'redirect-port.yaml',
    route: 'echo-redirect-port',
    parent: 'echo',
    checks: [
      redirect('sleep', echo('/port-only'), 302, { port: '8443', path: '/port-only' }),
      redirect('sleep', echo('/port-and-host'), 302, { host: EXAMPLE, port: '8443' }),
      redirect('sleep', echo('/port-and-status'), 301, { port: '8443' }),
    ],
  }),
  meshScenario({
    id: 'redirect-scheme',
    backends: 'echo-v1',
    test: 'httproute-redirect-scheme.go',
    profile: 'extended',
    features: ['HTTPRoute', 'MeshHTTPRouteSchemeRedirect'],
    description: 'Redirects to https, alone or with a host or a status',
    fixture: 'redirect-scheme.yaml',
    route: 'echo-redirect-scheme',
    parent: 'echo',
    checks: [
      redirect('sleep', echo('/scheme-only'), 302, { scheme: 'https', path: '/scheme-only' }),
      redirect('sleep', echo('/scheme-and-host'), 302, { scheme: 'https', host: EXAMPLE }),
      redirect('sleep', echo('/scheme-and-status'), 301, { scheme: 'https' }),
    ],
  }),
  meshScenario({
    id: 'rewrite-path',
    backends: 'echo-v1',
    test: 'httproute-rewrite-path.go',
    profile: 'extended',
    features: ['HTTPRoute', 'MeshHTTPRouteRewritePath'],
    description: 'URLRewrite changes the path the backend receives: a prefix replaced, a prefix stripped, the whole path replaced',
    fixture: 'rewrite-path.yaml',
    route: 'echo-rewrite-path',
    parent: 'echo',
    checks: [
      response('sleep', echo('/api/v1/items'), 200, { backend: 'echo-v1', backendPath: '/v1/items' }),
      response('sleep', echo('/strip/three'), 200, { backend: 'echo-v1', backendPath: '/three' }),
      response('sleep', echo('/strip'), 200, { backend: 'echo-v1', backendPath: '/' }),
      response('sleep', echo('/fixed/any/thing'), 200, { backend: 'echo-v1', backendPath: '/the-one-path' }),
    ],
  }),
  defineScenario({
    id: 'mesh/grpcroute-weight',
    area: 'mesh',
    description:
      "A GRPCRoute on a Service splits unary gRPC calls 70/30 and sends none to a weight-0 backend, decided by the suite's sequential split test",
    features: ['Waypoint', 'Mesh', 'GRPCRoute'],
    profile: 'core',
    source: [GW('grpcroute-weight.go'), SRC.meshRouteStatus, GRPC_CALL],
    workloads: { app: ['grpc-echo'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'apply grpcroute-weight.yaml',
        [...enrolled, apply('mesh/grpcroute-weight.yaml')],
        [
          meshRouteAccepted('GRPCRoute', 'echo-grpc-70-30', 'grpc-echo'),
          meshRouteWaypoint('GRPCRoute', 'echo-grpc-70-30', 'grpc-echo', true),
          split(
            'sleep',
            svc('grpc-echo', { port: GRPC_PORT, path: ECHO_GRPC_METHOD }),
            { 'grpc-echo-v1': 70, 'grpc-echo-v2': 30, 'grpc-echo-v3': 0 },
            GRPC_ECHO_BACKEND,
            { protocol: 'grpc' },
          ),
        ],
      ),
    ],
  }),
];

/** The header filter checks shared by the rule-level and backend-level variants. */
function headerChecks(value: string): Expectation[] {
  return [
    response('sleep', echo('/set'), 200, {
      headers: { 'X-Wpt-Set': 'from-client', 'X-Wpt-Other': 'kept' },
      requestHeaders: { 'X-Wpt-Set': value, 'X-Wpt-Other': 'kept' },
    }),
    response('sleep', echo('/add'), 200, {
      headers: { 'X-Wpt-Add': 'from-client' },
      requestHeaders: { 'X-Wpt-Add': `from-client,${value}` },
    }),
    response('sleep', echo('/add'), 200, { requestHeaders: { 'X-Wpt-Add': value } }),
    response('sleep', echo('/remove'), 200, {
      headers: { 'X-Wpt-Remove': 'from-client', 'X-Wpt-Other': 'kept' },
      requestHeaders: { 'X-Wpt-Remove': null, 'X-Wpt-Other': 'kept' },
    }),
  ];
}
