/**
 * Every check kind, keyed by the expectation type it measures. The mapped type makes a kind that
 * has no module a compile error. Adding a kind: its expectation type in harness/scenario/types.ts,
 * its module here, and one line below.
 */
import type { Expectation } from '../scenario/types.ts';
import type { CheckKind } from './check.ts';
import { attemptsCheck } from './attempts.ts';
import { conditionCheck } from './condition.ts';
import { goneCheck } from './gone.ts';
import { metricCheck } from './metric.ts';
import { presentCheck } from './present.ts';
import { rejectedCheck } from './rejected.ts';
import { responseCheck } from './response.ts';
import { splitCheck } from './split.ts';
import { spreadCheck } from './spread.ts';
import { statusTruthCheck } from './status-truth.ts';
import { trafficCheck } from './traffic.ts';

type Registry = { [K in Expectation['type']]: CheckKind<Extract<Expectation, { type: K }>> };

const CHECKS: Registry = {
  traffic: trafficCheck,
  response: responseCheck,
  attempts: attemptsCheck,
  split: splitCheck,
  spread: spreadCheck,
  condition: conditionCheck,
  gone: goneCheck,
  present: presentCheck,
  rejected: rejectedCheck,
  metric: metricCheck,
  'status-truth': statusTruthCheck,
};

export function checkKind<E extends Expectation>(e: E): CheckKind<E> {
  return CHECKS[e.type] as unknown as CheckKind<E>;
}
