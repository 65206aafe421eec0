/** Faults and timeouts applied by the waypoint. */
import {
  apply,
  attempts,
  defineScenario,
  direct,
  namespace,
  scale,
  service,
  step,
  traffic,
  viaWaypoint,
} from '../harness/record/builders.ts';
import { podIP, svc, useWaypoint, waypointBound, routeAccepted, routeWaypoint } from './vocabulary.ts';
import { SRC } from './sources.ts';

const enrolled = [useWaypoint(namespace(), 'waypoint')];
const SLOW = { 'x-set-response-delay-ms': '3000' };
const answer = (status: number) => ({ 'x-set-response-status-code': String(status) });

export default [
  defineScenario({
    id: 'resilience/fault-abort',
    area: 'resilience',
    description: 'A VirtualService abort fault answers every request with the configured status',
    features: ['Waypoint', 'IstioVirtualService', 'IstioFaultInjection'],
    profile: 'extended',
    source: [SRC.faultInjection, SRC.l7Features],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'abort with 418',
        [...enrolled, apply('resilience/echo-fault-abort.yaml')],
        [traffic('sleep', svc('echo'), 'fault-abort'), viaWaypoint('sleep', svc('echo-v1'))],
      ),
    ],
  }),
  defineScenario({
    id: 'resilience/fault-delay',
    area: 'resilience',
    description: 'A VirtualService delay fault holds every request for the configured time',
    features: ['Waypoint', 'IstioVirtualService', 'IstioFaultInjection'],
    profile: 'extended',
    source: [SRC.faultInjection, SRC.l7Features],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step('delay 2s', [...enrolled, apply('resilience/echo-fault-delay.yaml')], [viaWaypoint('sleep', svc('echo'), { minTimeSec: 2 })]),
    ],
  }),
  defineScenario({
    id: 'resilience/httproute-timeout',
    area: 'resilience',
    description: 'An HTTPRoute request timeout cuts a slow backend off with 504',
    features: ['Waypoint', 'HTTPRouteTimeout'],
    profile: 'core',
    source: [SRC.requestTimeouts, SRC.l7Features, SRC.meshRouteStatus],
    workloads: { app: ['echo-v1-v2'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        '1s timeout',
        [...enrolled, apply('resilience/echo-route-timeout.yaml')],
        [
          routeAccepted('echo-timeout', 'echo'),
          routeWaypoint('echo-timeout', 'echo', true),
          traffic('sleep', svc('echo'), 'gateway-timeout', { headers: SLOW }),
          viaWaypoint('sleep', svc('echo')),
          viaWaypoint('sleep', svc('echo-v2'), { headers: SLOW, minTimeSec: 3 }),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'resilience/httproute-retry',
    area: 'resilience',
    description: 'An HTTPRoute retry repeats a request answered with a listed code, up to its attempts, and no other',
    features: ['Waypoint', 'HTTPRouteRetry'],
    profile: 'extended',
    source: [SRC.httpRouteRetry, SRC.retryPolicy, SRC.retryGep, SRC.meshRouteStatus],
    workloads: { app: ['echo-v1-v2'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'retry 500 twice; 502 only on echo-v2',
        [...enrolled, apply('resilience/echo-route-retry.yaml')],
        [
          routeAccepted('echo-retry', 'echo'),
          routeWaypoint('echo-retry', 'echo', true),
          routeAccepted('echo-v2-retry', 'echo-v2'),
          routeWaypoint('echo-v2-retry', 'echo-v2', true),
          attempts('sleep', svc('echo'), 'echo-v1', { status: 500, perRequest: 3 }, { headers: answer(500) }),
          attempts('sleep', svc('echo-v2'), 'echo-v2', { status: 500, perRequest: 1 }, { headers: answer(500) }),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'resilience/waypoint-without-pods',
    area: 'resilience',
    description:
      'A waypoint that loses its pods after it was Programmed: the Services bound to it stay bound and their traffic fails closed; what does not use it is still answered; its pods back, traffic passes it again',
    features: ['Waypoint', 'WaypointBoundStatus'],
    profile: 'core',
    source: [SRC.ztunnelWaypointUpstream, SRC.waypointAddressesKept, SRC.gatewayProgrammed, SRC.checkDeny, SRC.waypointStatus],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'echo bound to the waypoint',
        [useWaypoint(service('echo'), 'waypoint')],
        [waypointBound('echo', 'True', 'WaypointAccepted'), viaWaypoint('sleep', svc('echo')), direct('sleep', svc('echo-v1'))],
      ),
      step(
        'the waypoint scaled to zero',
        [scale('waypoint', 0)],
        [
          waypointBound('echo', 'True', 'WaypointAccepted'),
          traffic('sleep', svc('echo'), 'denied-l4'),
          direct('sleep', svc('echo-v1')),
          direct('sleep', podIP('echo-v1')),
        ],
      ),
      step('its pod back', [scale('waypoint', 1)], [viaWaypoint('sleep', svc('echo'))]),
    ],
  }),
];
