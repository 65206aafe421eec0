/**
 * Traffic splits and matches applied by the waypoint. A split is a sequential test over requests
 * (harness/stats/split-test.ts); a backend with weight 0 must receive nothing.
 */
import {
  ECHO_BACKEND,
  REVIEWS_BACKEND,
  productpage,
  svc,
  useWaypoint,
  routeAccepted,
  routeWaypoint,
  routeParentNotFound,
  routeBackendNotFound,
} from './vocabulary.ts';
import {
  apply,
  defineScenario,
  namespace,
  remove,
  split,
  spread,
  step,
  direct,
  rejected,
  service,
  viaWaypoint,
  response,
} from '../harness/record/builders.ts';
import { SRC } from './sources.ts';

const enrolled = [useWaypoint(namespace(), 'waypoint')];
const ALL_VERSIONS = ['echo-v1', 'echo-v2', 'echo-v3'];

export default [
  defineScenario({
    id: 'routing/httproute-90-10',
    area: 'routing',
    description: 'The getting-started split: reviews 90% v1, 10% v2, nothing to v3, seen through productpage',
    features: ['Waypoint', 'HTTPRouteWeights'],
    profile: 'core',
    source: [SRC.manageTraffic, SRC.gettingStartedTest, SRC.meshRouteStatus],
    workloads: { app: ['bookinfo'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'split reviews 90/10',
        [...enrolled, apply('routing/reviews-90-10.yaml')],
        [
          routeAccepted('reviews', 'reviews'),
          routeWaypoint('reviews', 'reviews', true),
          split('sleep', productpage(), { 'reviews-v1': 90, 'reviews-v2': 10, 'reviews-v3': 0 }, REVIEWS_BACKEND),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'routing/virtualservice-90-10',
    area: 'routing',
    description: 'The same 90/10 split with a VirtualService and DestinationRule subsets',
    features: ['Waypoint', 'IstioVirtualService'],
    profile: 'extended',
    source: [SRC.manageTraffic, SRC.l7Features],
    workloads: { app: ['bookinfo'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'split reviews 90/10',
        [...enrolled, apply('routing/reviews-vs-90-10.yaml')],
        [split('sleep', productpage(), { 'reviews-v1': 90, 'reviews-v2': 10, 'reviews-v3': 0 }, REVIEWS_BACKEND)],
      ),
    ],
  }),
  defineScenario({
    id: 'routing/weight-100-0',
    area: 'routing',
    description: 'A 100/0 split sends nothing to the weight-0 backend',
    features: ['Waypoint', 'HTTPRouteWeights'],
    profile: 'core',
    source: [SRC.manageTraffic, SRC.meshRouteStatus],
    workloads: { app: ['echo'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'route everything to v1',
        [...enrolled, apply('routing/echo-100-0.yaml')],
        [
          routeAccepted('echo-split', 'echo'),
          routeWaypoint('echo-split', 'echo', true),
          split('sleep', svc('echo'), { 'echo-v1': 100, 'echo-v2': 0, 'echo-v3': 0 }, ECHO_BACKEND),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'routing/route-removed-restores-spread',
    area: 'routing',
    description: "Deleting the route restores the default: every version serves again (how evenly is the implementation's choice)",
    features: ['Waypoint', 'HTTPRouteWeights'],
    profile: 'core',
    source: [SRC.manageTraffic, SRC.cleanup, SRC.meshRouteStatus],
    workloads: { app: ['echo'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step('without a route every version serves', enrolled, [spread('sleep', svc('echo'), ALL_VERSIONS, ECHO_BACKEND)]),
      step(
        'route everything to v1',
        [apply('routing/echo-100-0.yaml')],
        [
          routeAccepted('echo-split', 'echo'),
          routeWaypoint('echo-split', 'echo', true),
          split('sleep', svc('echo'), { 'echo-v1': 100, 'echo-v2': 0, 'echo-v3': 0 }, ECHO_BACKEND),
        ],
      ),
      step('delete the route', [remove('routing/echo-100-0.yaml')], [spread('sleep', svc('echo'), ALL_VERSIONS, ECHO_BACKEND)]),
    ],
  }),
  defineScenario({
    id: 'routing/header-match',
    area: 'routing',
    description: 'An HTTPRoute header match sends matching requests to v2 and the rest to v1',
    features: ['Waypoint', 'HTTPRouteMatching'],
    profile: 'core',
    source: [SRC.l7Features, SRC.meshRouteStatus],
    workloads: { app: ['echo'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'match x-wpt-user: jason',
        [...enrolled, apply('routing/echo-header-match.yaml')],
        [
          routeAccepted('echo-by-header', 'echo'),
          routeWaypoint('echo-by-header', 'echo', true),
          split('sleep', svc('echo'), { 'echo-v2': 1, 'echo-v1': 0, 'echo-v3': 0 }, ECHO_BACKEND, { headers: { 'x-wpt-user': 'jason' } }),
          split('sleep', svc('echo'), { 'echo-v1': 1, 'echo-v2': 0, 'echo-v3': 0 }, ECHO_BACKEND),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'routing/path-match',
    area: 'routing',
    description: 'An HTTPRoute path prefix match sends /v3 to v3 and the rest to v1',
    features: ['Waypoint', 'HTTPRouteMatching'],
    profile: 'core',
    source: [SRC.l7Features, SRC.meshRouteStatus],
    workloads: { app: ['echo'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'match /v3',
        [...enrolled, apply('routing/echo-path-match.yaml')],
        [
          routeAccepted('echo-by-path', 'echo'),
          routeWaypoint('echo-by-path', 'echo', true),
          split('sleep', svc('echo', { path: '/v3/item' }), { 'echo-v3': 1, 'echo-v1': 0, 'echo-v2': 0 }, ECHO_BACKEND),
          split('sleep', svc('echo', { path: '/other' }), { 'echo-v1': 1, 'echo-v2': 0, 'echo-v3': 0 }, ECHO_BACKEND),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'routing/virtualservice-header-match',
    area: 'routing',
    description: 'A VirtualService header match with DestinationRule subsets',
    features: ['Waypoint', 'IstioVirtualService'],
    profile: 'extended',
    source: [SRC.l7Features],
    workloads: { app: ['echo'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'match x-wpt-user: jason',
        [...enrolled, apply('routing/echo-vs-header-match.yaml')],
        [
          split('sleep', svc('echo'), { 'echo-v3': 1, 'echo-v1': 0, 'echo-v2': 0 }, ECHO_BACKEND, { headers: { 'x-wpt-user': 'jason' } }),
          split('notsleep', svc('echo'), { 'echo-v2': 1, 'echo-v1': 0, 'echo-v3': 0 }, ECHO_BACKEND),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'routing/route-without-waypoint',
    area: 'routing',
    description: 'A mesh route whose Service has no waypoint is accepted but not respected, and istiod says so; once bound it applies',
    features: ['Waypoint', 'HTTPRouteHeaderModifier'],
    profile: 'core',
    source: [SRC.routeConditions, SRC.waypointDocs, SRC.meshRouteStatus],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml', 'common/echo-route-marker.yaml'],
    steps: [
      step(
        'no waypoint: the route is not respected',
        [],
        [
          routeAccepted('echo-marker', 'echo'),
          routeWaypoint('echo-marker', 'echo', false),
          direct('sleep', svc('echo'), { routeMarker: null }),
        ],
      ),
      step(
        'bind the Service to the waypoint: the route applies',
        [useWaypoint(service('echo'), 'waypoint')],
        [routeWaypoint('echo-marker', 'echo', true), viaWaypoint('sleep', svc('echo'), { routeMarker: 'echo-route' })],
      ),
    ],
  }),
  defineScenario({
    id: 'routing/invalid-virtualservice-rejected',
    area: 'routing',
    description: "istiod's validating webhook refuses a VirtualService route without a destination host",
    features: ['IstioVirtualService', 'IstioConfigValidation'],
    profile: 'extended',
    source: [SRC.configValidation],
    workloads: { app: ['echo-v1'] },
    manifests: [],
    steps: [
      step(
        'apply a route with an empty host',
        [],
        [rejected('routing/invalid-virtualservice-empty-host.yaml', 'empty domain name not allowed')],
      ),
    ],
  }),
  defineScenario({
    id: 'routing/route-status-label-only',
    area: 'routing',
    description:
      'ResolvedWaypoints reports a configured use-waypoint label, not a working waypoint: a label naming a missing waypoint reads resolved while the route is not respected; a missing parent is NoMatchingParent',
    features: ['Waypoint', 'HTTPRouteHeaderModifier'],
    profile: 'core',
    source: [SRC.routeLabelOnly, SRC.routeConditions, SRC.meshRouteStatus],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml', 'common/echo-route-marker.yaml', 'routing/echo-route-missing-parent.yaml'],
    steps: [
      step(
        'echo labelled with a waypoint that does not exist',
        [useWaypoint(service('echo'), 'no-such-waypoint')],
        [
          routeAccepted('echo-marker', 'echo'),
          routeWaypoint('echo-marker', 'echo', true),
          direct('sleep', svc('echo'), { routeMarker: null }),
          ...routeParentNotFound('missing-parent', 'no-such-service'),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'routing/backend-not-found',
    area: 'routing',
    description:
      "A route rule whose backend Service does not exist answers 500 and is reported ResolvedRefs False BackendNotFound; the route's other rule still applies",
    features: ['Waypoint', 'HTTPRouteMatching'],
    profile: 'core',
    source: [SRC.backendNotFound, SRC.meshRouteStatus],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'route with a missing backend on /missing',
        [...enrolled, apply('routing/echo-missing-backend.yaml')],
        [
          routeAccepted('echo-missing-backend', 'echo'),
          routeBackendNotFound('echo-missing-backend', 'echo', 'no-such-service'),
          response('sleep', svc('echo', { path: '/missing' }), 500),
          response('sleep', svc('echo', { path: '/other' }), 200, { backend: 'echo-v1' }),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'routing/rule-without-backends',
    area: 'routing',
    description:
      'A route rule without backendRefs answers 500 instead of falling through to the parent Service; the route stays Accepted with its references resolved, and its other rule still applies',
    features: ['Waypoint', 'HTTPRouteMatching'],
    profile: 'core',
    source: [SRC.emptyRule, SRC.meshRouteStatus],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'route with an empty rule on /empty',
        [...enrolled, apply('routing/echo-empty-rule.yaml')],
        [
          routeAccepted('echo-empty-rule', 'echo'),
          {
            type: 'condition',
            object: { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute', ns: 'app', name: 'echo-empty-rule' },
            parent: { kind: 'Service', name: 'echo' },
            condition: 'ResolvedRefs',
            status: 'True',
            reason: 'ResolvedRefs',
            message: 'All references resolved',
          },
          response('sleep', svc('echo', { path: '/empty' }), 500),
          response('sleep', svc('echo', { path: '/other' }), 200, { backend: 'echo-v1' }),
        ],
      ),
    ],
  }),
];
