/**
 * Invalid configuration is refused when it is applied: by the API server (CRD schema and CEL rules)
 * or by the implementation's validating webhook. Accepted configuration is removed again at once.
 */
import type { RejectedExpectation } from '../scenario/types.ts';
import { loadFixture } from '../manifests/manifests.ts';
import { refOf } from '../cluster/types.ts';
import { forRevision } from '../platform/mesh.ts';
import { CheckFailed, type CheckKind } from './check.ts';

/** The API server's answer to a refused request: its Status message, wherever the client put it. */
export function refusal(err: unknown): string {
  const e = err as { body?: unknown; message?: string };
  const body = typeof e.body === 'string' ? safeJson(e.body) : e.body;
  const message = (body as { message?: string } | undefined)?.message;
  return message ?? e.message ?? String(err);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { message: text };
  }
}

export const rejectedCheck: CheckKind<RejectedExpectation> = {
  plane: 'control',
  title: (e) => `applying ${e.fixture} is refused: "${e.message}"`,
  async run(ctx, e) {
    const objs = loadFixture(e.fixture, ctx.vars, ctx.runId).map((o) => forRevision(o, ctx.revision));
    for (const o of objs) {
      let stored;
      try {
        stored = await ctx.cluster.apply(o);
      } catch (err) {
        const why = refusal(err);
        if (why.includes(e.message)) return { requests: 0, detail: why };
        throw new CheckFailed(`refused, but not for the expected reason: ${why}`, 0);
      }
      await ctx.cluster.delete(refOf(stored));
    }
    throw new CheckFailed(`${e.fixture} was accepted; expected it to be refused with "${e.message}"`, 0);
  },
};
