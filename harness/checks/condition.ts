/** An object reports a status condition with the expected status, reason and message. */
import { conditionOf, type Condition, type KubeObject } from '../cluster/types.ts';
import type { ExpectationBase, NsRole } from '../scenario/types.ts';
import { substitute } from '../manifests/manifests.ts';
import { changesOf } from '../cluster/watch.ts';
import { CheckFailed, reach, type CheckContext, type CheckEvidence, type CheckKind } from './check.ts';

export interface ConditionExpectation extends ExpectationBase {
  type: 'condition';
  object: { apiVersion: string; kind: string; ns: NsRole; name: string };
  /** Read the condition in a route's status.parents entry for this parent, not in status.conditions. */
  parent?: { kind: string; name: string };
  condition: string;
  status: 'True' | 'False';
  reason?: string;
  messagePrefix?: string;
  /** The whole message, where a longer one would mean something else. */
  message?: string;
}

/** The condition in status.conditions, or in a route's status.parents entry for the named parent. */
export function conditionIn(obj: KubeObject | undefined, e: Pick<ConditionExpectation, 'condition' | 'parent'>): Condition | undefined {
  if (!e.parent) return conditionOf(obj, e.condition);
  const parents: { parentRef?: { kind?: string; name?: string }; conditions?: Condition[] }[] = obj?.status?.parents ?? [];
  const entry = parents.find((p) => (p.parentRef?.kind ?? 'Gateway') === e.parent!.kind && p.parentRef?.name === e.parent!.name);
  return entry?.conditions?.find((c) => c.type === e.condition);
}

function matches(ctx: CheckContext, e: ConditionExpectation, obj: KubeObject | undefined): boolean {
  const c = conditionIn(obj, e);
  return (
    c !== undefined &&
    c.status === e.status &&
    (!e.reason || c.reason === e.reason) &&
    (!e.messagePrefix || (c.message ?? '').startsWith(substitute(e.messagePrefix, ctx.vars, 'messagePrefix'))) &&
    (e.message === undefined || c.message === substitute(e.message, ctx.vars, 'message'))
  );
}

/** The condition looked for (fixture variables filled in) beside the one the object last had. */
function conditionEvidence(ctx: CheckContext, e: ConditionExpectation, obj: KubeObject | undefined): CheckEvidence {
  const expected: Record<string, string> = { type: e.condition, status: e.status };
  if (e.reason) expected.reason = e.reason;
  if (e.messagePrefix) expected.messagePrefix = substitute(e.messagePrefix, ctx.vars, 'messagePrefix');
  if (e.message !== undefined) expected.message = substitute(e.message, ctx.vars, 'message');
  const where = `${e.object.kind} ${e.object.name}${e.parent ? ` (parent ${e.parent.kind} ${e.parent.name})` : ''}`;
  return { condition: { object: where, expected, seen: (conditionIn(obj, e) as unknown as Record<string, unknown>) ?? null } };
}

export const conditionCheck: CheckKind<ConditionExpectation> = {
  plane: 'control',
  title: (e) =>
    `${e.object.kind} ${e.object.name}${e.parent ? ` (parent ${e.parent.kind} ${e.parent.name})` : ''} has ${e.condition}=${e.status}${e.reason ? ` (${e.reason})` : ''}`,
  async run(ctx, e) {
    const ref = { apiVersion: e.object.apiVersion, kind: e.object.kind, namespace: ctx.namespaces[e.object.ns], name: e.object.name };
    let last: KubeObject | undefined;
    const evidence = () => conditionEvidence(ctx, e, last);
    try {
      const convergedMs = await reach(
        ctx,
        conditionCheck.title(e),
        async () => matches(ctx, e, (last = await ctx.cluster.get(ref))),
        () => `condition is ${JSON.stringify(conditionIn(last, e) ?? 'absent')}`,
        changesOf(ctx.cluster, ref.apiVersion, ref.kind, ref.namespace),
      );
      return { convergedMs, requests: 0, detail: JSON.stringify(conditionIn(last, e)), evidence: evidence() };
    } catch (err) {
      if (err instanceof CheckFailed) throw new CheckFailed(err.message, err.requests, evidence());
      throw err;
    }
  },
};
