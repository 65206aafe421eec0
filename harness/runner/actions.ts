/** What a step does to the cluster before its checks: apply or remove a fixture, scale a Deployment, set labels. */
import type { KubeObject, ObjectRef } from '../cluster/types.ts';
import { refOf } from '../cluster/types.ts';
import { podsOfDeployment } from '../cluster/workloads.ts';
import { applyAll as applyObjects, loadFixture, substitute } from '../manifests/manifests.ts';
import { podImages } from '../manifests/images.ts';
import { forRevision } from '../mesh/mesh.ts';
import type { Action, LabelTarget } from '../scenario/types.ts';
import { waitFor } from '../wait.ts';
import type { ScenarioScope } from './scope.ts';

export function actionName(a: Action): string {
  if (a.do === 'scale') return `scale ${a.deployment} to ${a.replicas}`;
  if (a.do === 'label')
    return `label ${a.target.kind} ${'name' in a.target ? a.target.name : 'deployment' in a.target ? a.target.deployment : ''} ${JSON.stringify(a.labels)}`.replace(
      /\s+/g,
      ' ',
    );
  return `${a.do} ${a.fixture}`;
}

export function fixtureObjects(scope: ScenarioScope, fixture: string): KubeObject[] {
  return loadFixture(fixture, scope.vars, scope.env.runId).map((o) => forRevision(o, scope.env.mesh.revision));
}

export function inNamespace(o: KubeObject, ns: string): KubeObject {
  return { ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? ns } };
}

/** Applies the objects, keeping what was applied for diagnostics and the images it runs for the report. */
export async function applyAll(scope: ScenarioScope, objs: KubeObject[]): Promise<void> {
  scope.evidence.applied.push(...(await applyObjects(scope.env.cluster, objs)));
  for (const image of objs.flatMap(podImages)) scope.env.deployed.add(image);
}

export async function perform(scope: ScenarioScope, a: Action): Promise<void> {
  const { cluster } = scope.env;
  switch (a.do) {
    case 'apply':
      return applyAll(scope, fixtureObjects(scope, a.fixture));
    case 'remove':
      for (const o of fixtureObjects(scope, a.fixture).reverse()) await cluster.delete(refOf(o));
      return;
    case 'scale':
      return cluster.scale(
        { apiVersion: 'apps/v1', kind: 'Deployment', namespace: scope.namespaces[a.ns], name: a.deployment },
        a.replicas,
      );
    case 'label': {
      const labels = Object.fromEntries(
        Object.entries(a.labels).map(([k, v]) => [k, v === null ? null : substitute(v, scope.vars, `label ${k}`)]),
      );
      for (const ref of await labelRefs(scope, a.target)) await cluster.setLabels(ref, labels);
      return;
    }
  }
}

async function labelRefs(scope: ScenarioScope, t: LabelTarget): Promise<ObjectRef[]> {
  const ns = scope.namespaces[t.ns];
  const { cluster, timing } = scope.env;
  if (t.kind === 'namespace') return [{ apiVersion: 'v1', kind: 'Namespace', name: ns }];
  if (t.kind === 'service') return [{ apiVersion: 'v1', kind: 'Service', namespace: ns, name: t.name }];
  return waitFor(
    `pods of ${t.deployment} in ${ns}`,
    async () => {
      const pods = await podsOfDeployment(cluster, ns, t.deployment);
      return pods && pods.length > 0 ? pods.map(refOf) : undefined;
    },
    timing,
  );
}
