import { expect } from 'chai';
import type { Cluster, KubeObject } from '../../../harness/cluster/types.ts';
import {
  requestedWaypoint,
  waitWaypointBoundReported,
  waitWaypointsReady,
  waypointPodsMissing,
} from '../../../harness/runner/readiness.ts';
import { WaitTimeout, type Timing } from '../../../harness/wait.ts';

const T: Timing = { intervalMs: 1, maxIntervalMs: 2, readyTimeoutMs: 150, convergeTimeoutMs: 150, consecutive: 1 };

function ns(labels: Record<string, string> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'app', labels } };
}

function service(name: string, labels: Record<string, string> = {}, message?: string): KubeObject {
  const conditions = message === undefined ? [] : [{ type: 'istio.io/WaypointBound', status: 'True', reason: 'WaypointAccepted', message }];
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'app', labels }, status: { conditions } };
}

/** Serves a namespace and Services; `evolve` runs on every list, like a controller catching up. */
function fakeCluster(namespace: KubeObject, services: KubeObject[], evolve: (polls: number) => void = () => {}): Cluster {
  let polls = 0;
  return {
    get: async () => namespace,
    list: async () => {
      evolve(++polls);
      return services;
    },
  } as unknown as Cluster;
}

describe('waiting for istio.io/WaypointBound', () => {
  it('reads the waypoint from the Service, else its namespace; none and gateway Services ask for nothing', () => {
    expect(requestedWaypoint(service('a', { 'istio.io/use-waypoint': 'wp' }), ns())).to.equal('app/wp');
    expect(requestedWaypoint(service('a'), ns({ 'istio.io/use-waypoint': 'wp', 'istio.io/use-waypoint-namespace': 'infra' }))).to.equal(
      'infra/wp',
    );
    expect(requestedWaypoint(service('a', { 'istio.io/use-waypoint': 'none' }), ns({ 'istio.io/use-waypoint': 'wp' }))).to.equal(undefined);
    expect(
      requestedWaypoint(service('wp', { 'gateway.istio.io/managed': 'istio.io-mesh-controller' }), ns({ 'istio.io/use-waypoint': 'wp' })),
    ).to.equal(undefined);
    expect(requestedWaypoint(service('a'), ns())).to.equal(undefined);
  });

  it('waits until the condition names the requested waypoint, bound or refused', async () => {
    const svc = service('echo', { 'istio.io/use-waypoint': 'wp2' }, 'Successfully attached to waypoint app/wp');
    const refused = service('other', { 'istio.io/use-waypoint': 'missing' }, 'waypoint "app/missing" is not ready');
    let seenAt = 0;
    const cluster = fakeCluster(ns(), [svc, refused], (polls) => {
      if (polls === 4) {
        svc.status.conditions[0].message = 'Successfully attached to waypoint app/wp2';
        seenAt = polls;
      }
    });
    await waitWaypointBoundReported(cluster, 'app', T);
    expect(seenAt).to.equal(4);
  });

  it('does not take app/wp2 for app/wp, and names what it waited for', async () => {
    const svc = service('echo', { 'istio.io/use-waypoint': 'wp' }, 'Successfully attached to waypoint app/wp2');
    try {
      await waitWaypointBoundReported(fakeCluster(ns(), [svc]), 'app', T);
      expect.fail('should have timed out');
    } catch (e) {
      expect(e).to.be.instanceOf(WaitTimeout);
      expect((e as Error).message).to.include('echo (wants app/wp; says "Successfully attached to waypoint app/wp2")');
    }
  });
});

