/** The model's GRPCRoute on a Service parent: method matches select by the /service/method path, weights pick the backend. */
import { expect } from 'chai';
import type { KubeObject } from '../../../harness/cluster/types.ts';
import { routeRequest } from '../../../equipment/model/routes.ts';

const svc: KubeObject = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'grpc-echo', namespace: 'a' },
  spec: { ports: [{ port: 7070 }] },
};

function grpcRoute(rules: unknown[]): KubeObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GRPCRoute',
    metadata: { name: 'r', namespace: 'a' },
    spec: { parentRefs: [{ group: '', kind: 'Service', name: 'grpc-echo', port: 7070 }], rules },
  };
}

const call = (path: string) => ({ method: 'POST', path, headers: { 'content-type': 'application/grpc' }, host: 'grpc-echo:7070' });
const first = () => 0;

describe('model: GRPCRoute on a Service parent', () => {
  const route = grpcRoute([
    { matches: [{ method: { service: 'proto.EchoTestService', method: 'Echo' } }], backendRefs: [{ name: 'exact' }] },
    { matches: [{ method: { service: 'proto.EchoTestService' } }], backendRefs: [{ name: 'service' }] },
    { matches: [{ method: { method: 'Ping' } }], backendRefs: [{ name: 'method' }] },
  ]);
  const backendFor = (path: string) => {
    const d = routeRequest([route], svc, 7070, 'clients', call(path), new Set(), first);
    return d?.kind === 'forward' ? d.backend : d?.status;
  };

  it('routes by service and method, by service alone, and by method in any service; others find no route', () => {
    expect(backendFor('/proto.EchoTestService/Echo')).to.equal('exact');
    expect(backendFor('/proto.EchoTestService/ForwardEcho')).to.equal('service');
    expect(backendFor('/other.Svc/Ping')).to.equal('method');
    expect(backendFor('/other.Svc/Echo')).to.equal(404);
  });

  it('applies to its parent port only, and passes the weights to the picker unless the mutant ignores them', () => {
    const weighted = grpcRoute([
      {
        backendRefs: [
          { name: 'v1', weight: 70 },
          { name: 'v2', weight: 30 },
          { name: 'v3', weight: 0 },
        ],
      },
    ]);
    expect(routeRequest([weighted], svc, 8080, 'clients', call('/proto.EchoTestService/Echo'), new Set(), first)).to.equal(undefined);
    const seen: number[][] = [];
    const pick = (entries: readonly (readonly [number, number])[]) => {
      seen.push(entries.map(([, w]) => w));
      return 0;
    };
    routeRequest([weighted], svc, 7070, 'clients', call('/proto.EchoTestService/Echo'), new Set(), pick);
    routeRequest([weighted], svc, 7070, 'clients', call('/proto.EchoTestService/Echo'), new Set(['grpc-route-weights-ignored']), pick);
    expect(seen).to.deep.equal([
      [70, 30, 0],
      [1, 1, 1],
    ]);
  });
});
