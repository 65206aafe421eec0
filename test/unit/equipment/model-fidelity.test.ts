/**
 * The model against the rows of docs/upstream-trace.md that a scenario is too coarse for: each case
 * names its row id and the upstream function it mirrors (istio.io/istio at the pinned version).
 */
import { expect } from 'chai';
import type { KubeObject } from '../../../harness/cluster/types.ts';
import {
  ingressUseWaypointLabel,
  parseGoBool,
  serviceBinding,
  trafficType,
  waypointBoundCondition,
  workloadBinding,
} from '../../../equipment/model/binding.ts';
import { policyConditions, routeParents, serviceEntryConditions, workloadEntryConditions } from '../../../equipment/model/status.ts';
import { routeRequest } from '../../../equipment/model/routes.ts';
import { ModelCluster } from '../../../equipment/model/model-cluster.ts';
import { keyOf, type Objects } from '../../../equipment/model/store.ts';
import type { MutantName } from '../../../equipment/model/mutations.ts';

const none: ReadonlySet<MutantName> = new Set();

function objects(...list: KubeObject[]): Objects {
  return new Map(list.map((o) => [keyOf({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }), o]));
}

const ns = (name: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, labels },
});
const service = (name: string, namespace: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name, namespace, labels },
  spec: { ports: [{ port: 80 }] },
});
const pod = (name: string, namespace: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels },
});
const cls = (name: string, controllerName: string, labels: Record<string, string> = {}): KubeObject => ({
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'GatewayClass',
  metadata: { name, labels },
  spec: { controllerName },
});

function gateway(
  name: string,
  namespace: string,
  o: { cls?: string; labels?: Record<string, string>; listeners?: unknown[]; addresses?: boolean } = {},
): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace, labels: o.labels ?? {} },
    spec: { gatewayClassName: o.cls ?? 'istio-waypoint', listeners: o.listeners ?? [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
    status: o.addresses === false ? {} : { addresses: [{ type: 'IPAddress', value: '10.96.0.9' }] },
  };
}

const waypointClass = cls('istio-waypoint', 'istio.io/mesh-controller');
const policy = (namespace: string, targetRefs: unknown[]): KubeObject => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: { name: 'p', namespace },
  spec: { targetRefs, action: 'DENY', rules: [{}] },
});

