/**
 * Clients in a scenario's own namespaces (client@<role>): where the traffic engine finds them, the
 * fixture variables that place a consumer route, and the catalogue declaring what its checks call from.
 */
import { expect } from 'chai';
import type { Cluster, KubeObject, ListOptions } from '../../../harness/cluster/types.ts';
import { TrafficEngine } from '../../../harness/traffic/engine.ts';
import { clientLocation } from '../../../harness/scenario/clients.ts';
import { clientIn } from '../../../harness/record/builders.ts';
import type { Client, NsRole } from '../../../harness/scenario/types.ts';
import type { Expectation } from '../../../harness/checks/registry.ts';
import type { Scenario } from '../../../harness/record/record.ts';
import { fixtureVars } from '../../../harness/runner/scope.ts';
import { sharedClientsUsed } from '../../../harness/runner/plan.ts';
import { ISTIO_FEATURES } from '../../../harness/scenario/features.ts';
import { makeEnv } from '../../../harness/runner/run.ts';
import { loadFixture } from '../../../harness/manifests/manifests.ts';
import { imagesWith, IMAGES } from '../../../harness/versions/images.ts';
import { plan } from '../../../harness/platform/plan.ts';
import { CATALOGUE } from '../../../suites/index.ts';

const NAMESPACES = { app: 'wpt-x-app-1', consumer: 'wpt-x-consumer-1' };

/** Lists pods as a cluster would, and records what it was asked. */
function podLister(pods: KubeObject[]) {
  const asked: ListOptions[] = [];
  const cluster = {
    list: async (_v: string, _k: string, o: ListOptions = {}) => {
      asked.push(o);
      const app = o.labelSelector?.replace(/^app=/, '');
      return pods.filter((p) => p.metadata.namespace === o.namespace && p.metadata.labels?.app === app);
    },
  } as unknown as Cluster;
  return { cluster, asked };
}

const pod = (namespace: string, app: string, phase = 'Running'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: `${app}-abc-1`, namespace, labels: { app } },
  status: { phase },
});

const unusedOutside = async () => {
  throw new Error('no outside traffic in this test');
};

/** The fixture variables of a scenario with the app and consumer namespaces; fixtureVars reads only names and images from the env. */
const varsWith = (images = IMAGES) =>
  fixtureVars(
    makeEnv({} as Cluster, {
      timing: {} as never,
      supported: new Set(),
      gatewayClass: 'istio-waypoint',
      outside: unusedOutside,
      log: () => {},
      images,
    }),
    NAMESPACES as Record<NsRole, string>,
  );

