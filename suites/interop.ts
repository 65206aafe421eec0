/** A sidecar-injected client calling a service behind a waypoint: the waypoint's policy still applies. */
import { apply, defineScenario, namespace, step, traffic } from '../harness/record/builders.ts';
import { svc, useWaypoint, waypointProvisioned } from './vocabulary.ts';
import { SRC } from './sources.ts';

export default [
  defineScenario({
    id: 'interop/sidecar-client',
    area: 'interop',
    description: 'A sidecar client reaches a waypoint-bound service through the waypoint, which enforces its L7 policy',
    features: ['Waypoint', 'SidecarInterop', 'L7AuthorizationPolicy'],
    profile: 'extended',
    source: [SRC.sidecarInterop, SRC.sidecarToWaypoint, SRC.baselineTest, SRC.waypointResources],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'through the waypoint',
        [useWaypoint(namespace(), 'waypoint')],
        [...waypointProvisioned('waypoint'), traffic('sidecar-sleep', svc('echo'), 'allowed')],
      ),
      step(
        'the waypoint policy applies to the sidecar client',
        [apply('authorization/echo-service-policy.yaml')],
        [traffic('sidecar-sleep', svc('echo'), 'denied-l7'), traffic('sleep', svc('echo'), 'allowed')],
      ),
    ],
  }),
];
