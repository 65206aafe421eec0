/**
 * L7 policies at the waypoint (targetRefs), L4 policies at ztunnel (selector), and what each
 * denial looks like to curl: 403 "RBAC: access denied" at L7, a connection closed without a response
 * at L4 (curl exit 52 or 56, as CheckDeny accepts), and 503
 * when a waypoint's own connection is refused at L4 (istio tests/integration/ambient/baseline_test.go).
 */
import {
  ztunnelRefused,
  policyCondition,
  policyBound,
  policyNotBound,
  productpage,
  svc,
  useWaypoint,
  policyTargetNotFound,
  waypointProvisioned,
  ztunnelAccepted,
} from './vocabulary.ts';
import { apply, defineScenario, direct, namespace, remove, step, traffic, viaWaypoint, rejected } from '../harness/record/builders.ts';
import { SRC } from './sources.ts';

const enrolled = [useWaypoint(namespace(), 'waypoint')];
const HTTP_AT_ZTUNNEL =
  'ztunnel does not support HTTP attributes (found: methods). In ambient mode you must use a waypoint proxy to enforce HTTP rules.';

export default [
  defineScenario({
    id: 'authorization/l7-productpage',
    area: 'authorization',
    description: 'The getting-started L7 policy: sleep may GET productpage; notsleep and DELETE get RBAC: access denied',
    features: ['Waypoint', 'L7AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.enforceAuth, SRC.authzTest],
    workloads: { app: ['bookinfo'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step('before the policy everyone may call', enrolled, [
        ...waypointProvisioned('waypoint'),
        traffic('notsleep', productpage(), 'allowed'),
      ]),
      step(
        'apply the policy',
        [apply('authorization/productpage-waypoint-policy.yaml')],
        [
          policyBound('productpage-waypoint', 'waypoint'),
          traffic('sleep', productpage(), 'allowed'),
          traffic('notsleep', productpage(), 'denied-l7'),
          traffic('sleep', productpage(), 'denied-l7', { method: 'DELETE' }),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'authorization/l7-gateway-target',
    area: 'authorization',
    description: 'A policy attached to the waypoint Gateway applies to every service behind it',
    features: ['Waypoint', 'L7AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.waypointDocs, SRC.authzTest, SRC.policyBinding],
    workloads: { app: ['echo'] },
    manifests: ['common/waypoint.yaml', 'authorization/gateway-policy.yaml'],
    steps: [
      step('policy on the Gateway', enrolled, [
        policyBound('waypoint-viewer', 'waypoint'),
        viaWaypoint('sleep', svc('echo')),
        traffic('notsleep', svc('echo'), 'denied-l7'),
        traffic('notsleep', svc('echo-v3'), 'denied-l7'),
        traffic('sleep', svc('echo-v1'), 'denied-l7', { method: 'DELETE' }),
      ]),
    ],
  }),
  defineScenario({
    id: 'authorization/l7-service-target',
    area: 'authorization',
    description: 'A policy attached to one Service applies to that service only',
    features: ['Waypoint', 'L7AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.waypointDocs, SRC.policyStatus, SRC.policyBinding],
    workloads: { app: ['echo-v1-v2'] },
    manifests: ['common/waypoint.yaml', 'authorization/echo-service-policy.yaml'],
    steps: [
      step('policy on the echo Service', enrolled, [
        policyBound('echo-viewer', 'waypoint'),
        viaWaypoint('sleep', svc('echo')),
        traffic('notsleep', svc('echo'), 'denied-l7'),
        viaWaypoint('notsleep', svc('echo-v2')),
      ]),
    ],
  }),
  defineScenario({
    id: 'authorization/l7-deny-path',
    area: 'authorization',
    description: 'A DENY policy on the waypoint matches a path and leaves other paths alone',
    features: ['Waypoint', 'L7AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.authzTest, SRC.policyBinding],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml', 'authorization/echo-deny-admin.yaml'],
    steps: [
      step('deny /admin', enrolled, [
        policyBound('echo-deny-admin', 'waypoint'),
        traffic('sleep', svc('echo', { path: '/admin/users' }), 'denied-l7'),
        viaWaypoint('sleep', svc('echo', { path: '/public' })),
      ]),
    ],
  }),
  defineScenario({
    id: 'authorization/l7-policy-removed',
    area: 'authorization',
    description: 'Removing an L7 policy restores access',
    features: ['Waypoint', 'L7AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.enforceAuth, SRC.cleanup],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml'],
    steps: [
      step(
        'policy denies notsleep',
        [...enrolled, apply('authorization/echo-service-policy.yaml')],
        [policyBound('echo-viewer', 'waypoint'), traffic('notsleep', svc('echo'), 'denied-l7')],
      ),
      step('remove the policy', [remove('authorization/echo-service-policy.yaml')], [viaWaypoint('notsleep', svc('echo'))]),
    ],
  }),
  defineScenario({
    id: 'authorization/l4-ztunnel',
    area: 'authorization',
    description: "Without a waypoint a selector policy is enforced by ztunnel: a denied client's connection is reset",
    features: ['L4AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.enforceAuth, SRC.l4Policy, SRC.baselineTest, SRC.policyConditions],
    workloads: { app: ['echo-v1'] },
    manifests: ['authorization/echo-l4-sleep-only.yaml'],
    steps: [
      step(
        'only sleep may connect',
        [],
        [
          ztunnelAccepted('echo-ztunnel', 'Accepted', { message: 'attached to ztunnel' }),
          direct('sleep', svc('echo')),
          direct('sleep', svc('echo-v1')),
          traffic('notsleep', svc('echo'), 'denied-l4'),
          traffic('notsleep', svc('echo-v1'), 'denied-l4'),
          ztunnelAccepted('echo-ztunnel', 'Accepted', { message: 'attached to ztunnel' }),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'authorization/l4-must-allow-waypoint',
    area: 'authorization',
    description: "Behind a waypoint the destination ztunnel sees the waypoint's identity, so an L4 policy must admit it",
    features: ['Waypoint', 'L4AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.enforceAuth, SRC.baselineTest],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml', 'authorization/echo-l4-sleep-only.yaml'],
    steps: [
      step('the waypoint is refused at L4', enrolled, [
        ...waypointProvisioned('waypoint'),
        ztunnelAccepted('echo-ztunnel', 'Accepted', { message: 'attached to ztunnel' }),
        traffic('sleep', svc('echo'), 'unavailable'),
      ]),
      step(
        'admit the waypoint identity',
        [apply('authorization/echo-l4-sleep-and-waypoint.yaml')],
        [viaWaypoint('sleep', svc('echo')), viaWaypoint('notsleep', svc('echo'))],
      ),
    ],
  }),
  defineScenario({
    id: 'authorization/l4-http-rules-fail-closed',
    area: 'authorization',
    description: 'An ALLOW selector policy with HTTP attributes loses those rules at ztunnel and denies everything',
    features: ['L4AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.l4Policy, SRC.ztunnelAuthz, SRC.policyConditions],
    workloads: { app: ['echo-v1'] },
    manifests: ['authorization/echo-selector-with-methods.yaml'],
    steps: [
      step(
        'even the allowed client is reset',
        [],
        [
          traffic('sleep', svc('echo'), 'denied-l4'),
          ztunnelAccepted('echo-get-only', 'UnsupportedValue', {
            message:
              `${HTTP_AT_ZTUNNEL} ` +
              'Within an ALLOW policy, rules matching HTTP attributes are omitted. This will be more restrictive than requested.',
          }),
        ],
      ),
      step(
        'without the policy, sleep is answered',
        [remove('authorization/echo-selector-with-methods.yaml')],
        [direct('sleep', svc('echo'))],
      ),
    ],
  }),
  defineScenario({
    id: 'authorization/l4-deny-http-only-no-effect',
    area: 'authorization',
    description:
      'DENY selector rules whose operations are only HTTP attributes have no enforceable rule at ztunnel, even beside an L4 principal, and deny nothing',
    features: ['L4AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.l4RuleConversion, SRC.ztunnelRbac, SRC.l4Policy, SRC.policyConditions],
    workloads: { app: ['echo-v1'] },
    manifests: ['authorization/echo-l4-deny-delete.yaml', 'authorization/echo-l4-deny-notsleep-delete.yaml'],
    steps: [
      step(
        'DELETE is not denied at ztunnel, nor is notsleep',
        [],
        [
          direct('sleep', svc('echo'), { method: 'DELETE' }),
          direct('notsleep', svc('echo'), { method: 'DELETE' }),
          direct('notsleep', svc('echo-v1')),
          // Istio up to 1.31 words the rest of these messages as if the rules were enforced; later ones say they have no effect.
          ztunnelAccepted('echo-deny-delete', 'UnsupportedValue', { messagePrefix: HTTP_AT_ZTUNNEL }),
          ztunnelAccepted('echo-deny-notsleep-methods', 'UnsupportedValue', { messagePrefix: HTTP_AT_ZTUNNEL }),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'authorization/l4-deny-mixed-keeps-l4',
    area: 'authorization',
    description:
      'A DENY selector rule mixing a principal and a port with a method keeps its L4 part at ztunnel: that principal is reset on that port whatever the method',
    features: ['L4AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.l4RuleConversion, SRC.ztunnelRbac, SRC.l4Policy, SRC.policyConditions],
    workloads: { app: ['echo-v1-v2'] },
    manifests: ['authorization/echo-l4-deny-mixed.yaml'],
    steps: [
      step(
        'notsleep is reset on 8080 even for GET; sleep is untouched',
        [],
        [
          traffic('notsleep', svc('echo'), 'denied-l4'),
          traffic('notsleep', svc('echo-v2'), 'denied-l4', { method: 'DELETE' }),
          direct('sleep', svc('echo'), { method: 'DELETE' }),
          direct('sleep', svc('echo-v2')),
          ztunnelAccepted('echo-deny-notsleep-delete', 'UnsupportedValue', {
            message:
              `${HTTP_AT_ZTUNNEL} ` +
              'DENY policy with HTTP attributes is enforced without the HTTP rules. This will be more restrictive than requested.',
          }),
        ],
      ),
    ],
  }),
  defineScenario({
    id: 'authorization/targetref-unbound',
    area: 'authorization',
    description: 'A Service-targeted policy enforces nothing while the Service has no waypoint, and applies once it has',
    features: ['Waypoint', 'L7AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.policyStatus],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml', 'authorization/echo-deny-all-service.yaml'],
    steps: [
      step('no waypoint: not enforced', [], [policyNotBound('echo-deny-all', 'echo'), direct('notsleep', svc('echo'))]),
      step('bind the waypoint: enforced', enrolled, [
        policyBound('echo-deny-all', 'waypoint'),
        traffic('notsleep', svc('echo'), 'denied-l7'),
      ]),
    ],
  }),
  defineScenario({
    id: 'authorization/multi-target-status',
    area: 'authorization',
    description:
      'A policy with two targetRefs, one bound and one missing, is enforced on the bound one and reported PartiallyInvalid naming the other',
    features: ['Waypoint', 'L7AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.policyBinding, SRC.policyFlatten],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml', 'authorization/echo-deny-multi-target.yaml'],
    steps: [
      step(
        'no waypoint: neither target bound',
        [],
        [
          policyCondition(
            'echo-deny-multi',
            'False',
            'Invalid',
            'Invalid targetRefs: Service.core:${APP_NS}/echo, Service.core:${APP_NS}/no-such-service',
          ),
          direct('notsleep', svc('echo')),
        ],
      ),
      step('bind the waypoint: one target bound, the policy enforced', enrolled, [
        policyCondition('echo-deny-multi', 'True', 'PartiallyInvalid', 'Invalid targetRefs: Service.core:${APP_NS}/no-such-service'),
        traffic('notsleep', svc('echo'), 'denied-l7'),
      ]),
    ],
  }),
  defineScenario({
    id: 'authorization/invalid-policy-rejected',
    area: 'authorization',
    description: 'Policies the API refuses (selector with targetRefs, a cross-namespace targetRef), and one whose target is missing',
    features: ['L7AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.authzCrdRules, SRC.policyBinding],
    workloads: { app: ['echo-v1'] },
    manifests: [],
    steps: [
      step(
        'refused when applied',
        [],
        [
          rejected('authorization/invalid-selector-and-targetrefs.yaml', 'only one of targetRefs or selector can be set'),
          rejected('authorization/invalid-cross-namespace-targetref.yaml', 'cross namespace referencing is not currently supported'),
        ],
      ),
      step(
        'accepted, but its target does not exist',
        [apply('authorization/echo-policy-missing-target.yaml')],
        [policyTargetNotFound('ghost-deny-all', 'ghost')],
      ),
    ],
  }),
  defineScenario({
    id: 'authorization/gatewayclass-target-outside-root',
    area: 'authorization',
    description:
      'A policy targeting the waypoint GatewayClass from an application namespace is reported Invalid and enforced by no waypoint',
    features: ['Waypoint', 'L7AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.policyBinding],
    workloads: { app: ['echo-v1'] },
    manifests: ['common/waypoint.yaml', 'authorization/gatewayclass-deny-outside-root.yaml'],
    steps: [
      step('bind the waypoint', enrolled, [
        policyCondition('class-deny-all', 'False', 'Invalid', { messagePrefix: 'AuthorizationPolicy must be in the root namespace' }),
        viaWaypoint('notsleep', svc('echo')),
      ]),
    ],
  }),
  defineScenario({
    id: 'authorization/dry-run-not-enforced',
    area: 'authorization',
    description: 'A DENY-all selector policy annotated istio.io/dry-run is not enforced at ztunnel, and istiod says it is not applied',
    features: ['L4AuthorizationPolicy'],
    profile: 'core',
    source: [SRC.dryRun],
    workloads: { app: ['echo-v1'] },
    manifests: ['authorization/echo-l4-deny-all-dry-run.yaml'],
    steps: [
      step(
        'dry-run DENY all on the echo pods',
        [],
        [
          ztunnelRefused(
            'echo-dry-run',
            'UnsupportedValue',
            'found policy "${APP_NS}/echo-dry-run" using dry-run annotation, but support for ambient dry-run authorizationPolicies isn\'t enabled',
          ),
          traffic('sleep', svc('echo'), 'allowed'),
        ],
      ),
    ],
  }),
];
