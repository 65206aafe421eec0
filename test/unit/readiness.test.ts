import { expect } from 'chai';
import type { Cluster, KubeObject } from '../../harness/cluster/types.ts';
import { requestedWaypoint, waitWaypointBoundReported } from '../../harness/runner/readiness.ts';
import { WaitTimeout, type Timing } from '../../harness/wait.ts';

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
    expect(requestedWaypoint(service('a'), ns({ 'istio.io/use-waypoint': 'wp', 'istio.io/use-waypoint-namespace': 'infra' }))).to.equal('infra/wp');
    expect(requestedWaypoint(service('a', { 'istio.io/use-waypoint': 'none' }), ns({ 'istio.io/use-waypoint': 'wp' }))).to.equal(undefined);
    expect(requestedWaypoint(service('wp', { 'gateway.istio.io/managed': 'istio.io-mesh-controller' }), ns({ 'istio.io/use-waypoint': 'wp' }))).to.equal(undefined);
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
