/**
 * Traffic from outside the cluster through an ingress Gateway with a LoadBalancer address.
 * By default ingress bypasses the destination's waypoint; istio.io/ingress-use-waypoint=true on the
 * Service sends it through. istiod adds an ingress hint to the WaypointBound message only when the
 * label is present: "will traverse the waypoint" for true, "is not using the waypoint" otherwise
 * (istio pilot/pkg/model/service.go; pilot/pkg/serviceregistry/ambient/services_test.go).
 */
import { apply, defineScenario, label, namespace, service, step, traffic, ingress } from '../harness/record/builders.ts';
import { productpage, useWaypoint, waypointBound, waypointBoundExactly } from './vocabulary.ts';
import { SRC } from './sources.ts';

const setup = [useWaypoint(namespace(), 'waypoint'), apply('authorization/productpage-waypoint-policy.yaml')];

export default [
  defineScenario({
    id: 'ingress/bypasses-waypoint',
    area: 'ingress',
    description: 'Without ingress-use-waypoint, ingress traffic skips the waypoint and its L7 policy',
    features: ['Waypoint', 'L7AuthorizationPolicy', 'LoadBalancerIngress'],
    profile: 'core',
    source: [SRC.ambientIngress, SRC.ingressUseWaypoint, SRC.ingressHint],
    workloads: { app: ['bookinfo'] },
    manifests: ['common/waypoint.yaml', 'ingress/bookinfo-gateway.yaml'],
    steps: [
      step('policy on productpage, ingress not through the waypoint', setup, [
        traffic('notsleep', productpage(), 'denied-l7'),
        traffic('sleep', ingress('bookinfo-gateway', '/productpage'), 'allowed'),
        waypointBoundExactly('productpage', 'Successfully attached to waypoint ${APP_NS}/waypoint'),
      ]),
      step(
        'ingress-use-waypoint=false keeps ingress off the waypoint, with a hint',
        [label(service('productpage'), { 'istio.io/ingress-use-waypoint': 'false' })],
        [
          traffic('sleep', ingress('bookinfo-gateway', '/productpage'), 'allowed'),
          waypointBound(
            'productpage',
            'True',
            'WaypointAccepted',
            'Successfully attached to waypoint ${APP_NS}/waypoint. Ingress traffic is not using the waypoint',
          ),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'ingress/use-waypoint',
    area: 'ingress',
    description: 'With ingress-use-waypoint=true, ingress traffic goes through the waypoint and its policy applies',
    features: ['Waypoint', 'L7AuthorizationPolicy', 'LoadBalancerIngress', 'IngressUseWaypoint'],
    profile: 'extended',
    source: [SRC.ambientIngress, SRC.ingressUseWaypoint, SRC.ingressHint],
    workloads: { app: ['bookinfo'] },
    manifests: ['common/waypoint.yaml', 'ingress/bookinfo-gateway.yaml'],
    steps: [
      step(
        'label productpage for ingress',
        [...setup, label(service('productpage'), { 'istio.io/ingress-use-waypoint': 'true' })],
        [
          traffic('sleep', ingress('bookinfo-gateway', '/productpage'), 'denied-l7'),
          traffic('sleep', productpage(), 'allowed'),
          waypointBound(
            'productpage',
            'True',
            'WaypointAccepted',
            'Successfully attached to waypoint ${APP_NS}/waypoint. Ingress traffic will traverse the waypoint',
          ),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'ingress/namespace-use-waypoint',
    area: 'ingress',
    description:
      "ingress-use-waypoint on the namespace sends ingress traffic through the waypoint; the Service's own label wins over it, and is read as a Go bool",
    features: ['Waypoint', 'L7AuthorizationPolicy', 'LoadBalancerIngress', 'IngressUseWaypoint'],
    profile: 'extended',
    source: [SRC.ambientIngress, SRC.ingressNamespaceLabel, SRC.ingressHint],
    workloads: { app: ['bookinfo'] },
    manifests: ['common/waypoint.yaml', 'ingress/bookinfo-gateway.yaml'],
    steps: [
      step(
        'label the namespace for ingress',
        [...setup, label(namespace(), { 'istio.io/ingress-use-waypoint': 'true' })],
        [
          traffic('sleep', ingress('bookinfo-gateway', '/productpage'), 'denied-l7'),
          waypointBound(
            'productpage',
            'True',
            'WaypointAccepted',
            'Successfully attached to waypoint ${APP_NS}/waypoint. Ingress traffic will traverse the waypoint',
          ),
        ],
      ),
      step(
        'the Service says false: its label wins',
        [label(service('productpage'), { 'istio.io/ingress-use-waypoint': 'false' })],
        [
          traffic('sleep', ingress('bookinfo-gateway', '/productpage'), 'allowed'),
          waypointBound(
            'productpage',
            'True',
            'WaypointAccepted',
            'Successfully attached to waypoint ${APP_NS}/waypoint. Ingress traffic is not using the waypoint',
          ),
        ],
      ),
      step(
        'the Service says TRUE: a Go bool, so true',
        [label(service('productpage'), { 'istio.io/ingress-use-waypoint': 'TRUE' })],
        [
          traffic('sleep', ingress('bookinfo-gateway', '/productpage'), 'denied-l7'),
          waypointBound(
            'productpage',
            'True',
            'WaypointAccepted',
            'Successfully attached to waypoint ${APP_NS}/waypoint. Ingress traffic will traverse the waypoint',
          ),
        ],
      ),
    ],
  }),
];
