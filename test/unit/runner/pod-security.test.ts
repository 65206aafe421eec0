/**
 * Every pod the suite deploys passes Pod Security "restricted" (issue #26): the rules of
 * kubernetes.io/docs/concepts/security/pod-security-standards/ held against each workload fixture,
 * and each rule shown to refuse what it names.
 */
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES_DIR, loadFixture } from '../../../harness/manifests/manifests.ts';
import { ENFORCE_LABEL, podSecurityViolations, podSpecOf, type PodSecurityLevel } from '../../../harness/manifests/pod-security.ts';
import { checkWaypointsAdmitted, readMesh } from '../../../harness/mesh/mesh.ts';
import { makeEnv, runWithClients } from '../../../harness/runner/run.ts';
import { ISTIO_FEATURES } from '../../../harness/scenario/features.ts';
import { CATALOGUE } from '../../../suites/index.ts';
import { ModelCluster } from '../../../equipment/model/model-cluster.ts';
import { MODEL_TIMING } from '../../../equipment/model/timing.ts';
import { imageVars, IMAGES } from '../../../harness/versions/images.ts';

const VARS = {
  ...imageVars(IMAGES),
  APP_NS: 'a',
  INFRA_NS: 'i',
  CONSUMER_NS: 'c',
  CLIENT_NS: 'c',
  WAYPOINT_CLASS: 'w',
  TRUST_DOMAIN: 't',
  DNS_DOMAIN: 'd',
};

const RESTRICTED_POD = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{ name: 'c', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
};

function workloads() {
  const files = readdirSync(path.join(FIXTURES_DIR, 'workloads')).filter((f) => f.endsWith('.yaml'));
  return files.flatMap((f) =>
    loadFixture(`workloads/${f}`, VARS, 'r')
      .filter((o) => podSpecOf(o))
      .map((o) => ({ name: `${f} ${o.kind}/${o.metadata.name}`, spec: podSpecOf(o) })),
  );
}

describe('Pod Security restricted', () => {
  it('admits every pod the suite deploys, each container under a numeric non-root user', () => {
    const pods = workloads();
    expect(pods.length).to.be.at.least(15);
    expect(pods.flatMap((p) => podSecurityViolations(p.spec, 'restricted').map((v) => `${p.name}: ${v}`))).to.deep.equal([]);
    // A numeric user: the kubelet checks runAsNonRoot against it, whatever the image declares (or, a stand-in, does not).
    const unnumbered = pods.flatMap((p) =>
      (p.spec.containers as { name: string; securityContext?: { runAsUser?: number } }[])
        .filter((c) => !((c.securityContext?.runAsUser ?? p.spec.securityContext?.runAsUser) > 0))
        .map((c) => `${p.name} ${c.name}`),
    );
    expect(unnumbered).to.deep.equal([]);
  });

  it('admits the minimal restricted pod and refuses each thing the standard names', () => {
    expect(podSecurityViolations(RESTRICTED_POD, 'restricted')).to.deep.equal([]);
    const c = (sc: object) => ({
      ...RESTRICTED_POD,
      containers: [{ name: 'c', securityContext: { ...RESTRICTED_POD.containers[0].securityContext, ...sc } }],
    });
    const cases: [object, RegExp][] = [
      [{ containers: [{ name: 'c' }] }, /allowPrivilegeEscalation is not false/],
      [c({ allowPrivilegeEscalation: true }), /allowPrivilegeEscalation/],
      [c({ capabilities: { drop: ['NET_RAW'] } }), /do not drop ALL/],
      [c({ capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } }), /adds capability NET_ADMIN/],
      [c({ runAsNonRoot: false }), /runAsNonRoot is not true/],
      [c({ runAsUser: 0 }), /runAsUser is 0/],
      [c({ privileged: true }), /privileged/],
      [{ ...RESTRICTED_POD, securityContext: { runAsNonRoot: true } }, /seccompProfile is not RuntimeDefault or Localhost/],
      [{ ...RESTRICTED_POD, hostNetwork: true }, /hostNetwork is true/],
      [{ ...RESTRICTED_POD, volumes: [{ name: 'h', hostPath: { path: '/' } }] }, /hostPath/],
      [{ ...RESTRICTED_POD, volumes: [{ name: 'n', nfs: { server: 's', path: '/' } }] }, /volume n is of a type restricted does not allow/],
    ];
    for (const [spec, want] of cases) expect(podSecurityViolations(spec, 'restricted').join('; '), JSON.stringify(spec)).to.match(want);
  });

  it('baseline admits what only restricted refuses', () => {
    expect(podSecurityViolations({ containers: [{ name: 'c' }] }, 'baseline')).to.deep.equal([]);
    expect(podSecurityViolations({ containers: [{ name: 'c', securityContext: { privileged: true } }] }, 'baseline')).to.deep.equal([
      'container c is privileged',
    ]);
  });
});

describe('Pod Security restricted on the model', function () {
  this.timeout(240_000);
  const scenarios = CATALOGUE.filter((s) => s.id === 'enrollment/namespace-scope');

  async function run(waypointSeccomp: string | null | undefined, podSecurity: PodSecurityLevel) {
    const cluster = new ModelCluster({ seed: 31, waypointSeccomp });
    const env = makeEnv(cluster, {
      timing: { ...MODEL_TIMING, clock: cluster.clock },
      supported: ISTIO_FEATURES,
      gatewayClass: 'istio-waypoint',
      outside: cluster.outside,
      log: () => {},
      podSecurity,
    });
    const admitted = await checkWaypointsAdmitted(cluster, await readMesh(cluster), podSecurity).then(
      () => 'admitted',
      (e: Error) => e.message,
    );
    return { admitted, results: (await runWithClients(env, scenarios, 1)).results };
  }

  it('runs the scenario pods and waypoints in namespaces enforcing restricted, when istiod gives waypoints a seccomp profile', async () => {
    const { admitted, results } = await run(undefined, 'restricted');
    expect(admitted).to.equal('admitted');
    expect(results.map((r) => `${r.id}: ${r.outcome} ${r.reason ?? ''}`)).to.deep.equal(['enrollment/namespace-scope: passed ']);
  });

  it('a mesh whose waypoints have no seccomp profile is stopped before the run, with the fix; its waypoints would never come up', async () => {
    const { admitted, results } = await run(null, 'restricted');
    expect(admitted).to.match(/istiod deploys waypoints without a seccompProfile/);
    expect(results[0].outcome).to.equal('failed');
    expect(results[0].reason).to.match(/waypoint/i);
    const baseline = await run(null, 'baseline');
    expect(baseline.admitted).to.equal('admitted');
    expect(baseline.results[0].outcome).to.equal('passed');
  });

  it('the model refuses a pod that breaks the level its namespace enforces', async () => {
    const cluster = new ModelCluster({ seed: 32 });
    await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'r', labels: { [ENFORCE_LABEL]: 'restricted' } } });
    const dep = (name: string, spec: object) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'r' },
      spec: { replicas: 1, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec } },
    });
    await cluster.apply(dep('plain', { containers: [{ name: 'c', image: 'x' }] }));
    await cluster.apply(dep('restricted', RESTRICTED_POD));
    await cluster.clock.sleep(1000);
    const pods = (await cluster.list('v1', 'Pod', { namespace: 'r' })).map((p) => p.metadata.labels?.app);
    expect(pods).to.deep.equal(['restricted']);
  });
});