describe('model fidelity to the upstream trace (docs/upstream-trace.md)', () => {
  describe('inputs', () => {
    it("in-waypoint-for-class: waypoint-for on the GatewayClass applies when the Gateway has none; the Gateway's wins (waypoints.go gatewayToWaypointTransform)", () => {
      const objs = objects(cls('wl', 'istio.io/mesh-controller', { 'istio.io/waypoint-for': 'workload' }));
      expect(trafficType(objs, gateway('w', 'a', { cls: 'wl' }), none)).to.equal('workload');
      expect(trafficType(objs, gateway('w', 'a', { cls: 'wl', labels: { 'istio.io/waypoint-for': 'all' } }), none)).to.equal('all');
      expect(trafficType(objs, gateway('w', 'a', { cls: 'istio-waypoint' }), none)).to.equal('service');
    });

    it('in-waypoint-readiness: any Gateway with status.addresses is a waypoint; without addresses it is not ready (waypoints.go gatewayToWaypointTransform)', () => {
      const objs = objects(ns('a', { 'istio.io/use-waypoint': 'gw' }), gateway('gw', 'a', { cls: 'some-other-class' }), service('s', 'a'));
      expect(serviceBinding(objs, service('s', 'a'), none).waypoint?.metadata.name).to.equal('gw');
      const unready = objects(ns('a', { 'istio.io/use-waypoint': 'gw' }), gateway('gw', 'a', { addresses: false }));
      expect(serviceBinding(unready, service('s', 'a'), none).error).to.deep.equal({
        reason: 'WaypointIsNotReady',
        message: 'waypoint "a/gw" is not ready',
      });
    });

    it('in-allowed-routes-listener: attachment is governed by the HBONE listener on 15008, not the first listener (waypoints.go makeAllowedRoutes)', () => {
      const listeners = [
        { name: 'other', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
        { name: 'mesh', port: 15008, protocol: 'HBONE', allowedRoutes: { namespaces: { from: 'Same' } } },
      ];
      const objs = objects(ns('app'), gateway('w', 'infra', { listeners }));
      const svc = service('s', 'app', { 'istio.io/use-waypoint': 'w', 'istio.io/use-waypoint-namespace': 'infra' });
      expect(serviceBinding(objs, svc, none).error?.reason).to.equal('AttachmentDenied');
      const noHbone = objects(ns('app'), gateway('w', 'infra', { listeners: [listeners[0]] }));
      expect(serviceBinding(noHbone, svc, none).error?.reason, 'no HBONE listener: Same').to.equal('AttachmentDenied');
    });

    it('in-allowed-routes-selector: a Selector with matchExpressions is honoured (waypoints.go makeWaypointSelector, metav1.LabelSelectorAsSelector)', () => {
      const selector = { matchExpressions: [{ key: 'team', operator: 'In', values: ['blue', 'green'] }] };
      const listeners = [{ name: 'mesh', port: 15008, protocol: 'HBONE', allowedRoutes: { namespaces: { from: 'Selector', selector } } }];
      const svc = service('s', 'app', { 'istio.io/use-waypoint': 'w', 'istio.io/use-waypoint-namespace': 'infra' });
      expect(serviceBinding(objects(ns('app', { team: 'blue' }), gateway('w', 'infra', { listeners })), svc, none).waypoint).to.not.equal(
        undefined,
      );
      expect(serviceBinding(objects(ns('app', { team: 'red' }), gateway('w', 'infra', { listeners })), svc, none).error?.reason).to.equal(
        'AttachmentDenied',
      );
    });

    it("in-managed-services: an east-west gateway's Service is never bound (waypoints.go fetchWaypointForService)", () => {
      const objs = objects(ns('a', { 'istio.io/use-waypoint': 'w' }), gateway('w', 'a'));
      expect(serviceBinding(objs, service('ew', 'a', { 'gateway.istio.io/managed': 'istio.io-eastwest-controller' }), none)).to.deep.equal(
        {},
      );
    });

    it('in-use-waypoint-empty: an empty use-waypoint names waypoint "<ns>/", which is not ready (waypoints.go GetUseWaypoint)', () => {
      const objs = objects(ns('a'));
      expect(serviceBinding(objs, service('s', 'a', { 'istio.io/use-waypoint': '' }), none).error?.message).to.equal(
        'waypoint "a/" is not ready',
      );
    });

    it("in-use-waypoint-namespace-ns: the namespace's use-waypoint-namespace is read with the namespace's use-waypoint (waypoints.go fetchWaypointForTarget)", () => {
      const objs = objects(
        ns('app', { 'istio.io/use-waypoint': 'w', 'istio.io/use-waypoint-namespace': 'infra' }),
        gateway('w', 'infra', {
          listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE', allowedRoutes: { namespaces: { from: 'All' } } }],
        }),
      );
      expect(serviceBinding(objs, service('s', 'app'), none).waypoint?.metadata.namespace).to.equal('infra');
    });

    it('in-use-waypoint-pod: a pod inheriting a service-only waypoint from its namespace has no waypoint and no error; its own label has an error (waypoints.go fetchWaypointForWorkload)', () => {
      const objs = objects(ns('a', { 'istio.io/use-waypoint': 'w' }), gateway('w', 'a'));
      expect(workloadBinding(objs, pod('p', 'a'), none)).to.deep.equal({});
      expect(workloadBinding(objs, pod('p', 'a', { 'istio.io/use-waypoint': 'w' }), none).error?.reason).to.equal('UnsupportedTrafficType');
    });

    it("in-ingress-use-waypoint-ns / in-ingress-use-waypoint-parse: the Service's label, else the namespace's, parsed as a Go bool (services.go ingressUseWaypointFromLabels)", () => {
      const objs = objects(ns('a', { 'istio.io/ingress-use-waypoint': 'TRUE' }));
      expect(ingressUseWaypointLabel(objs, service('s', 'a'), none)).to.deep.equal({ present: true, use: true });
      expect(ingressUseWaypointLabel(objs, service('s', 'a', { 'istio.io/ingress-use-waypoint': 'f' }), none)).to.deep.equal({
        present: true,
        use: false,
      });
      expect(ingressUseWaypointLabel(objs, service('s', 'a', { 'istio.io/ingress-use-waypoint': 'yes' }), none)).to.deep.equal({
        present: true,
        use: false,
      });
      expect(ingressUseWaypointLabel(objects(ns('a')), service('s', 'a'), none)).to.deep.equal({ present: false, use: false });
      expect(['1', 't', 'True'].map(parseGoBool)).to.deep.equal([true, true, true]);
      expect(['0', 'F', 'false', 'no', ''].map(parseGoBool)).to.deep.equal([false, false, false, undefined, undefined]);
    });
  });

  describe('outputs', () => {
    it('out-waypointbound-ingress-ns: the ingress hint follows a namespace-level ingress-use-waypoint (model/service.go ServiceInfo.GetConditions)', () => {
      const objs = objects(ns('a', { 'istio.io/use-waypoint': 'w', 'istio.io/ingress-use-waypoint': 'true' }), gateway('w', 'a'));
      expect(waypointBoundCondition(objs, service('s', 'a'), none)?.message).to.equal(
        'Successfully attached to waypoint a/w. Ingress traffic will traverse the waypoint',
      );
    });

    it('out-policy-gateway-not-found: a missing Gateway target is TargetNotFound "not bound" (policies.go WaypointPolicyStatusCollection)', () => {
      const c = policyConditions(
        objects(ns('a')),
        policy('a', [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'nope' }]),
        none,
      );
      expect(c).to.deep.equal([{ type: 'WaypointAccepted', status: 'False', reason: 'TargetNotFound', message: 'not bound' }]);
    });

    it('out-policy-gatewayclass-*: a GatewayClass target binds from the root namespace only, and only a mesh-controller class (policies.go)', () => {
      const objs = objects(waypointClass, cls('istio', 'istio.io/gateway-controller'));
      const ref = (name: string) => [{ group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name }];
      expect(policyConditions(objs, policy('istio-system', ref('istio-waypoint')), none)[0]).to.include({
        status: 'True',
        reason: 'Accepted',
        message: 'bound to istio-waypoint',
      });
      expect(policyConditions(objs, policy('app', ref('istio-waypoint')), none)[0]).to.include({
        status: 'False',
        reason: 'Invalid',
        message: 'AuthorizationPolicy must be in the root namespace `istio-system` when referencing a GatewayClass',
      });
      expect(policyConditions(objs, policy('istio-system', ref('istio')), none)[0]).to.include({
        status: 'False',
        reason: 'Invalid',
        message: 'GatewayClass must use controller name `istio.io/mesh-controller` for waypoints',
      });
      expect(policyConditions(objs, policy('istio-system', ref('nope')), none)[0]).to.include({
        status: 'False',
        reason: 'TargetNotFound',
        message: 'not bound',
      });
    });

    it("out-policy-serviceentry-*: a ServiceEntry target binds through the ServiceEntry's waypoint (policies.go)", () => {
      const se: KubeObject = {
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        metadata: { name: 'ext', namespace: 'a', labels: { 'istio.io/use-waypoint': 'w' } },
        spec: {},
      };
      const ref = [{ group: 'networking.istio.io', kind: 'ServiceEntry', name: 'ext' }];
      expect(policyConditions(objects(ns('a'), gateway('w', 'a'), se), policy('a', ref), none)[0]).to.include({
        status: 'True',
        message: 'bound to a/w',
      });
      expect(policyConditions(objects(ns('a'), gateway('w', 'a')), policy('a', ref), none)[0]).to.include({
        reason: 'TargetNotFound',
        message: 'ServiceEntry a/ext was not found',
      });
    });

    it('out-waypointmissing-*: a wildcard ServiceEntry without a waypoint is WaypointMissing, the racing connect strategy wins, a bound one has none (model/service.go ServiceInfo.GetConditions)', () => {
      const se = (hosts: string[], labels: Record<string, string> = {}, annotations: Record<string, string> = {}): KubeObject => ({
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        metadata: { name: 'ext', namespace: 'a', labels, annotations },
        spec: { hosts },
      });
      const objs = objects(ns('a'), gateway('w', 'a'));
      const missing = (o: KubeObject) => serviceEntryConditions(objs, o, none).filter((c) => c.type === 'istio.io/WaypointMissing');
      expect(missing(se(['*.example.test']))).to.deep.equal([
        {
          type: 'istio.io/WaypointMissing',
          status: 'True',
          reason: 'NoWaypointForWildcardService',
          message: 'ServiceEntry will not apply until it is bound to a valid waypoint.',
        },
      ]);
      expect(missing(se(['*.example.test'], {}, { 'istio.io/connect-strategy': 'race_first_tcp_connect' }))).to.deep.equal([
        {
          type: 'istio.io/WaypointMissing',
          status: 'True',
          reason: 'NoWaypointForRacingConnectStrategy',
          message:
            'ServiceEntry has a non-default connect strategy but no waypoint bound. A waypoint is required for connect strategies to take effect for ambient clients.',
        },
      ]);
      expect(missing(se(['one.example.test'])), 'a plain host without a waypoint').to.deep.equal([]);
      const bound = se(['*.example.test'], { 'istio.io/use-waypoint': 'w' });
      expect(missing(bound), 'bound: pruned').to.deep.equal([]);
      expect(serviceEntryConditions(objs, bound, none)).to.deep.equal([
        { type: 'istio.io/WaypointBound', status: 'True', reason: 'WaypointAccepted', message: 'Successfully attached to waypoint a/w' },
      ]);
      const notReady = serviceEntryConditions(objs, se(['*.example.test'], { 'istio.io/use-waypoint': 'gone' }), none);
      expect(
        notReady.map((c) => c.reason),
        'an error binding is no waypoint: both conditions',
      ).to.deep.equal(['WaypointIsNotReady', 'NoWaypointForWildcardService']);
    });

    it('out-workloadentry-bound / out-waypointbound-traffic-type-workload: a WorkloadEntry binds as workload traffic, without the ingress hint (model/service.go WorkloadInfo.GetConditions)', () => {
      const we = (waypoint: string): KubeObject => ({
        apiVersion: 'networking.istio.io/v1',
        kind: 'WorkloadEntry',
        metadata: { name: 'vm', namespace: 'a', labels: { 'istio.io/use-waypoint': waypoint, 'istio.io/ingress-use-waypoint': 'true' } },
        spec: { address: 'vm.a.test' },
      });
      const objs = objects(ns('a'), gateway('svc-wp', 'a'), gateway('wl-wp', 'a', { labels: { 'istio.io/waypoint-for': 'workload' } }));
      expect(workloadEntryConditions(objs, we('wl-wp'), none)).to.deep.equal([
        {
          type: 'istio.io/WaypointBound',
          status: 'True',
          reason: 'WaypointAccepted',
          message: 'Successfully attached to waypoint a/wl-wp',
        },
      ]);
      expect(workloadEntryConditions(objs, we('svc-wp'), none)).to.deep.equal([
        {
          type: 'istio.io/WaypointBound',
          status: 'False',
          reason: 'UnsupportedTrafficType',
          message: 'attempting to bind to traffic type "workload" which the waypoint "a/svc-wp" does not support',
        },
      ]);
    });

    it('in-serviceentry-address: istiod allocates a v4 and a v6 address per host, not for resolution NONE, spec.addresses, the opt-out label or a wildcard host (ipallocate.go)', async () => {
      const m = new ModelCluster({ seed: 3 });
      await m.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } });
      const se = (name: string, spec: Record<string, unknown>, labels: Record<string, string> = {}): KubeObject => ({
        apiVersion: 'networking.istio.io/v1',
        kind: 'ServiceEntry',
        metadata: { name, namespace: 'a', labels },
        spec: { ports: [{ number: 80, name: 'http' }], ...spec },
      });
      await m.apply(se('static', { hosts: ['x.test', '*.y.test'], resolution: 'STATIC' }));
      await m.apply(se('none', { hosts: ['n.test'], resolution: 'NONE' }));
      await m.apply(se('own', { hosts: ['o.test'], resolution: 'STATIC', addresses: ['240.0.0.1'] }));
      await m.apply(se('opt-out', { hosts: ['p.test'], resolution: 'DNS' }, { 'networking.istio.io/enable-autoallocate-ip': 'False' }));
      await m.clock.sleep(1000);
      const addresses = async (name: string) =>
        (await m.get({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', namespace: 'a', name }))?.status?.addresses;
      const allocated = await addresses('static');
      expect(allocated.map((a: { host: string }) => a.host)).to.deep.equal(['x.test', 'x.test']);
      expect(allocated[0].value).to.match(/^240\.240\./);
      expect(allocated[1].value).to.match(/^2001:2::/);
      for (const name of ['none', 'own', 'opt-out']) expect(await addresses(name), name).to.equal(undefined);
    });

    it('out-policy-unknown-kind: any other kind is reason "unknown", "not bound" (policies.go)', () => {
      expect(policyConditions(objects(ns('a')), policy('a', [{ group: '', kind: 'Pod', name: 'x' }]), none)[0]).to.include({
        status: 'False',
        reason: 'unknown',
        message: 'not bound',
      });
    });

    it('out-policy-multi-*: several targets flatten to one condition (model/service.go flattenConditions)', () => {
      const objs = objects(ns('a'), gateway('w', 'a'));
      const gw = { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'w' };
      const missing = (name: string) => ({ group: '', kind: 'Service', name });
      expect(policyConditions(objs, policy('a', [gw, gw]), none)[0]).to.deep.equal({
        type: 'WaypointAccepted',
        status: 'True',
        reason: 'Accepted',
        message: '',
      });
      expect(policyConditions(objs, policy('a', [gw, missing('x')]), none)[0]).to.deep.equal({
        type: 'WaypointAccepted',
        status: 'True',
        reason: 'PartiallyInvalid',
        message: 'Invalid targetRefs: Service.core:a/x',
      });
      expect(policyConditions(objs, policy('a', [missing('x'), missing('y')]), none)[0]).to.deep.equal({
        type: 'WaypointAccepted',
        status: 'False',
        reason: 'Invalid',
        message: 'Invalid targetRefs: Service.core:a/x, Service.core:a/y',
      });
    });

    it('out-route-*: ResolvedWaypoints asks only whether a use-waypoint label is configured; a missing parent is NoMatchingParent (gateway/conversion.go referenceAllowed)', () => {
      const route = (parent: string, kind = 'Service'): KubeObject => ({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'r', namespace: 'a' },
        spec: { parentRefs: [{ group: kind === 'Service' ? '' : 'networking.istio.io', kind, name: parent }] },
      });
      const message = (objs: Objects, r: KubeObject) =>
        routeParents(objs, r, none)[0].conditions.find((c) => c.type === 'ResolvedWaypoints')?.message;
      const labelled = objects(ns('a'), service('s', 'a', { 'istio.io/use-waypoint': 'no-such-waypoint' }));
      expect(message(labelled, route('s')), 'label names a missing waypoint').to.equal('All waypoints resolved');
      const optedOut = objects(ns('a', { 'istio.io/use-waypoint': 'w' }), service('s', 'a', { 'istio.io/use-waypoint': 'None' }));
      expect(message(optedOut, route('s')), '"none" on the parent: the namespace is read').to.equal('All waypoints resolved');
      const missing = routeParents(objects(ns('a')), route('gone'), none)[0];
      expect(missing.conditions[0]).to.deep.equal({
        type: 'Accepted',
        status: 'False',
        reason: 'NoMatchingParent',
        message: 'parent service: "gone" not found',
      });
      expect(missing.conditions[2].message).to.equal('parent not found');
      const se = routeParents(objects(ns('a')), route('ext', 'ServiceEntry'), none)[0];
      expect(se.conditions[0].message).to.equal('parent service entry: "ext" not found');
    });
  });
});

