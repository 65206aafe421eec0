/** A failed scenario's diagnostics show how istiod took every kind of object the catalogue applies. */
import { expect } from 'chai';
import { collectDiagnostics, STATUS_KINDS } from '../../../harness/runner/diagnostics.ts';
import type { ScenarioScope } from '../../../harness/runner/scope.ts';
import { ModelCluster } from '../../../equipment/model/model-cluster.ts';
import { fixtureKinds } from '../fixture-files.ts';

/** Kinds whose state is only their spec: the applied objects in the diagnostics show them. */
const SPEC_ONLY = new Set(['Deployment', 'ServiceAccount', 'Namespace']);

describe('diagnostics of a failed scenario', () => {
  it('list the status of every kind the fixtures apply that has one', () => {
    const listed = new Set(STATUS_KINDS.map(([, kind]) => kind));
    const missing = [...fixtureKinds()].filter((k) => !SPEC_ONLY.has(k) && !listed.has(k));
    expect(missing, 'kinds the fixtures apply whose status the diagnostics would not show').to.deep.equal([]);
  });

  it("include a ServiceEntry's status as istiod (here the model) wrote it", async () => {
    const cluster = new ModelCluster({ seed: 1 });
    await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { 'istio.io/dataplane-mode': 'ambient' } } });
    await cluster.apply({
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'ext', namespace: 'a' },
      spec: { hosts: ['*.example.test'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }], resolution: 'DYNAMIC_DNS' },
    });
    await cluster.clock.sleep(60_000); // the model's controllers write status on its clock
    const scope = {
      env: { cluster, dumpers: [] },
      namespaces: { app: 'a' },
      evidence: { batches: [], applied: [] },
    } as unknown as ScenarioScope;
    const d = await collectDiagnostics(scope);
    expect(d.status).to.have.property('ServiceEntry a/ext');
    expect(JSON.stringify(d.status!['ServiceEntry a/ext'])).to.include('WaypointMissing');
  });
});
