/** Undoing each step of the user journey brings traffic back to the documented state and leaves nothing. */
import { apply, defineScenario, direct, label, namespace, remove, step, traffic, viaWaypoint } from '../harness/record/builders.ts';
import { svc, useWaypoint, waypointResourcesGone, routeAccepted, waypointProvisioned, routeWaypoint } from './vocabulary.ts';
import { SRC } from './sources.ts';

export default [
  defineScenario({
    id: 'cleanup/remove-use-waypoint-label',
    area: 'cleanup',
    description: "Removing the namespace's use-waypoint label takes its traffic off the waypoint",
    features: ['Waypoint'],
    profile: 'core',
    source: [SRC.cleanup, SRC.waypointBinding],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml', 'common/echo-route-marker.yaml'],
    steps: [
      step('enrolled', [useWaypoint(namespace(), 'waypoint')], [viaWaypoint('sleep', svc('echo'), { routeMarker: 'echo-route' })]),
      step('label removed', [useWaypoint(namespace(), null)], [direct('sleep', svc('echo'), { routeMarker: null })]),
    ],
  }),
  defineScenario({
    id: 'cleanup/delete-waypoint',
    area: 'cleanup',
    description: 'Deleting the waypoint removes its Deployment, Service, ServiceAccount and pods; traffic goes direct',
    features: ['Waypoint'],
    profile: 'core',
    source: [SRC.cleanup, SRC.gatewayDeployment, SRC.waypointResources],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step('enrolled', [useWaypoint(namespace(), 'waypoint')], [...waypointProvisioned('waypoint'), viaWaypoint('sleep', svc('echo'))]),
      step(
        'label removed and waypoint deleted',
        [useWaypoint(namespace(), null), remove('common/waypoint.yaml')],
        [waypointResourcesGone('waypoint'), direct('sleep', svc('echo'))],
      ),
    ],
  }),
  defineScenario({
    id: 'cleanup/unenroll-namespace',
    area: 'cleanup',
    description: 'Removing dataplane-mode takes the pods out of ambient: ztunnel no longer enforces L4 policy for them',
    features: ['L4AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.cleanup, SRC.addWorkloads],
    workloads: { app: ['echo-v1'] },
    manifests: ['authorization/echo-l4-sleep-only.yaml'],
    steps: [
      step('enrolled: policy enforced', [], [traffic('notsleep', svc('echo'), 'denied-l4')]),
      step('unenrolled: nothing intercepts', [label(namespace(), { 'istio.io/dataplane-mode': null })], [direct('notsleep', svc('echo'))]),
    ],
  }),
  defineScenario({
    id: 'cleanup/route-removed',
    area: 'cleanup',
    description: 'Deleting an HTTPRoute stops its filter while traffic keeps passing the waypoint',
    features: ['Waypoint', 'HTTPRouteHeaderModifier'],
    profile: 'core',
    source: [SRC.cleanup, SRC.waypointDocs, SRC.meshRouteStatus],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'route applied',
        [useWaypoint(namespace(), 'waypoint'), apply('common/echo-route-marker.yaml')],
        [
          routeAccepted('echo-marker', 'echo'),
          routeWaypoint('echo-marker', 'echo', true),
          viaWaypoint('sleep', svc('echo'), { routeMarker: 'echo-route' }),
        ],
      ),
      step('route deleted', [remove('common/echo-route-marker.yaml')], [viaWaypoint('sleep', svc('echo'), { routeMarker: null })]),
    ],
  }),
  defineScenario({
    id: 'cleanup/policy-removed-direct',
    area: 'cleanup',
    description: 'Removing an L4 policy restores access for the denied client',
    features: ['L4AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.cleanup, SRC.l4Policy],
    workloads: { app: ['echo-v1'] },
    manifests: ['authorization/echo-l4-sleep-only.yaml'],
    steps: [
      step('denied', [], [traffic('notsleep', svc('echo'), 'denied-l4')]),
      step('policy removed', [remove('authorization/echo-l4-sleep-only.yaml')], [direct('notsleep', svc('echo'))]),
    ],
  }),
];