describe('model accepts what upstream accepts without throwing', () => {
  it('in-route-regex: RE2 patterns istiod passes to Envoy compile, match the whole value, and an uncompilable one matches nothing', async () => {
    const { re2FullMatch } = await import('../../../equipment/model/routes.ts');
    expect(re2FullMatch('(?i)/API/.*').test('/api/v1')).to.equal(true);
    expect(re2FullMatch('(?P<v>v[0-9])').test('v2')).to.equal(true);
    expect(re2FullMatch('\\Aab\\z').test('ab')).to.equal(true);
    expect(re2FullMatch('b').test('abc'), 'a header regex must match the whole value (Envoy safe_regex)').to.equal(false);
    expect(() => re2FullMatch('(?<=a)b[')).to.not.throw();
    expect(re2FullMatch('[').test('[')).to.equal(false);
    expect(re2FullMatch('[').test('')).to.equal(false);
  });

  it('gwapi-route-degenerate-zero-weights: a rule whose backendRefs all weigh 0 answers 500 (gateway/conversion.go weightSum), it does not throw', () => {
    const route: KubeObject = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r', namespace: 'a' },
      spec: {
        parentRefs: [{ group: '', kind: 'Service', name: 's' }],
        rules: [
          {
            backendRefs: [
              { name: 's', port: 80, weight: 0 },
              { name: 't', port: 80, weight: 0 },
            ],
          },
        ],
      },
    };
    const req = { method: 'GET', path: '/', headers: {}, host: 's.a:80' };
    const decided = routeRequest([route], service('s', 'a'), 80, 'a', req, none, () => {
      throw new Error('nothing to pick from');
    });
    expect(decided).to.deep.include({ kind: 'answer', status: 500 });
  });

  it('in-route-parent-kind: a parentRef kind that is an Object property name is just an unknown kind', () => {
    const route: KubeObject = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'r', namespace: 'a' },
      spec: {
        parentRefs: [
          { group: 'x.io', kind: 'toString', name: 'p' },
          { group: '', kind: 'Service', name: 's' },
        ],
      },
    };
    expect(routeParents(objects(ns('a'), service('s', 'a')), route, none).map((p) => p.parentRef.kind)).to.deep.equal(['Service']);
  });
});
