/** Objects (by name or label selector) no longer exist. */
import type { ExpectationBase, NsRole } from '../scenario/types.ts';
import { changesOf } from '../cluster/watch.ts';
import { reach, type CheckContext, type CheckKind } from './check.ts';

export interface GoneExpectation extends ExpectationBase {
  type: 'gone';
  objects: { apiVersion: string; kind: string; ns: NsRole; name?: string; labelSelector?: string }[];
}

async function remaining(ctx: CheckContext, e: GoneExpectation): Promise<string[]> {
  const left: string[] = [];
  for (const o of e.objects) {
    const namespace = ctx.namespaces[o.ns];
    if (o.name) {
      if (await ctx.cluster.get({ apiVersion: o.apiVersion, kind: o.kind, namespace, name: o.name }))
        left.push(`${o.kind} ${namespace}/${o.name}`);
    } else {
      const found = await ctx.cluster.list(o.apiVersion, o.kind, { namespace, labelSelector: o.labelSelector });
      left.push(...found.map((f) => `${o.kind} ${namespace}/${f.metadata.name}`));
    }
  }
  return left;
}

export const goneCheck: CheckKind<GoneExpectation> = {
  plane: 'control',
  title: (e) => `gone: ${e.objects.map((o) => `${o.kind} ${o.name ?? o.labelSelector}`).join(', ')}`,
  async run(ctx, e) {
    let left: string[] = [];
    const convergedMs = await reach(
      ctx,
      goneCheck.title(e),
      async () => (left = await remaining(ctx, e)).length === 0,
      () => `still present: ${left.join(', ')}`,
      changesOf(ctx.cluster, e.objects[0].apiVersion, e.objects[0].kind, ctx.namespaces[e.objects[0].ns]),
    );
    return { convergedMs, requests: 0, detail: 'nothing left' };
  },
};
