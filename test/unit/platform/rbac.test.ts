/**
 * --print-rbac is what the suite does (issue #26): every call a whole run makes through the Cluster
 * interface (the catalogue, the clients, the pre-run reads, a failed scenario's diagnostics, the
 * leftover cleanup) is recorded and held to the printed ClusterRole, and every kind any fixture
 * names can be applied and deleted under it.
 */
import { expect } from 'chai';
import { parse } from 'yaml';
import type { KubeObject, ListOptions, ObjectRef, PodRef } from '../../../harness/cluster/types.ts';
import { fixtureKinds } from '../fixture-files.ts';
import { allowed, clusterRole, rbacManifest, RESOURCES, type Verb } from '../../../harness/platform/rbac.ts';
import { checkWaypointsAdmitted, readMesh } from '../../../harness/mesh/mesh.ts';
import { readInstalled } from '../../../harness/platform/install/install.ts';
import { checkGatewayClass } from '../../../harness/platform/install/gateway-class.ts';
import { makeEnv, runWithClients } from '../../../harness/runner/run.ts';
import { ISTIO_FEATURES } from '../../../harness/scenario/features.ts';
import { CATALOGUE } from '../../../suites/index.ts';
import { ModelCluster, type ModelOptions } from '../../../equipment/model/model-cluster.ts';
import { MODEL_TIMING } from '../../../equipment/model/timing.ts';
import type { Wake } from '../../../harness/wait.ts';

class Recording extends ModelCluster {
  readonly calls = new Set<string>();
  constructor(o: ModelOptions) {
    super(o);
  }
  private note(kind: string, verb: Verb, sub?: string) {
    this.calls.add(`${kind} ${verb}${sub ? ` ${sub}` : ''}`);
  }
  override async apply(o: KubeObject) {
    this.note(o.kind, 'create');
    this.note(o.kind, 'patch');
    return super.apply(o);
  }
  override async get(ref: ObjectRef) {
    this.note(ref.kind, 'get');
    return super.get(ref);
  }
  override async list(apiVersion: string, kind: string, opts?: ListOptions) {
    this.note(kind, 'list');
    return super.list(apiVersion, kind, opts);
  }
  override async delete(ref: ObjectRef) {
    this.note(ref.kind, 'delete');
    return super.delete(ref);
  }
  override async setLabels(ref: ObjectRef, labels: Record<string, string | null>) {
    this.note(ref.kind, 'patch');
    return super.setLabels(ref, labels);
  }
  override async scale(ref: ObjectRef, replicas: number) {
    this.note(ref.kind, 'patch');
    return super.scale(ref, replicas);
  }
  override async exec(pod: PodRef, command: string[], timeoutMs: number) {
    this.note('Pod', 'create', 'exec');
    return super.exec(pod, command, timeoutMs);
  }
  override async logs(pod: PodRef, tailLines: number) {
    this.note('Pod', 'get', 'log');
    return super.logs(pod, tailLines);
  }
  /** The real cluster watches what waits read; here the waits keep polling (a wake that never comes). */
  nextChange(_apiVersion: string, kind: string): Wake {
    this.note(kind, 'watch');
    return { changed: new Promise<void>(() => {}), cancel: () => {} };
  }
}

function deniedOf(calls: Set<string>): string[] {
  return [...calls].filter((c) => {
    const [kind, verb, sub] = c.split(' ');
    return !allowed(kind, verb as Verb, sub);
  });
}

async function recordedRun(seed: number, mutants: ModelOptions['mutants'] = []): Promise<Set<string>> {
  const cluster = new Recording({ seed, mutants });
  const mesh = await readMesh(cluster);
  await checkWaypointsAdmitted(cluster, mesh, 'restricted');
  await readInstalled(cluster);
  await cluster.list('v1', 'Node');
  const timing = { ...MODEL_TIMING, clock: cluster.clock };
  // The model's classes carry no status: the gate's reads are what is recorded here.
  await checkGatewayClass(cluster, 'istio-waypoint', undefined, timing, 1).catch(() => undefined);
  const env = makeEnv(cluster, {
    timing,
    supported: ISTIO_FEATURES,
    gatewayClass: 'istio-waypoint',
    outside: cluster.outside,
    log: () => {},
    mesh,
  });
  await runWithClients(env, mutants.length ? CATALOGUE.filter((s) => s.area === 'routing') : CATALOGUE, 8);
  return cluster.calls;
}

describe('--print-rbac', function () {
  this.timeout(600_000);

  it("allows every call a whole catalogue run makes, and a failed scenario's diagnostics", async () => {
    const calls = await recordedRun(41);
    expect(calls.size).to.be.at.least(25);
    expect(calls).to.include.keys('Pod create exec', 'Namespace delete', 'Deployment patch');
    expect(deniedOf(calls)).to.deep.equal([]);
    const failing = await recordedRun(42, ['weights-ignored']);
    expect(failing).to.include.keys('Event list', 'Pod get log');
    expect(deniedOf(failing)).to.deep.equal([]);
  });

  it('refuses what the run never does: the table is not a wildcard', () => {
    expect(allowed('Secret', 'get')).to.equal(false);
    expect(allowed('GatewayClass', 'create')).to.equal(false);
    expect(allowed('CustomResourceDefinition', 'patch')).to.equal(false);
    expect(allowed('Pod', 'create', 'attach')).to.equal(false);
    const rules = clusterRole().rules as { apiGroups: string[]; resources: string[]; verbs: string[] }[];
    expect(rules.flatMap((r) => [...r.apiGroups, ...r.resources, ...r.verbs]).filter((x) => x.includes('*'))).to.deep.equal([]);
  });

  it('lets the run apply and delete every kind any fixture names', () => {
    const kinds = fixtureKinds();
    expect(kinds.size).to.be.at.least(8);
    const missing = [...kinds].filter((k) => !(['create', 'patch', 'delete', 'get'] as Verb[]).every((v) => allowed(k, v)));
    expect(missing).to.deep.equal([]);
  });

  it('prints a ServiceAccount, the ClusterRole and the binding, with the reason for each rule', () => {
    const text = rbacManifest();
    const docs = text.split(/^---$/m).map((d) => parse(d) as KubeObject);
    expect(docs.map((d) => d.kind)).to.deep.equal(['Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding']);
    expect(docs[3].subjects).to.deep.equal([
      { kind: 'ServiceAccount', name: docs[1].metadata.name, namespace: docs[1].metadata.namespace },
    ]);
    for (const r of Object.values(RESOURCES)) expect(text).to.contain(`#   ${r.resource} (`);
  });
});
