/**
 * Which traffic a waypoint takes: the use-waypoint label on a namespace, service or pod, the
 * waypoint-for traffic type, opting out with "none", and waypoints in another namespace.
 * Binding rules: istio pilot/pkg/serviceregistry/ambient/waypoints.go (fetchWaypointForService /
 * fetchWaypointForWorkload): a missing, denied or wrong-type waypoint means no waypoint, so traffic
 * goes direct, never to the namespace's waypoint; service-addressed traffic uses the service's waypoint
 * only, pod-IP traffic the pod's (istio/ztunnel src/proxy/outbound.rs). Scenarios that prove a
 * waypoint is not used give the traffic a working waypoint it could wrongly take.
 */
import { apply, defineScenario, direct, label, namespace, pods, service, step, traffic, viaWaypoint } from '../harness/record/builders.ts';
import {
  meshHost,
  podIP,
  policyCondition,
  svc,
  useWaypoint,
  waypointBound,
  waypointBoundMessage,
  waypointProvisioned,
} from './vocabulary.ts';
import type { ConditionExpectation } from '../harness/checks/condition.ts';
import type { Expectation } from '../harness/checks/registry.ts';
import { SRC } from './sources.ts';

const BOUND = 'Successfully attached to waypoint';

/** A condition istiod writes on a ServiceEntry or WorkloadEntry of the app namespace (istio pilot/pkg/model/service.go GetConditions). */
function entryCondition(
  kind: 'ServiceEntry' | 'WorkloadEntry',
  name: string,
  condition: string,
  status: 'True' | 'False',
  reason: string,
  message: string,
): ConditionExpectation {
  return {
    type: 'condition',
    object: { apiVersion: 'networking.istio.io/v1', kind, ns: 'app', name },
    condition,
    status,
    reason,
    message,
    feature: 'WaypointBoundStatus',
  };
}

/** istiod allocated the ServiceEntry an address, which ztunnel's DNS proxy answers its host with (istio pilot/pkg/controllers/ipallocate/ipallocate.go). */
function addressAllocated(name: string): Expectation {
  return {
    type: 'present',
    objects: [
      {
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        ns: 'app',
        name,
        fields: [{ path: ['status', 'addresses', 0, 'value'], nonEmpty: true }],
      },
    ],
  };
}

const SE_HOST = meshHost('echo.${APP_NS}.wpt.test');