describe('waiting for waypoints to be ready', () => {
  const gwLabel = (name: string) => ({ 'gateway.networking.k8s.io/gateway-name': name });
  const deployment = (name: string, replicas: number, available: number): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'app', labels: gwLabel(name) },
    spec: { replicas },
    status: { availableReplicas: available, conditions: [{ type: 'Available', status: available >= replicas ? 'True' : 'False' }] },
  });
  const pod = (gw: string, ready: boolean): KubeObject => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `${gw}-abc`, namespace: 'app', labels: gwLabel(gw) },
    status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  });
  const gateway = (name: string, programmed: string): KubeObject => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace: 'app' },
    spec: { gatewayClassName: 'istio-waypoint' },
    status: { conditions: [{ type: 'Programmed', status: programmed }] },
  });

  it('a Programmed waypoint whose Deployment has no available pod is not ready; one scaled to zero on purpose is', () => {
    expect(waypointPodsMissing('waypoint', [deployment('waypoint', 1, 0)], [])).to.equal('Deployment waypoint has 0/1 available');
    expect(waypointPodsMissing('waypoint', [deployment('waypoint', 1, 1)], [])).to.equal(undefined);
    expect(waypointPodsMissing('waypoint', [deployment('waypoint', 0, 0)], [])).to.equal(undefined);
    expect(waypointPodsMissing('waypoint', [deployment('other', 1, 1)], [])).to.match(
      /no Deployment or Ready pod labelled gateway.networking.k8s.io\/gateway-name=waypoint/,
    );
    expect(waypointPodsMissing('waypoint', [], [pod('waypoint', false)])).to.match(/no Deployment or Ready pod/);
    expect(waypointPodsMissing('waypoint', [], [pod('waypoint', true)])).to.equal(undefined);
  });

  it('waits past Programmed=True until the pods are there, and times out naming what is missing', async () => {
    const objects: Record<string, KubeObject[]> = {
      Gateway: [gateway('waypoint', 'True')],
      Deployment: [deployment('waypoint', 1, 0)],
      Pod: [],
    };
    let lists = 0;
    let podsComeAt = 6;
    const cluster = {
      list: async (_: string, kind: string) => {
        lists++;
        if (kind === 'Deployment' && lists > podsComeAt) objects.Deployment = [deployment('waypoint', 1, 1)];
        return objects[kind] ?? [];
      },
    } as unknown as Cluster;
    await waitWaypointsReady(cluster, 'app', 'istio-waypoint', { ...T, readyTimeoutMs: 5_000 });
    expect(lists).to.be.greaterThan(6);
    objects.Deployment = [deployment('waypoint', 1, 0)];
    podsComeAt = Infinity;
    const err = await waitWaypointsReady(cluster, 'app', 'istio-waypoint', T).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(WaitTimeout);
    expect((err as Error).message).to.include('waypoint (Deployment waypoint has 0/1 available)');
  });

  it('a waypoint its scenario scaled to zero is ready once its pods are gone, Programmed or not', async () => {
    const objects: Record<string, KubeObject[]> = {
      Gateway: [gateway('waypoint', 'False')],
      Deployment: [deployment('waypoint', 0, 1)],
      Pod: [],
    };
    const cluster = { list: async (_: string, kind: string) => objects[kind] ?? [] } as unknown as Cluster;
    const err = await waitWaypointsReady(cluster, 'app', 'istio-waypoint', T).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).message).to.include('waypoint (scaled to zero, pods still available)');
    objects.Deployment = [deployment('waypoint', 0, 0)];
    await waitWaypointsReady(cluster, 'app', 'istio-waypoint', T);
  });

  it('a waypoint whose Programmed went stale False after it had addresses is ready when its pods are (istiod recomputes on config changes only)', async () => {
    const stale = {
      ...gateway('waypoint', 'False'),
      status: {
        addresses: [{ type: 'IPAddress', value: '10.0.0.9' }],
        conditions: [{ type: 'Programmed', status: 'False', reason: 'AddressNotAssigned' }],
      },
    };
    const objects: Record<string, KubeObject[]> = { Gateway: [stale], Deployment: [deployment('waypoint', 1, 1)], Pod: [] };
    const cluster = { list: async (_: string, kind: string) => objects[kind] ?? [] } as unknown as Cluster;
    await waitWaypointsReady(cluster, 'app', 'istio-waypoint', T);
    objects.Gateway = [gateway('waypoint', 'False')];
    const err = await waitWaypointsReady(cluster, 'app', 'istio-waypoint', T).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((err as Error).message).to.include('"status":"False"');
  });
});
