/**
 * The GatewayClass gate: it exists, is Accepted and is handled by the expected controller.
 * Issue 15 "first contact": each defect a new user met, as a test that failed before its fix.
 */
import { expect } from 'chai';
import { UserError } from '../../../harness/errors.ts';
import { checkGatewayClass, expectedController } from '../../../harness/platform/install/gateway-class.ts';
import type { Cluster } from '../../../harness/cluster/types.ts';
import { CLUSTER_TIMING } from '../../../harness/wait.ts';

describe('the GatewayClass gate', () => {
  const timing = { ...CLUSTER_TIMING, intervalMs: 5, maxIntervalMs: 10 };
  const gc = (name: string, controllerName: string, accepted?: string) => ({
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'GatewayClass',
    metadata: { name },
    spec: { controllerName },
    status: accepted
      ? {
          conditions: [
            { type: 'Accepted', status: accepted, reason: accepted === 'True' ? 'Accepted' : 'InvalidParameters', message: 'm' },
          ],
        }
      : undefined,
  });
  const clusterWith = (...classes: ReturnType<typeof gc>[]) =>
    ({
      get: async (ref: { name: string }) => classes.find((c) => c.metadata.name === ref.name),
      list: async () => classes,
    }) as unknown as Cluster;
  it('knows the controllers istiod registers for its waypoint classes', () => {
    expect(expectedController('istio-waypoint')).to.equal('istio.io/mesh-controller');
    expect(expectedController('istio-agentgateway-waypoint')).to.equal('istio.io/agentgateway-waypoint-controller');
    expect(expectedController('vendor-waypoint')).to.equal(undefined);
    expect(expectedController('vendor-waypoint', 'example.com/waypoint')).to.equal('example.com/waypoint');
  });
  it('passes an Accepted class of the expected controller, and returns what the report records', async () => {
    const c = clusterWith(gc('istio-waypoint', 'istio.io/mesh-controller', 'True'));
    expect(await checkGatewayClass(c, 'istio-waypoint', 'istio.io/mesh-controller', timing)).to.deep.equal({
      name: 'istio-waypoint',
      controllerName: 'istio.io/mesh-controller',
    });
  });
  it('one configuration error for a missing class (listing those present), a wrong controller, or a class never Accepted', async () => {
    const c = clusterWith(gc('istio-waypoint', 'istio.io/mesh-controller', 'True'), gc('other', 'example.com/x', 'False'));
    const missing = await checkGatewayClass(c, 'nope', undefined, timing, 50).catch((e) => e);
    expect(missing).to.be.instanceOf(UserError);
    expect(missing.message).to.match(/GatewayClass nope does not exist/);
    expect(missing.fix).to.include('istio-waypoint (istio.io/mesh-controller)');
    const wrong = await checkGatewayClass(c, 'istio-waypoint', 'istio.io/agentgateway-waypoint-controller', timing, 60_000).catch((e) => e);
    expect(wrong).to.be.instanceOf(UserError);
    expect(wrong.message).to.match(/handled by controller istio.io\/mesh-controller, not istio.io\/agentgateway-waypoint-controller/);
    const notAccepted = await checkGatewayClass(c, 'other', undefined, timing, 50).catch((e) => e);
    expect(notAccepted).to.be.instanceOf(UserError);
    expect(notAccepted.message).to.match(/is not Accepted \(False\/InvalidParameters: m\)/);
  });
});
