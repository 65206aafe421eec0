/** An object reports a status condition with the expected status, reason and message. */
import { conditionOf, type KubeObject } from '../cluster/types.ts';
import type { ConditionExpectation } from '../scenario/types.ts';
import { substitute } from '../manifests/manifests.ts';
import { clockOf, waitFor } from '../wait.ts';
import { failOnTimeout, type CheckContext, type CheckKind } from './check.ts';

function matches(ctx: CheckContext, e: ConditionExpectation, obj: KubeObject | undefined): boolean {
  const c = conditionOf(obj, e.condition);
  return c !== undefined && c.status === e.status && (!e.reason || c.reason === e.reason) &&
    (!e.messagePrefix || (c.message ?? '').startsWith(substitute(e.messagePrefix, ctx.vars, 'messagePrefix'))) &&
    (e.message === undefined || c.message === substitute(e.message, ctx.vars, 'message'));
}

export const conditionCheck: CheckKind<ConditionExpectation> = {
  plane: 'control',
  title: (e) => `${e.object.kind} ${e.object.name} has ${e.condition}=${e.status}${e.reason ? ` (${e.reason})` : ''}`,
  async run(ctx, e) {
    const ref = { apiVersion: e.object.apiVersion, kind: e.object.kind, namespace: ctx.namespaces[e.object.ns], name: e.object.name };
    const clock = clockOf(ctx.timing);
    const start = clock.now();
    let last: KubeObject | undefined;
    await failOnTimeout(() => 0, () => waitFor(conditionCheck.title(e), async () => {
      last = await ctx.cluster.get(ref);
      return matches(ctx, e, last) ? true : undefined;
    }, ctx.timing, () => `condition is ${JSON.stringify(conditionOf(last, e.condition) ?? 'absent')}`));
    return { convergedMs: clock.now() - start, requests: 0, detail: JSON.stringify(conditionOf(last, e.condition)) };
  },
};
