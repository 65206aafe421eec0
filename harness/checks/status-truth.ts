/**
 * Status must tell the truth: the condition a controller wrote (a policy bound, a route accepted, a
 * waypoint Programmed) is read first; then traffic must show what it promises. When it does not,
 * the check fails with both facts, so the report shows the contradiction and not only a symptom.
 */
import type { StatusTruthExpectation } from '../scenario/types.ts';
import { CheckFailed, type CheckKind } from './check.ts';
import { conditionCheck } from './condition.ts';
import { trafficCheck } from './traffic.ts';

export const statusTruthCheck: CheckKind<StatusTruthExpectation> = {
  plane: 'data',
  title: (e) => `status says ${conditionCheck.title(e.claim)}, so ${trafficCheck.title(e.shows)}`,
  async run(ctx, e) {
    const said = await conditionCheck.run(ctx, e.claim);
    try {
      const shown = await trafficCheck.run(ctx, e.shows);
      return { ...shown, detail: `status: ${said.detail}; traffic agrees: ${shown.detail}`, evidence: { ...said.evidence, ...shown.evidence } };
    } catch (err) {
      if (!(err instanceof CheckFailed)) throw err;
      throw new CheckFailed(`status contradicts traffic. Status: ${conditionCheck.title(e.claim)}, reported as ${said.detail}. Traffic: ${err.message}`, err.requests,
        { ...said.evidence, ...err.evidence });
    }
  },
};
