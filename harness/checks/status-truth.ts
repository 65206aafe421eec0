/**
 * Status must tell the truth: the condition a controller wrote (a policy bound, a route accepted, a
 * waypoint Programmed) is read first; then traffic must show what it promises. When it does not,
 * the check fails with both facts, so the report shows the contradiction and not only a symptom.
 */
import type { ExpectationBase } from '../scenario/types.ts';
import { CheckFailed, type CheckKind } from './check.ts';
import { conditionCheck, type ConditionExpectation } from './condition.ts';
import { trafficCheck, type TrafficExpectation } from './traffic.ts';

/**
 * What the cluster says must be what traffic shows: once the status condition `claim` holds, every
 * request of `shows` must get its verdict. A contradiction fails with both facts as evidence.
 */
export interface StatusTruthExpectation extends ExpectationBase {
  type: 'status-truth';
  claim: ConditionExpectation;
  shows: TrafficExpectation;
}

export const statusTruthCheck: CheckKind<StatusTruthExpectation> = {
  plane: 'data',
  title: (e) => `status says ${conditionCheck.title(e.claim)}, so ${trafficCheck.title(e.shows)}`,
  async run(ctx, e) {
    const said = await conditionCheck.run(ctx, e.claim);
    try {
      const shown = await trafficCheck.run(ctx, e.shows);
      return {
        ...shown,
        detail: `status: ${said.detail}; traffic agrees: ${shown.detail}`,
        evidence: { ...said.evidence, ...shown.evidence },
      };
    } catch (err) {
      if (!(err instanceof CheckFailed)) throw err;
      throw new CheckFailed(
        `status contradicts traffic. Status: ${conditionCheck.title(e.claim)}, reported as ${said.detail}. Traffic: ${err.message}`,
        err.requests,
        { ...said.evidence, ...err.evidence },
      );
    }
  },
};
