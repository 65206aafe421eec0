/** The one place manifests are read: fixture files, variable substitution, suite labels. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { Cluster, KubeObject } from '../cluster/types.ts';

export const FIXTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures');

export const MANAGED_BY = { key: 'app.kubernetes.io/managed-by', value: 'waypoint-conformance' } as const;
export const RUN_LABEL = 'waypoint-conformance.dev/run';

export type Vars = Record<string, string>;

const VAR = /\$\{([A-Z_]+)\}/g;

export function substitute(text: string, vars: Vars, source: string): string {
  return text.replace(VAR, (_, name: string) => {
    const v = vars[name];
    if (v === undefined) throw new Error(`${source}: unknown variable \${${name}}`);
    return v;
  });
}

export function parseManifests(text: string, source: string): KubeObject[] {
  const docs = parseAllDocuments(text);
  const out: KubeObject[] = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${source}: ${doc.errors[0].message}`);
    const obj = doc.toJS() as KubeObject | null;
    if (obj == null) continue;
    if (!obj.apiVersion || !obj.kind || !obj.metadata?.name) {
      throw new Error(`${source}: every document needs apiVersion, kind and metadata.name`);
    }
    out.push(obj);
  }
  return out;
}

export function readFixture(relPath: string): string {
  return readFileSync(path.join(FIXTURES_DIR, relPath), 'utf8');
}

/** Loads a fixture, fills its variables and marks every object as created by this run. */
export function loadFixture(relPath: string, vars: Vars, runId: string): KubeObject[] {
  const objs = parseManifests(substitute(readFixture(relPath), vars, relPath), relPath);
  return objs.map((o) => markOwned(o, runId));
}

export function markOwned(obj: KubeObject, runId: string): KubeObject {
  return {
    ...obj,
    metadata: { ...obj.metadata, labels: { ...obj.metadata.labels, [MANAGED_BY.key]: MANAGED_BY.value, [RUN_LABEL]: runId } },
  };
}

/** Namespaces and CRDs first, then what configures, then what runs pods (so a pod never waits for its ServiceAccount). */
const WAVES: ((o: KubeObject) => boolean)[] = [
  (o) => o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition',
  (o) => !POD_OWNERS.has(o.kind),
  () => true,
];
const POD_OWNERS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'Pod']);

/**
 * Applies objects wave by wave, the objects of a wave at once: each apply is a round trip, and on a
 * busy API server those round trips, one after another, were most of a scenario's setup. Returns
 * the objects as stored, in the order given.
 */
export async function applyAll(cluster: Cluster, objs: KubeObject[]): Promise<KubeObject[]> {
  const stored: KubeObject[] = new Array<KubeObject>(objs.length);
  const wave = objs.map((o) => WAVES.findIndex((inWave) => inWave(o)));
  for (let w = 0; w < WAVES.length; w++) {
    await Promise.all(
      objs.map(async (o, i) => {
        if (wave[i] === w) stored[i] = await cluster.apply(o);
      }),
    );
  }
  return stored;
}
