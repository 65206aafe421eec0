/** Faults and timeouts applied by the waypoint. */
import { apply, defineScenario, namespace, step, svc, traffic, useWaypoint, viaWaypoint } from '../harness/scenario/dsl.ts';
import { SRC } from './sources.ts';

const enrolled = [useWaypoint(namespace(), 'waypoint')];
const SLOW = { 'x-set-response-delay-ms': '3000' };

export default [
  defineScenario({
    id: 'resilience/fault-abort',
    area: 'resilience',
    description: 'A VirtualService abort fault answers every request with the configured status',
    features: ['Waypoint', 'IstioVirtualService', 'IstioFaultInjection'],
    tier: 'extended',
    source: [SRC.faultInjection, SRC.l7Features],
    workloads: { app: ['echo'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step('abort with 418', [...enrolled, apply('resilience/echo-fault-abort.yaml')], [
        traffic('sleep', svc('echo'), 'fault-abort'),
        viaWaypoint('sleep', svc('echo-v1')),
      ]),
    ],
  }),
  defineScenario({
    id: 'resilience/fault-delay',
    area: 'resilience',
    description: 'A VirtualService delay fault holds every request for the configured time',
    features: ['Waypoint', 'IstioVirtualService', 'IstioFaultInjection'],
    tier: 'extended',
    source: [SRC.faultInjection, SRC.l7Features],
    workloads: { app: ['echo'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step('delay 2s', [...enrolled, apply('resilience/echo-fault-delay.yaml')], [
        viaWaypoint('sleep', svc('echo'), { minTimeSec: 2 }),
      ]),
    ],
  }),
  defineScenario({
    id: 'resilience/httproute-timeout',
    area: 'resilience',
    description: 'An HTTPRoute request timeout cuts a slow backend off with 504',
    features: ['Waypoint', 'HTTPRouteTimeout'],
    tier: 'core',
    source: [SRC.requestTimeouts, SRC.l7Features],
    workloads: { app: ['echo'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step('1s timeout', [...enrolled, apply('resilience/echo-route-timeout.yaml')], [
        traffic('sleep', svc('echo'), 'gateway-timeout', { headers: SLOW }),
        viaWaypoint('sleep', svc('echo')),
        viaWaypoint('sleep', svc('echo-v2'), { headers: SLOW, minTimeSec: 3 }),
      ]),
    ],
  }),
];
