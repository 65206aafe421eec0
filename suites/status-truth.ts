/**
 * Status must tell the truth: each scenario reads what the control plane wrote (a policy bound, a
 * route accepted, a waypoint Programmed) and then sends the traffic that status promises. A
 * contradiction fails with both facts. istiod writes these conditions whatever the waypoint's class
 * (seen on real istiod 1.31 with istio-agentgateway-waypoint), so they promise for every implementation.
 * Each claim is also checked on its own first, so a control-plane-only run records the status half.
 */
import { apply, defineScenario, namespace, statusTruth, step, traffic } from '../harness/record/builders.ts';
import { podIP, policyBound, programmed, routeAccepted, svc, useWaypoint } from './vocabulary.ts';
import { SRC } from './sources.ts';

const enrolled = [useWaypoint(namespace(), 'waypoint')];

export default [
  defineScenario({
    id: 'status-truth/bound-policy-enforced',
    area: 'status-truth',
    description: 'A targetRefs AuthorizationPolicy reported WaypointAccepted=True "bound to <ns>/<waypoint>" is enforced by that waypoint',
    features: ['Waypoint', 'PolicyStatus'],
    profile: 'core',
    source: [SRC.policyBinding, SRC.l7Features, SRC.agentgatewayDocs],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'bind a policy that admits only sleep',
        [...enrolled, apply('authorization/echo-service-policy.yaml')],
        [
          policyBound('echo-viewer', 'waypoint'),
          traffic('sleep', svc('echo'), 'allowed'),
          statusTruth(policyBound('echo-viewer', 'waypoint'), traffic('notsleep', svc('echo'), 'denied-l7')),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'status-truth/route-scoped-to-parent',
    area: 'status-truth',
    description: 'An HTTPRoute accepted for Service echo-v1 changes echo-v1 traffic and leaves echo-v2, behind the same waypoint, alone',
    features: ['Waypoint', 'HTTPRouteHeaderModifier'],
    profile: 'core',
    source: [SRC.meshRouteStatus, SRC.agentgatewayRoutes],
    workloads: { app: ['echo-v1-v2'] },
    manifests: ['common/waypoint.yaml', 'status-truth/echo-v1-route-marker.yaml'],
    steps: [
      step('route on echo-v1 only', enrolled, [
        routeAccepted('echo-v1-marker', 'echo-v1'),
        statusTruth(
          routeAccepted('echo-v1-marker', 'echo-v1'),
          traffic('sleep', svc('echo-v1'), 'allowed', { routeMarker: 'echo-v1-route' }),
        ),
        statusTruth(routeAccepted('echo-v1-marker', 'echo-v1'), traffic('sleep', svc('echo-v2'), 'allowed', { routeMarker: null })),
      ]),
    ],
  }),
  defineScenario({
    id: 'status-truth/programmed-traffic-type',
    area: 'status-truth',
    description:
      'A waypoint Programmed with waypoint-for=workload serves pod-addressed traffic: the destination, which admits only the waypoint, receives it',
    features: ['Waypoint', 'L4AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.waypointDocs, SRC.gatewayDeployment, SRC.agentgatewayBindings],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint-for-workload.yaml', 'status-truth/echo-l4-waypoint-only.yaml'],
    steps: [
      step('without the label, sleep is refused at L4', [], [traffic('sleep', podIP('echo-v1'), 'denied-l4')]),
      step('pods use the workload waypoint', enrolled, [
        programmed('waypoint', 'True'),
        statusTruth(programmed('waypoint', 'True'), traffic('sleep', podIP('echo-v1'), 'allowed')),
      ]),
    ],
  }),
];
