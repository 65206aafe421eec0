/**
 * Every check kind, keyed by the expectation type it measures. A kind is one module of this folder:
 * its expectation (extending ExpectationBase, with `type` its key here) beside the code that
 * measures it; registering it is one line below. The union of every expectation a scenario can hold
 * is made from this table, so a registered kind is at once part of the scenario record, and a key
 * that is not its kind's expectation type is a compile error.
 */
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

const CHECKS = {
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

type Kinds = typeof CHECKS;
type Measures<K> = K extends CheckKind<infer E> ? E : never;

/** Every expectation a scenario can hold: what one of the registered check kinds measures. */
export type Expectation = { [K in keyof Kinds]: Measures<Kinds[K]> }[keyof Kinds];

/** The keys whose kind measures another expectation type; must be none. */
type Misfiled = { [K in keyof Kinds]: Measures<Kinds[K]>['type'] extends K ? never : K }[keyof Kinds];
export const EVERY_KEY_IS_ITS_KIND: [Misfiled] extends [never] ? true : Misfiled = true;

export function checkKind<E extends Expectation>(e: E): CheckKind<E> {
  return CHECKS[e.type] as unknown as CheckKind<E>;
}
