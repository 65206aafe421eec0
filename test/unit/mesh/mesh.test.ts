/**
 * A mesh not shaped like kind's (issue #26): the harness reads istiod's namespace, revision, trust
 * domain and DNS domain, and the catalogue's principals and URLs follow them.
 */
import { expect } from 'chai';
import { CATALOGUE } from '../../../suites/index.ts';
import { ModelCluster, type ModelOptions } from '../../../equipment/model/model-cluster.ts';
import { MODEL_TIMING } from '../../../equipment/model/timing.ts';
import { makeEnv, runWithClients } from '../../../harness/runner/run.ts';
import { ISTIO_FEATURES } from '../../../harness/scenario/features.ts';
import { DEFAULT_MESH, domainArg, forRevision, readMesh, trustOf, type MeshFacts } from '../../../harness/mesh/mesh.ts';
import { expandPrincipal } from '../../../equipment/model/policy.ts';
import { UserError } from '../../../harness/errors.ts';
import { readFixture } from '../../../harness/manifests/manifests.ts';
import path from 'node:path';
import { fixtureFiles } from '../fixture-files.ts';
import { plan } from '../../../harness/platform/plan.ts';
import { IMAGES } from '../../../harness/versions/images.ts';

const CORP: ModelOptions['mesh'] = {
  trustDomain: 'corp.example',
  trustDomainAliases: ['old.example'],
  dnsDomain: 'corp.internal',
  istioNamespace: 'istio-prod',
  revision: 'canary',
};

/** The scenarios whose fixtures name a principal. */
const PRINCIPAL_SCENARIOS = CATALOGUE.filter(
  (s) =>
    s.manifests.some((m) => readFixture(m).includes('/ns/')) ||
    s.steps.some((st) => st.actions.some((a) => 'fixture' in a && readFixture(a.fixture).includes('/ns/'))),
);

async function runOn(mesh: ModelOptions['mesh'], read: (m: MeshFacts) => MeshFacts, seed: number) {
  const cluster = new ModelCluster({ seed, mesh });
  const env = makeEnv(cluster, {
    timing: { ...MODEL_TIMING, clock: cluster.clock },
    supported: ISTIO_FEATURES,
    gatewayClass: 'istio-waypoint',
    outside: cluster.outside,
    log: () => {},
    mesh: read(await readMesh(cluster)),
  });
  return (await runWithClients(env, PRINCIPAL_SCENARIOS, 8)).results;
}

