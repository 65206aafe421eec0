/** Objects exist, holding the expected values (what a controller created, e.g. a waypoint's Deployment). */
import type { KubeObject } from '../cluster/types.ts';
import type { ExpectationBase, NsRole } from '../scenario/types.ts';
import { changesOf } from '../cluster/watch.ts';
import { reach, type CheckContext, type CheckKind } from './check.ts';

export interface PresentExpectation extends ExpectationBase {
  type: 'present';
  objects: { apiVersion: string; kind: string; ns: NsRole; name: string; fields?: FieldExpectation[] }[];
}

/** A value an object must hold at a path (keys and list indexes); nonEmpty: any non-empty value. */
export interface FieldExpectation {
  path: (string | number)[];
  equals?: string | number | boolean;
  nonEmpty?: true;
  /** A list at `path` has an element with these fields (e.g. a Service port). */
  includes?: Record<string, string | number>;
}

function valueAt(obj: unknown, path: (string | number)[]): unknown {
  return path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], obj);
}

/** Why the object does not hold the field, or undefined if it does. */
export function fieldMismatch(obj: KubeObject, f: FieldExpectation): string | undefined {
  const v = valueAt(obj, f.path);
  const at = f.path.join('.');
  if (f.equals !== undefined && v !== f.equals) return `${at} is ${JSON.stringify(v)}, expected ${JSON.stringify(f.equals)}`;
  if (f.nonEmpty && (v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0))) return `${at} is empty`;
  if (f.includes) {
    const want = f.includes;
    const list = Array.isArray(v) ? v : [];
    if (!list.some((el) => Object.entries(want).every(([k, x]) => (el as Record<string, unknown>)?.[k] === x))) {
      return `${at} has no element ${JSON.stringify(want)} (has ${JSON.stringify(v)})`;
    }
  }
  return undefined;
}

async function missing(ctx: CheckContext, e: PresentExpectation): Promise<string[]> {
  const out: string[] = [];
  for (const o of e.objects) {
    const namespace = ctx.namespaces[o.ns];
    const obj = await ctx.cluster.get({ apiVersion: o.apiVersion, kind: o.kind, namespace, name: o.name });
    if (!obj) {
      out.push(`${o.kind} ${namespace}/${o.name} does not exist`);
      continue;
    }
    for (const f of o.fields ?? []) {
      const why = fieldMismatch(obj, f);
      if (why) out.push(`${o.kind} ${namespace}/${o.name}: ${why}`);
    }
  }
  return out;
}

export const presentCheck: CheckKind<PresentExpectation> = {
  plane: 'control',
  title: (e) =>
    `present: ${e.objects.map((o) => `${o.kind} ${o.name}${o.fields?.length ? ` (${o.fields.map((f) => f.path.join('.')).join(', ')})` : ''}`).join(', ')}`,
  async run(ctx, e) {
    let problems: string[] = [];
    const convergedMs = await reach(
      ctx,
      presentCheck.title(e),
      async () => (problems = await missing(ctx, e)).length === 0,
      () => problems.join('; '),
      changesOf(ctx.cluster, e.objects[0].apiVersion, e.objects[0].kind, ctx.namespaces[e.objects[0].ns]),
    );
    return { convergedMs, requests: 0, detail: `${e.objects.length} objects as expected` };
  },
};
