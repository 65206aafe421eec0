/**
 * Small verbs that keep a scenario readable as a table: generic ones, that know no fixture and no
 * Istio word (those are the catalogue's: suites/vocabulary.ts).
 */
import type { Action, BackendMarker, Client, Destination, LabelTarget, NsRole, RequestOptions, ScenarioClient } from '../scenario/types.ts';
import type { AttemptsExpectation } from '../checks/attempts.ts';
import type { ConditionExpectation } from '../checks/condition.ts';
import type { GoneExpectation } from '../checks/gone.ts';
import type { RejectedExpectation } from '../checks/rejected.ts';
import type { ResponseExpectation, LocationParts } from '../checks/response.ts';
import type { SplitExpectation } from '../checks/split.ts';
import type { SpreadExpectation } from '../checks/spread.ts';
import type { StatusTruthExpectation } from '../checks/status-truth.ts';
import type { TrafficExpectation } from '../checks/traffic.ts';
import type { Expectation } from '../checks/registry.ts';
import type { Scenario, Step } from '../record/record.ts';
import type { Verdict } from '../traffic/verdict.ts';

export function defineScenario(s: Omit<Scenario, 'namespaces'> & { namespaces?: NsRole[] }): Scenario {
  return { namespaces: ['app'], ...s };
}

export const ingress = (gateway: string, path: string, port = 80): Destination => ({
  kind: 'ingress',
  ns: 'app',
  gateway,
  port,
  path,
});

/** The client of workload set `client` in the scenario namespace of this role (declare it in `workloads`). */
export const clientIn = (ns: NsRole): ScenarioClient => `client@${ns}`;

export const namespace = (ns: NsRole = 'app'): LabelTarget => ({ kind: 'namespace', ns });

export const service = (name: string, ns: NsRole = 'app'): LabelTarget => ({ kind: 'service', ns, name });

export const pods = (deployment: string, ns: NsRole = 'app'): LabelTarget => ({ kind: 'pods', ns, deployment });

export const apply = (fixture: string): Action => ({ do: 'apply', fixture });

export const remove = (fixture: string): Action => ({ do: 'remove', fixture });

export const label = (target: LabelTarget, labels: Record<string, string | null>): Action => ({ do: 'label', target, labels });

export const scale = (deployment: string, replicas: number, ns: NsRole = 'app'): Action => ({ do: 'scale', deployment, ns, replicas });

export function step(name: string, actions: Action[], expect: Expectation[]): Step {
  return { name, actions, expect };
}

export type TrafficExtra = RequestOptions & Partial<Pick<TrafficExpectation, 'via' | 'routeMarker' | 'minTimeSec' | 'feature'>>;

export function traffic(from: Client, to: Destination, verdict: Verdict, extra: TrafficExtra = {}): TrafficExpectation {
  return { type: 'traffic', from, to, verdict, ...extra };
}

export const viaWaypoint = (from: Client, to: Destination, extra: TrafficExtra = {}) =>
  traffic(from, to, 'allowed', { via: 'waypoint', ...extra });

export const direct = (from: Client, to: Destination, extra: TrafficExtra = {}) =>
  traffic(from, to, 'allowed', { via: 'direct', ...extra });

export function split(
  from: Client,
  to: Destination,
  weights: Record<string, number>,
  backend: BackendMarker,
  extra: RequestOptions & { feature?: SplitExpectation['feature'] } = {},
): SplitExpectation {
  return { type: 'split', from, to, weights, backend, ...extra };
}

/** Each of `backends` answers `to`, and no other; the shares are the implementation's (harness/checks/spread.ts). */
export function spread(
  from: Client,
  to: Destination,
  backends: string[],
  backend: BackendMarker,
  extra: RequestOptions = {},
): SpreadExpectation {
  return { type: 'spread', from, to, backends, backend, ...extra };
}

export function gone(objects: GoneExpectation['objects']): GoneExpectation {
  return { type: 'gone', objects };
}

/** The backend (a Deployment in the app namespace) must see each request `perRequest` times. */
export function attempts(
  from: Client,
  to: Destination,
  backend: string,
  expect: { status: number; perRequest: number },
  extra: RequestOptions & { feature?: AttemptsExpectation['feature'] } = {},
): AttemptsExpectation {
  return { type: 'attempts', from, to, backend: { ns: to.ns, deployment: backend }, ...expect, ...extra };
}

export function rejected(fixture: string, message: string, feature?: RejectedExpectation['feature']): RejectedExpectation {
  return { type: 'rejected', fixture, message, ...(feature ? { feature } : {}) };
}

export type ResponseExtra = RequestOptions & Omit<Partial<ResponseExpectation>, 'type' | 'from' | 'to' | 'status'>;

/** One response as the client got it (redirects not followed) and the request the echo backend saw. */
export function response(from: Client, to: Destination, status: number, extra: ResponseExtra = {}): ResponseExpectation {
  return { type: 'response', from, to, status, ...extra };
}

/** A redirect answered by the proxy itself: this status and these parts of Location. */
export function redirect(
  from: Client,
  to: Destination,
  status: number,
  location: LocationParts,
  extra: ResponseExtra = {},
): ResponseExpectation {
  return response(from, to, status, { location, ...extra });
}

/** The status `claim` holds, and traffic shows what it promises (suites/status-truth.ts). */
export function statusTruth(claim: ConditionExpectation, shows: TrafficExpectation): StatusTruthExpectation {
  return { type: 'status-truth', claim, shows };
}
