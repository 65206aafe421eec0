/** What the waypoint reports about the requests it handled. */
import { defineScenario, namespace, step, viaWaypoint } from '../harness/record/builders.ts';
import { svc, useWaypoint, waypointRequests, waypointProvisioned } from './vocabulary.ts';
import { SRC } from './sources.ts';

export default [
  defineScenario({
    id: 'observability/waypoint-request-metrics',
    area: 'observability',
    description: 'istio_requests_total{reporter="waypoint"} counts exactly the requests sent through the waypoint',
    features: ['Waypoint', 'WaypointMetrics'],
    profile: 'extended',
    source: [SRC.waypointMetrics, SRC.waypointDocs, SRC.waypointResources],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'send 20 requests',
        [useWaypoint(namespace(), 'waypoint')],
        [
          ...waypointProvisioned('waypoint'),
          viaWaypoint('sleep', svc('echo')),
          waypointRequests('waypoint', 'echo', { from: 'sleep', to: svc('echo'), count: 20 }),
        ],
      ),
    ],
  }),
];