describe('the mesh as it runs', function () {
  this.timeout(240_000);

  it("is read from istiod: namespace, revision, the revision's mesh ConfigMap, --domain", async () => {
    expect(await readMesh(new ModelCluster({ seed: 1 }))).to.deep.equal(DEFAULT_MESH);
    expect(await readMesh(new ModelCluster({ seed: 1, mesh: CORP }))).to.deep.equal({
      istioNamespace: 'istio-prod',
      revision: 'canary',
      trustDomain: 'corp.example',
      trustDomainAliases: ['old.example'],
      dnsDomain: 'corp.internal',
    });
    // Told a revision that does not run: defaults for what cannot be read, the revision as told.
    expect(await readMesh(new ModelCluster({ seed: 1, mesh: CORP }), { revision: 'stable' })).to.deep.equal({
      ...DEFAULT_MESH,
      istioNamespace: 'istio-system',
      revision: 'stable',
    });
  });

  it('refuses to guess between two control planes', async () => {
    const cluster = new ModelCluster({ seed: 1 });
    await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-two' } });
    await cluster.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'istiod-b', namespace: 'istio-system', labels: { app: 'istiod', 'istio.io/rev': 'b' } },
      spec: { replicas: 0, template: { metadata: { labels: { app: 'istiod' } }, spec: { containers: [] } } },
    });
    const err = await readMesh(cluster).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(UserError);
    expect((err as Error).message).to.match(
      /several istiod control planes run: istio-system\/istiod \(default\), istio-system\/istiod-b \(b\)/,
    );
    expect((await readMesh(cluster, { revision: 'b' })).revision).to.equal('b');
  });

  it('--plan says what it reads of the mesh, and what a restricted run needs of the waypoints', () => {
    const base = {
      cluster: 'existing' as const,
      istioVersion: '1.31.1',
      reuseCluster: false,
      keepCluster: false,
      skipInstall: true,
      gatewayClass: 'istio-waypoint',
      reportDir: 'r',
      images: IMAGES,
    };
    const told = plan({ ...base, istioNamespace: 'istio-prod', revision: 'canary' }, []).join('\n');
    expect(told).to.match(
      /mesh: read istiod \(app=istiod in istio-prod; revision canary \(--revision\)\), the trust domain and aliases from ConfigMap istio-canary/,
    );
    expect(told).to.match(/Pod Security: every namespace the run makes enforces restricted/);
    expect(plan({ ...base, podSecurity: 'baseline' }, []).join('\n')).to.match(
      /mesh: read istiod \(app=istiod in istio-system, else any namespace; revision from its istio.io\/rev label\)[^]*enforces baseline/,
    );
  });

  it('on a revisioned mesh labels Istio configuration with the revision (its webhook validates nothing else), and nothing else', () => {
    const obj = (apiVersion: string) => ({ apiVersion, kind: 'X', metadata: { name: 'x', labels: { a: 'b' } } });
    for (const group of ['security.istio.io/v1', 'networking.istio.io/v1', 'telemetry.istio.io/v1', 'extensions.istio.io/v1alpha1']) {
      expect(forRevision(obj(group), 'canary').metadata.labels, group).to.deep.equal({ a: 'b', 'istio.io/rev': 'canary' });
      expect(forRevision(obj(group), undefined)).to.deep.equal(obj(group));
    }
    for (const other of ['v1', 'apps/v1', 'gateway.networking.k8s.io/v1'])
      expect(forRevision(obj(other), 'canary'), other).to.deep.equal(obj(other));
  });

  it("parses the mesh config and istiod's arguments as istio writes them", () => {
    expect(trustOf(undefined)).to.deep.equal({ trustDomain: 'cluster.local', trustDomainAliases: [] });
    expect(trustOf('accessLogFile: /dev/stdout\ntrustDomain: "td1"\ntrustDomainAliases:\n- td2\n')).to.deep.equal({
      trustDomain: 'td1',
      trustDomainAliases: ['td2'],
    });
    expect(domainArg(['discovery', '--domain', 'x.y'])).to.equal('x.y');
    expect(domainArg(['discovery', '--domain=x.z'])).to.equal('x.z');
    expect(domainArg(['discovery'])).to.equal(undefined);
  });

  it('no fixture names a trust domain: every principal is ${TRUST_DOMAIN}/ns/...', () => {
    const principals = fixtureFiles().flatMap((f) =>
      [...readFixture(f).matchAll(/([^\s[,'"]+)\/ns\/[^/\s]+\/sa\//g)].map((m) => `${path.basename(f)}: ${m[1]}`),
    );
    expect(principals.length).to.be.at.least(10);
    expect(principals.filter((p) => !p.endsWith(': ${TRUST_DOMAIN}'))).to.deep.equal([]);
  });

  it("the model's waypoint reads cluster.local and aliases as the local trust domain, as istiod configures Envoy", () => {
    const trust = { trustDomain: 'td1', trustDomainAliases: ['td2'] };
    expect(expandPrincipal('cluster.local/ns/a/sa/b', trust)).to.deep.equal(['td1/ns/a/sa/b', 'td2/ns/a/sa/b']);
    expect(expandPrincipal('td2/ns/a/sa/b', trust)).to.deep.equal(['td1/ns/a/sa/b', 'td2/ns/a/sa/b']);
    expect(expandPrincipal('other/ns/a/sa/b', trust)).to.deep.equal(['other/ns/a/sa/b']);
    expect(expandPrincipal('*/ns/a/sa/b', trust)).to.deep.equal(['*/ns/a/sa/b']);
  });

  it('authorization passes on a mesh with another trust domain and DNS domain, read from the cluster', async () => {
    expect(PRINCIPAL_SCENARIOS.length).to.be.at.least(6);
    const results = await runOn(CORP, (m) => m, 21);
    expect(results.filter((r) => r.outcome !== 'passed').map((r) => `${r.id}: ${r.reason}`)).to.deep.equal([]);
  });

  it('with the trust domain assumed (cluster.local), the L4 policies ztunnel matches as written deny what they should allow', async () => {
    const results = await runOn(CORP, (m) => ({ ...m, trustDomain: 'cluster.local' }), 22);
    const failed = results.filter((r) => r.outcome === 'failed').map((r) => r.id);
    expect(failed).to.include.members(['authorization/l4-ztunnel', 'authorization/l4-must-allow-waypoint']);
  });

  it("on a revisioned mesh the run's namespaces carry the revision, and its istiod deploys their waypoints; unlabelled, they never come up", async () => {
    const labelled = await runOn(CORP, (m) => m, 24);
    expect(labelled.filter((r) => r.outcome !== 'passed').map((r) => r.id)).to.deep.equal([]);
    const unlabelled = await runOn(CORP, (m) => ({ ...m, revision: undefined }), 25);
    const withWaypoint = unlabelled.filter((r) => r.id.startsWith('authorization/l7-'));
    expect(withWaypoint.length).to.be.at.least(3);
    expect(withWaypoint.filter((r) => r.outcome === 'passed').map((r) => r.id)).to.deep.equal([]);
  });

  it('with the DNS domain assumed (cluster.local), no service resolves: every authorization scenario fails', async () => {
    const results = await runOn(CORP, (m) => ({ ...m, dnsDomain: 'cluster.local' }), 23);
    const authz = results.filter((r) => r.id.startsWith('authorization/'));
    expect(authz.length).to.be.at.least(6);
    expect(authz.filter((r) => r.outcome === 'passed').map((r) => r.id)).to.deep.equal([]);
  });
});