describe('scenario clients (client@<role>)', () => {
  it("a shared client runs in the run's client namespace, client@<role> in the scenario's namespace of that role", () => {
    expect(clientLocation('sleep', 'wpt-clients-r', NAMESPACES)).to.deep.equal({ namespace: 'wpt-clients-r', app: 'sleep' });
    expect(clientLocation(clientIn('consumer'), 'wpt-clients-r', NAMESPACES)).to.deep.equal({
      namespace: 'wpt-x-consumer-1',
      app: 'client',
    });
    expect(clientLocation(clientIn('app'), 'wpt-clients-r', NAMESPACES)).to.deep.equal({ namespace: 'wpt-x-app-1', app: 'client' });
  });

  it('a client in a namespace role the scenario does not declare is an error that says how to declare it', () => {
    expect(() => clientLocation(clientIn('infra'), 'wpt-clients-r', NAMESPACES)).to.throw(
      /client@infra.*"infra" namespace.*add "infra" to its namespaces and "client" to its infra workloads/,
    );
  });

  it('the traffic engine execs in the running client pod of the role\'s namespace, container "client"', async () => {
    const { cluster, asked } = podLister([
      pod('wpt-clients-r', 'client'),
      pod(NAMESPACES.consumer, 'client', 'Pending'),
      { ...pod(NAMESPACES.consumer, 'client'), metadata: { ...pod(NAMESPACES.consumer, 'client').metadata, name: 'client-abc-2' } },
    ]);
    const engine = new TrafficEngine(cluster, unusedOutside);
    const at = (c: Client) => clientLocation(c, 'wpt-clients-r', NAMESPACES);
    expect(await engine.clientPod(at(clientIn('consumer')))).to.deep.equal({
      namespace: NAMESPACES.consumer,
      name: 'client-abc-2',
      container: 'client',
    });
    expect(asked).to.deep.equal([{ namespace: NAMESPACES.consumer, labelSelector: 'app=client' }]);
    await engine.clientPod(at(clientIn('consumer')));
    expect(asked, 'cached').to.have.length(1);
    const err = await engine.clientPod(at('sleep')).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.message).to.equal('no running pod for client "sleep" in namespace wpt-clients-r (found 0)');
    expect(asked.at(-1)).to.deep.equal({ namespace: 'wpt-clients-r', labelSelector: 'app=sleep' });
  });

  it('fixtures get ${CONSUMER_NS}: the consumer route lives there, its parent and backend in the app namespace', () => {
    const vars = varsWith();
    expect(vars).to.include({ APP_NS: NAMESPACES.app, CONSUMER_NS: NAMESPACES.consumer, INFRA_NS: '' });
    const [route] = loadFixture('mesh/consumer-route.yaml', vars, 'r');
    expect(route.metadata.namespace).to.equal(NAMESPACES.consumer);
    expect(route.spec.parentRefs).to.deep.equal([{ group: '', kind: 'Service', name: 'echo-v1', namespace: NAMESPACES.app, port: 8080 }]);
    expect(route.spec.rules[0].backendRefs).to.deep.equal([{ name: 'echo-v1', namespace: NAMESPACES.app, port: 8080 }]);
  });

  it('the client workload is a curl Deployment with its own ServiceAccount, on the curl image or its --image override', () => {
    const mirror = imagesWith(['curl=mirror.example/curl:8.16.0']);
    const objs = loadFixture('workloads/client.yaml', varsWith(mirror), 'r');
    const dep = objs.find((o) => o.kind === 'Deployment')!;
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`)).to.deep.equal(['ServiceAccount/client', 'Deployment/client']);
    expect(dep.spec.template.metadata.labels).to.deep.equal({ app: 'client' });
    expect(dep.spec.template.spec.serviceAccountName).to.equal('client');
    expect(dep.spec.template.spec.containers.map((c: { name: string; image: string }) => [c.name, c.image])).to.deep.equal([
      ['client', 'mirror.example/curl:8.16.0'],
    ]);
  });

  it('--plan names the scenarios that deploy a client of their own, with its image', () => {
    const o = {
      cluster: 'kind' as const,
      istioVersion: '1.30.5',
      reuseCluster: false,
      keepCluster: false,
      skipInstall: false,
      gatewayClass: 'istio-waypoint',
      reportDir: 'r',
      images: IMAGES,
    };
    expect(plan(o, CATALOGUE).join('\n')).to.include(
      `client (own ServiceAccount, ${IMAGES.curl}) in the namespaces of mesh/consumer-route`,
    );
    expect(
      plan(
        o,
        CATALOGUE.filter((s) => s.id === 'mesh/basic'),
      ).join('\n'),
    ).to.not.include('client (own ServiceAccount');
  });

  it('every scenario declares the namespace and the client workload of each client@<role> it calls from', () => {
    const missing = CATALOGUE.flatMap((s) =>
      clientsOf(s)
        .filter((c) => c.includes('@'))
        .flatMap((c) => {
          const role = c.split('@')[1] as NsRole;
          return s.namespaces.includes(role) && s.workloads[role]?.includes('client') ? [] : [`${s.id}: ${c}`];
        }),
    );
    expect(missing).to.deep.equal([]);
    expect(clientsOf(CATALOGUE.find((s) => s.id === 'mesh/consumer-route')!)).to.include.members([
      'client@consumer',
      'client@app',
      'sleep',
    ]);
  });
});

function clientsOf(s: Scenario): Client[] {
  const from = (e: Expectation): Client[] => {
    if (e.type === 'status-truth') return [e.shows.from];
    if (e.type === 'metric') return [e.send.from];
    return 'from' in e ? [e.from] : [];
  };
  return s.steps.flatMap((st) => st.expect.flatMap(from));
}

describe('shared clients deployed by need', () => {
  const env = (supported: string[], planes: ('control' | 'data')[] = ['control', 'data']) =>
    makeEnv({} as Cluster, {
      timing: {} as never,
      supported: new Set(supported as never),
      gatewayClass: 'istio-waypoint',
      outside: unusedOutside,
      log: () => {},
      planes: new Set(planes),
    });
  const interop = CATALOGUE.filter((s) => s.area === 'interop');
  const authz = CATALOGUE.filter((s) => s.area === 'authorization');

  it('the sidecar client only when a scenario that runs calls from it', () => {
    expect(interop.length).to.be.at.least(1);
    expect(sharedClientsUsed(env([...ISTIO_FEATURES]), [...authz, ...interop])).to.deep.equal(['sleep', 'notsleep', 'sidecar-sleep']);
    expect(sharedClientsUsed(env([...ISTIO_FEATURES]), authz)).to.deep.equal(['sleep', 'notsleep']);
    expect(sharedClientsUsed(env([...ISTIO_FEATURES].filter((f) => f !== 'SidecarInterop')), [...authz, ...interop])).to.deep.equal([
      'sleep',
      'notsleep',
    ]);
    expect(sharedClientsUsed(env([...ISTIO_FEATURES], ['control']), [...authz, ...interop])).to.deep.equal([]);
  });

  it('the sidecar client lives in its own fixture, apart from sleep and notsleep', () => {
    const vars = { CURL_IMAGE: 'curl:1', APP_NS: 'a', INFRA_NS: '', CONSUMER_NS: '', CLIENT_NS: 'c', WAYPOINT_CLASS: 'w' };
    const names = (f: string) =>
      loadFixture(f, vars as never, 'r')
        .filter((o) => o.kind === 'Deployment')
        .map((o) => o.metadata.name);
    expect(names('workloads/clients.yaml')).to.deep.equal(['sleep', 'notsleep']);
    expect(names('workloads/sidecar-client.yaml')).to.deep.equal(['sidecar-sleep']);
  });
});