export default [
  defineScenario({
    id: 'enrollment/namespace-scope',
    area: 'enrollment',
    description: "A namespace labelled use-waypoint sends its services' traffic through the waypoint; pod IPs bypass a service waypoint",
    features: ['Waypoint', 'HTTPRouteHeaderModifier'],
    profile: 'core',
    source: [SRC.waypointDocs, SRC.waypointBinding, SRC.baselineTest, SRC.waypointResources],
    workloads: { app: ['echo-v1-v2'] },
    manifests: ['common/waypoint.yaml', 'common/echo-route-marker.yaml'],
    steps: [
      step(
        'before the label traffic bypasses the waypoint',
        [],
        [...waypointProvisioned('waypoint'), direct('sleep', svc('echo')), direct('notsleep', svc('echo-v1'))],
      ),
      step(
        'label the namespace',
        [useWaypoint(namespace(), 'waypoint')],
        [
          viaWaypoint('sleep', svc('echo'), { routeMarker: 'echo-route' }),
          viaWaypoint('notsleep', svc('echo-v2')),
          direct('sleep', podIP('echo-v1')),
          waypointBound('echo', 'True', 'WaypointAccepted', BOUND),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/service-scope',
    area: 'enrollment',
    description: 'A service labelled use-waypoint goes through the waypoint; other services in the namespace do not',
    features: ['Waypoint'],
    profile: 'core',
    source: [SRC.waypointDocs, SRC.waypointBinding],
    workloads: { app: ['echo-v1-v2'] },
    manifests: ['common/waypoint.yaml', 'common/echo-route-marker.yaml'],
    steps: [
      step(
        'label only the echo service',
        [useWaypoint(service('echo'), 'waypoint')],
        [
          viaWaypoint('sleep', svc('echo'), { routeMarker: 'echo-route' }),
          direct('sleep', svc('echo-v2')),
          waypointBound('echo', 'True', 'WaypointAccepted', BOUND),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/workload-scope',
    area: 'enrollment',
    description: 'A pod labelled with a workload waypoint is reached through it by pod IP; its siblings are not',
    features: ['Waypoint', 'WaypointForWorkload'],
    profile: 'core',
    source: [SRC.waypointDocs, SRC.waypointBinding, SRC.ztunnelOutbound],
    workloads: { app: ['echo-v1-v2'] },
    manifests: ['common/pod-waypoint.yaml'],
    steps: [
      step('before the label', [], [direct('sleep', podIP('echo-v1'))]),
      step(
        'label the echo-v1 pods',
        [useWaypoint(pods('echo-v1'), 'pod-waypoint')],
        [viaWaypoint('sleep', podIP('echo-v1')), direct('sleep', podIP('echo-v2'))],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/waypoint-for-service',
    area: 'enrollment',
    description: 'waypoint-for=service takes service traffic and leaves pod-IP traffic alone',
    features: ['Waypoint'],
    profile: 'core',
    source: [SRC.waypointDocs, SRC.waypointBinding],
    workloads: { app: ['echo-v1-v2'] },
    manifests: ['common/waypoint-for-service.yaml', 'common/echo-route-marker.yaml'],
    steps: [
      step(
        'label the namespace',
        [useWaypoint(namespace(), 'waypoint')],
        [viaWaypoint('sleep', svc('echo'), { routeMarker: 'echo-route' }), direct('sleep', podIP('echo-v2'))],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/waypoint-for-workload',
    area: 'enrollment',
    description: 'waypoint-for=workload takes pod-IP traffic; a Service cannot bind to it',
    features: ['Waypoint', 'WaypointForWorkload'],
    profile: 'core',
    source: [SRC.waypointDocs, SRC.waypointBinding, SRC.waypointStatus],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint-for-workload.yaml'],
    steps: [
      step(
        'label the namespace',
        [useWaypoint(namespace(), 'waypoint')],
        [
          viaWaypoint('sleep', podIP('echo-v1')),
          direct('sleep', svc('echo')),
          waypointBound('echo', 'False', 'UnsupportedTrafficType', 'attempting to bind to traffic type "service"'),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/waypoint-for-all',
    area: 'enrollment',
    description: 'waypoint-for=all takes both service and pod-IP traffic',
    features: ['Waypoint', 'WaypointForWorkload', 'HTTPRouteHeaderModifier'],
    profile: 'core',
    source: [SRC.waypointDocs, SRC.waypointBinding],
    workloads: { app: ['echo'] },
    manifests: ['common/waypoint-for-all.yaml', 'common/echo-route-marker.yaml'],
    steps: [
      step(
        'label the namespace',
        [useWaypoint(namespace(), 'waypoint')],
        [viaWaypoint('sleep', svc('echo'), { routeMarker: 'echo-route' }), viaWaypoint('notsleep', podIP('echo-v3'))],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/waypoint-for-none',
    area: 'enrollment',
    description: 'waypoint-for=none takes no traffic at all',
    features: ['Waypoint', 'WaypointForWorkload'],
    profile: 'core',
    source: [SRC.waypointDocs, SRC.waypointBinding],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint-for-none.yaml'],
    steps: [
      step(
        'label the namespace',
        [useWaypoint(namespace(), 'waypoint')],
        [direct('sleep', svc('echo')), direct('sleep', podIP('echo-v1')), waypointBound('echo', 'False', 'UnsupportedTrafficType')],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/opt-out-service',
    area: 'enrollment',
    description: "use-waypoint=none on a service opts it out of its namespace's waypoint",
    features: ['Waypoint', 'WaypointOptOut'],
    profile: 'core',
    source: [SRC.addWorkloads, SRC.waypointBinding],
    workloads: { app: ['echo-v1-v2'] },
    manifests: ['common/waypoint.yaml', 'common/echo-route-marker.yaml'],
    steps: [
      step(
        'namespace labelled, echo-v2 opted out',
        [useWaypoint(namespace(), 'waypoint'), useWaypoint(service('echo-v2'), 'none')],
        [viaWaypoint('sleep', svc('echo'), { routeMarker: 'echo-route' }), direct('sleep', svc('echo-v2'))],
      ),
      step('removing the opt-out brings it back', [useWaypoint(service('echo-v2'), null)], [viaWaypoint('sleep', svc('echo-v2'))]),
    ],
  }),
  defineScenario({
    id: 'enrollment/opt-out-pod',
    area: 'enrollment',
    description: 'use-waypoint=none on a pod opts its pod-IP traffic out of an all-traffic namespace waypoint',
    features: ['Waypoint', 'WaypointForWorkload', 'WaypointOptOut'],
    profile: 'core',
    source: [SRC.addWorkloads, SRC.waypointBinding],
    workloads: { app: ['echo-v1-v2'] },
    manifests: ['common/waypoint-for-all.yaml'],
    steps: [
      step(
        'namespace labelled, echo-v2 pods opted out',
        [useWaypoint(namespace(), 'waypoint'), useWaypoint(pods('echo-v2'), 'none')],
        [viaWaypoint('sleep', podIP('echo-v1')), direct('sleep', podIP('echo-v2'))],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/cross-namespace-allowed',
    area: 'enrollment',
    description: 'A service uses a waypoint in another namespace whose allowedRoutes admits it',
    features: ['Waypoint', 'CrossNamespaceWaypoint'],
    profile: 'core',
    source: [SRC.waypointDocs, SRC.waypointBinding],
    namespaces: ['app', 'infra'],
    workloads: { app: ['echo-v1'] },
    manifests: ['enrollment/infra-waypoint-allowed.yaml'],
    steps: [
      step(
        'label the service with the other namespace',
        [label(service('echo'), { 'istio.io/use-waypoint': 'waypoint', 'istio.io/use-waypoint-namespace': '${INFRA_NS}' })],
        [
          viaWaypoint('sleep', svc('echo')),
          direct('sleep', svc('echo-v1')),
          waypointBound('echo', 'True', 'WaypointAccepted', `${BOUND} \${INFRA_NS}/waypoint`),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/cross-namespace-denied',
    area: 'enrollment',
    description:
      "A waypoint whose allowedRoutes admits only its own namespace is not used from another, nor replaced by the namespace's own waypoint",
    features: ['Waypoint', 'CrossNamespaceWaypoint'],
    profile: 'core',
    source: [SRC.waypointBinding, SRC.waypointNoFallback, SRC.waypointBoundMessages],
    namespaces: ['app', 'infra'],
    workloads: { app: ['echo-v1'] },
    manifests: ['enrollment/infra-waypoint-denied.yaml', 'common/waypoint.yaml'],
    steps: [
      step(
        "namespace on its own waypoint, echo on the other namespace's",
        [
          useWaypoint(namespace(), 'waypoint'),
          label(service('echo'), { 'istio.io/use-waypoint': 'waypoint', 'istio.io/use-waypoint-namespace': '${INFRA_NS}' }),
        ],
        [
          viaWaypoint('sleep', svc('echo-v1')),
          direct('sleep', svc('echo')),
          waypointBoundMessage(
            'echo',
            'False',
            'AttachmentDenied',
            'we are not permitted to attach to waypoint "${INFRA_NS}/waypoint" (missing allowedRoutes?)',
          ),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/missing-waypoint',
    area: 'enrollment',
    description:
      "A service label naming a missing waypoint binds nothing, reports it, and does not fall back to the namespace's working waypoint",
    features: ['Waypoint'],
    profile: 'core',
    source: [SRC.waypointNoFallback, SRC.waypointRequire, SRC.waypointBoundMessages, SRC.waypointStatus],
    workloads: { app: ['echo-v1-v2'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'label the service with a missing waypoint',
        [useWaypoint(service('echo'), 'no-such-waypoint')],
        [
          direct('sleep', svc('echo')),
          waypointBoundMessage('echo', 'False', 'WaypointIsNotReady', 'waypoint "${APP_NS}/no-such-waypoint" is not ready'),
        ],
      ),
      step(
        'the namespace gets a working waypoint: echo still goes direct',
        [useWaypoint(namespace(), 'waypoint')],
        [
          viaWaypoint('sleep', svc('echo-v2')),
          waypointBoundMessage('echo-v2', 'True', 'WaypointAccepted', `${BOUND} \${APP_NS}/waypoint`),
          direct('sleep', svc('echo')),
          waypointBoundMessage('echo', 'False', 'WaypointIsNotReady', 'waypoint "${APP_NS}/no-such-waypoint" is not ready'),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/wrong-traffic-type',
    area: 'enrollment',
    description: "A service labelled with a workload-only waypoint is not bound to it, nor to its namespace's working waypoint",
    features: ['Waypoint', 'WaypointForWorkload'],
    profile: 'core',
    source: [SRC.waypointNoFallback, SRC.waypointRequire, SRC.waypointBoundMessages, SRC.waypointStatus],
    workloads: { app: ['echo-v1-v2'] },
    manifests: ['common/pod-waypoint.yaml', 'common/waypoint.yaml'],
    steps: [
      step(
        'namespace on a working waypoint, echo on the workload waypoint',
        [useWaypoint(namespace(), 'waypoint'), useWaypoint(service('echo'), 'pod-waypoint')],
        [
          viaWaypoint('sleep', svc('echo-v2')),
          direct('sleep', svc('echo')),
          waypointBoundMessage(
            'echo',
            'False',
            'UnsupportedTrafficType',
            'attempting to bind to traffic type "service" which the waypoint "${APP_NS}/pod-waypoint" does not support',
          ),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/pod-label-no-fallback',
    area: 'enrollment',
    description:
      "Pods whose own use-waypoint names a missing or service-only waypoint are reached directly by pod IP, not through the namespace's all-traffic waypoint",
    features: ['Waypoint', 'WaypointForWorkload'],
    profile: 'core',
    source: [SRC.waypointNoFallback, SRC.waypointRequire, SRC.ztunnelOutbound],
    workloads: { app: ['echo'] },
    manifests: ['common/waypoint-for-all.yaml', 'common/special-waypoint.yaml'],
    steps: [
      step(
        'namespace on an all-traffic waypoint; echo-v1 pods on a service-only one, echo-v2 pods on a missing one',
        [useWaypoint(namespace(), 'waypoint'), useWaypoint(pods('echo-v1'), 'special'), useWaypoint(pods('echo-v2'), 'no-such-waypoint')],
        [viaWaypoint('sleep', podIP('echo-v3')), direct('sleep', podIP('echo-v1')), direct('sleep', podIP('echo-v2'))],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/service-addressed-skips-workload-waypoint',
    area: 'enrollment',
    description:
      "Traffic addressed to a Service never takes its pods' workload waypoint; traffic addressed to the pod IP does, and a service waypoint's traffic does not pass it again",
    features: ['Waypoint', 'WaypointForWorkload', 'L7AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.ztunnelServiceAddressed, SRC.waypointAddressing, SRC.waypointEndpoints, SRC.waypointBinding],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/pod-waypoint.yaml', 'common/waypoint.yaml'],
    steps: [
      step(
        'label the echo-v1 pods with the workload waypoint',
        [useWaypoint(pods('echo-v1'), 'pod-waypoint')],
        [viaWaypoint('sleep', podIP('echo-v1')), direct('sleep', svc('echo-v1')), direct('notsleep', svc('echo'))],
      ),
      step(
        'the workload waypoint denies all; echo-v1 also gets a service waypoint',
        [apply('enrollment/deny-all-on-pod-waypoint.yaml'), useWaypoint(service('echo-v1'), 'waypoint')],
        [traffic('sleep', podIP('echo-v1'), 'denied-l7'), viaWaypoint('sleep', svc('echo-v1'))],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/service-overrides-namespace',
    area: 'enrollment',
    description: "A service's own use-waypoint label wins over its namespace's",
    features: ['Waypoint', 'L7AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.waypointDocs, SRC.waypointBinding],
    workloads: { app: ['echo-v1-v2'] },
    manifests: ['common/waypoint.yaml', 'common/special-waypoint.yaml', 'enrollment/deny-all-on-waypoint.yaml'],
    steps: [
      step(
        'namespace on "waypoint" (denies all), echo on "special"',
        [useWaypoint(namespace(), 'waypoint'), useWaypoint(service('echo'), 'special')],
        [viaWaypoint('sleep', svc('echo')), traffic('sleep', svc('echo-v2'), 'denied-l7')],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/namespace-cross-namespace',
    area: 'enrollment',
    description:
      'A namespace labelled with use-waypoint and use-waypoint-namespace sends its services through the waypoint of the other namespace',
    features: ['Waypoint', 'CrossNamespaceWaypoint'],
    profile: 'core',
    source: [SRC.waypointBinding, SRC.waypointDocs],
    namespaces: ['app', 'infra'],
    workloads: { app: ['echo-v1'] },
    manifests: ['enrollment/infra-waypoint-allowed.yaml'],
    steps: [
      step(
        "label the namespace with the other namespace's waypoint",
        [label(namespace(), { 'istio.io/use-waypoint': 'waypoint', 'istio.io/use-waypoint-namespace': '${INFRA_NS}' })],
        [viaWaypoint('sleep', svc('echo')), waypointBoundMessage('echo', 'True', 'WaypointAccepted', `${BOUND} \${INFRA_NS}/waypoint`)],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/cross-namespace-selector',
    area: 'enrollment',
    description: 'A waypoint whose allowedRoutes selects namespaces by a matchExpressions selector admits a namespace only once it matches',
    features: ['Waypoint', 'CrossNamespaceWaypoint'],
    profile: 'core',
    source: [SRC.waypointBinding, SRC.waypointBoundMessages],
    namespaces: ['app', 'infra'],
    workloads: { app: ['echo-v1'] },
    manifests: ['enrollment/infra-waypoint-selector.yaml'],
    steps: [
      step(
        'the namespace lacks the selected label: denied',
        [label(service('echo'), { 'istio.io/use-waypoint': 'waypoint', 'istio.io/use-waypoint-namespace': '${INFRA_NS}' })],
        [
          direct('sleep', svc('echo')),
          waypointBoundMessage(
            'echo',
            'False',
            'AttachmentDenied',
            'we are not permitted to attach to waypoint "${INFRA_NS}/waypoint" (missing allowedRoutes?)',
          ),
        ],
      ),
      step(
        'label the namespace: admitted',
        [label(namespace(), { 'wpt-attach': 'yes' })],
        [viaWaypoint('sleep', svc('echo')), waypointBoundMessage('echo', 'True', 'WaypointAccepted', `${BOUND} \${INFRA_NS}/waypoint`)],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/pod-dataplane-mode-none',
    area: 'enrollment',
    description:
      'Pods labelled istio.io/dataplane-mode=none leave the mesh of their enrolled namespace: ztunnel no longer enforces their L4 policy; their siblings stay enrolled',
    features: ['L4AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.podOptOut, SRC.l4Policy],
    workloads: { app: ['echo-v1-v2'] },
    manifests: ['authorization/echo-l4-sleep-only.yaml'],
    steps: [
      step(
        'all pods enrolled: only sleep may connect',
        [],
        [traffic('notsleep', svc('echo-v1'), 'denied-l4'), direct('sleep', svc('echo-v1'))],
      ),
      step(
        'echo-v1 pods opt out',
        [label(pods('echo-v1'), { 'istio.io/dataplane-mode': 'none' })],
        [direct('notsleep', svc('echo-v1')), traffic('notsleep', svc('echo-v2'), 'denied-l4'), direct('sleep', svc('echo-v2'))],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/serviceentry-waypoint',
    area: 'enrollment',
    description:
      "A ServiceEntry labelled use-waypoint sends its host's traffic through the waypoint (egress), reports WaypointBound, and a policy targeting it is enforced there",
    features: ['Waypoint', 'WaypointServiceEntry', 'L7AuthorizationPolicy'],
    profile: 'extended',
    source: [
      SRC.egressWaypoint,
      SRC.egressWaypointTest,
      SRC.serviceEntryBinding,
      SRC.serviceEntryAddress,
      SRC.dnsProxy,
      SRC.serviceEntryConditions,
      SRC.policyBinding,
    ],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml', 'enrollment/serviceentry.yaml'],
    steps: [
      step(
        'the ServiceEntry without a waypoint: its host is answered directly by its pods',
        [],
        [addressAllocated('echo-external'), direct('sleep', SE_HOST)],
      ),
      step(
        'label the ServiceEntry with the waypoint',
        [apply('enrollment/serviceentry-bound.yaml')],
        [
          viaWaypoint('sleep', SE_HOST),
          entryCondition(
            'ServiceEntry',
            'echo-external',
            'istio.io/WaypointBound',
            'True',
            'WaypointAccepted',
            `${BOUND} \${APP_NS}/waypoint`,
          ),
          direct('sleep', svc('echo-v1')),
        ],
      ),
      step(
        'a DENY policy targeting the ServiceEntry: enforced by its waypoint',
        [apply('enrollment/serviceentry-deny-sleep.yaml')],
        [
          traffic('sleep', SE_HOST, 'denied-l7'),
          viaWaypoint('notsleep', SE_HOST),
          policyCondition('echo-external-deny-sleep', 'True', 'Accepted', 'bound to ${APP_NS}/waypoint'),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/serviceentry-wildcard-status',
    area: 'enrollment',
    description:
      'A wildcard ServiceEntry without a waypoint reports WaypointMissing; labelled use-waypoint it reports WaypointBound, also with use-waypoint-namespace and ingress-use-waypoint on it',
    features: ['Waypoint', 'WaypointServiceEntry', 'WaypointBoundStatus', 'CrossNamespaceWaypoint'],
    profile: 'extended',
    source: [SRC.serviceEntryConditions, SRC.serviceEntryBinding, SRC.egressWaypoint],
    namespaces: ['app', 'infra'],
    workloads: {},
    manifests: ['common/waypoint.yaml', 'enrollment/infra-waypoint-allowed.yaml', 'enrollment/serviceentry-wildcard.yaml'],
    steps: [
      step(
        'no waypoint: WaypointMissing',
        [],
        [
          entryCondition(
            'ServiceEntry',
            'wildcard-external',
            'istio.io/WaypointMissing',
            'True',
            'NoWaypointForWildcardService',
            'ServiceEntry will not apply until it is bound to a valid waypoint.',
          ),
        ],
      ),
      step(
        'label it with the waypoint: WaypointBound',
        [apply('enrollment/serviceentry-wildcard-bound.yaml')],
        [
          entryCondition(
            'ServiceEntry',
            'wildcard-external',
            'istio.io/WaypointBound',
            'True',
            'WaypointAccepted',
            `${BOUND} \${APP_NS}/waypoint`,
          ),
        ],
      ),
      step(
        "on the infra namespace's waypoint, with ingress-use-waypoint",
        [apply('enrollment/serviceentry-wildcard-infra.yaml')],
        [
          entryCondition(
            'ServiceEntry',
            'wildcard-external',
            'istio.io/WaypointBound',
            'True',
            'WaypointAccepted',
            `${BOUND} \${INFRA_NS}/waypoint. Ingress traffic will traverse the waypoint`,
          ),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/workloadentry-status',
    area: 'enrollment',
    description:
      'WorkloadEntries labelled use-waypoint bind to a workload waypoint and report it; one naming a service-only waypoint reports UnsupportedTrafficType "workload"',
    features: ['Waypoint', 'WaypointForWorkload', 'WaypointBoundStatus'],
    profile: 'extended',
    source: [SRC.workloadEntryConditions, SRC.waypointBinding, SRC.waypointBoundMessages],
    workloads: {},
    manifests: ['common/waypoint.yaml', 'common/pod-waypoint.yaml', 'enrollment/workloadentries.yaml'],
    steps: [
      step(
        'WorkloadEntries on a workload and on a service-only waypoint',
        [],
        [
          entryCondition(
            'WorkloadEntry',
            'vm-workload-waypoint',
            'istio.io/WaypointBound',
            'True',
            'WaypointAccepted',
            `${BOUND} \${APP_NS}/pod-waypoint`,
          ),
          entryCondition(
            'WorkloadEntry',
            'vm-service-waypoint',
            'istio.io/WaypointBound',
            'False',
            'UnsupportedTrafficType',
            'attempting to bind to traffic type "workload" which the waypoint "${APP_NS}/waypoint" does not support',
          ),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'enrollment/pod-cross-namespace',
    area: 'enrollment',
    description:
      'Pods labelled with use-waypoint and use-waypoint-namespace are reached by pod IP through the waypoint of the other namespace',
    features: ['Waypoint', 'WaypointForWorkload', 'CrossNamespaceWaypoint'],
    profile: 'core',
    source: [SRC.waypointBinding, SRC.waypointDocs],
    namespaces: ['app', 'infra'],
    workloads: { app: ['echo-v1-v2'] },
    manifests: ['enrollment/infra-waypoint-all-traffic.yaml'],
    steps: [
      step(
        "label the echo-v1 pods with the other namespace's waypoint",
        [label(pods('echo-v1'), { 'istio.io/use-waypoint': 'waypoint', 'istio.io/use-waypoint-namespace': '${INFRA_NS}' })],
        [viaWaypoint('sleep', podIP('echo-v1')), direct('sleep', podIP('echo-v2'))],
      ),
    ],
  }),
];
