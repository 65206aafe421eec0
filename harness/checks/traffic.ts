/** Every request gets the expected verdict, through (or around) the waypoint, N batches in a row. */
import type { Client, Destination, ExpectationBase, RequestOptions } from '../scenario/types.ts';
import type { RequestRecord } from '../traffic/curl.ts';
import { classifyWith, describeRecord, ENVOY_SIGNALS, type Verdict, type WaypointSignals } from '../traffic/verdict.ts';
import { converge, type Observation } from '../wait.ts';
import { CheckNotSupported, failOnTimeout, Tally, type CheckKind } from './check.ts';
import { destName, requestTitle, resolveUrl, send, specFor } from './requests.ts';

export interface TrafficExpectation extends ExpectationBase, RequestOptions {
  type: 'traffic';
  from: Client;
  to: Destination;
  /** The verdict every request must get; a list accepts any of several documented signals. */
  verdict: Verdict | readonly Verdict[];
  /** waypoint: the request was processed at L7 (X-Request-Id seen by the echo backend);
   *  direct: it was not. Needs the echo backend as destination. */
  via?: 'waypoint' | 'direct';
  /** The x-wpt-via request header the scenario's HTTPRoute adds, as the backend saw it; null: absent. */
  routeMarker?: string | null;
  /** The request takes at least this long (fault delay). */
  minTimeSec?: number;
}

/** Why one request does not meet the expectation, or undefined if it does. */
export function mismatch(e: TrafficExpectation, r: RequestRecord, signals: WaypointSignals = ENVOY_SIGNALS): string | undefined {
  const verdict = classifyWith(r, signals);
  const accepted: readonly string[] = typeof e.verdict === 'string' ? [e.verdict] : e.verdict;
  if (!accepted.includes(verdict)) return `verdict ${verdict}, expected ${accepted.join(' or ')}`;
  if (e.via === 'waypoint' && signals.l7Header && !r.markers.reqid)
    return `no ${headerName(signals.l7Header.name)} at the backend: the request did not pass an L7 proxy`;
  if (e.via === 'direct' && (r.markers.reqid || r.markers.via)) return 'the backend saw L7 proxy headers: the request passed a waypoint';
  if (e.routeMarker === null && r.markers.via) return `the route's header is still applied: ${r.markers.via}`;
  if (typeof e.routeMarker === 'string' && !r.markers.via?.includes(`"${e.routeMarker}"`)) {
    return `x-wpt-via should be "${e.routeMarker}", saw ${r.markers.via ? r.markers.via : 'none'}`;
  }
  if (e.minTimeSec !== undefined && r.timeSec < e.minTimeSec) return `took ${r.timeSec}s, expected at least ${e.minTimeSec}s`;
  return undefined;
}

/** " (curl exit 52×12, 56×6)" when some requests got no response: which closes a denial came as. */
function exitTally(exits: Map<number, number>): string {
  const failed = [...exits].filter(([code]) => code !== 0).sort(([a], [b]) => a - b);
  return failed.length ? ` (curl exit ${failed.map(([code, n]) => `${code}×${n}`).join(', ')})` : '';
}

/** x-request-id → X-Request-Id, as the header is usually written. */
function headerName(lower: string): string {
  return lower.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
}

/**
 * `via` needs the implementation's own per-request L7 header. Without one, only the scenario's route
 * header proves the path: present (routeMarker "...") proves the waypoint, absent where the scenario
 * has a route (routeMarker null) proves direct. A bare `via` is reported, never passed on silence.
 */
export function unprovablePath(e: TrafficExpectation, signals: WaypointSignals): string | undefined {
  if (!e.via || signals.l7Header) return undefined;
  if (e.via === 'waypoint' ? typeof e.routeMarker === 'string' : e.routeMarker === null) return undefined;
  return (
    `${signals.name} adds no documented per-request header that proves the path (${e.via}); ` +
    'traversal is proven by the route-marker and waypoint-identity scenarios instead'
  );
}

export const trafficCheck: CheckKind<TrafficExpectation> = {
  plane: 'data',
  title(e) {
    const how = requestTitle(e);
    const verdict = typeof e.verdict === 'string' ? e.verdict : e.verdict.join('|');
    return `${e.from} → ${destName(e.to)}${how ? ` (${how})` : ''} expects ${verdict}${e.via ? ` via ${e.via}` : ''}`;
  },
  async run(ctx, e) {
    const unprovable = unprovablePath(e, ctx.signals);
    if (unprovable) throw new CheckNotSupported(unprovable);
    const spec = specFor(ctx, await resolveUrl(ctx, e.to), e);
    let requests = 0;
    const tally = new Tally();
    const exits = new Map<number, number>();
    const observe = async (): Promise<Observation> => {
      const batch = await send(ctx, e.from, e.to, spec, ctx.batchSize);
      requests += batch.records.length;
      for (const r of batch.records) exits.set(r.exitCode, (exits.get(r.exitCode) ?? 0) + 1);
      const judged = batch.records.map((r) => [r, mismatch(e, r, ctx.signals)] as const);
      for (const [r, why] of judged) tally.add(classifyWith(r, ctx.signals), why && `${why}: ${describeRecord(r)}`);
      const bad = judged.filter(([, why]) => why);
      if (bad.length === 0) return { ok: true, detail: `${batch.records.length} requests as expected` };
      return { ok: false, detail: bad.map(([r, why]) => `${why}: ${describeRecord(r)}`).join('; ') };
    };
    const expected = `every request ${trafficCheck.title(e).split(' expects ')[1]}`;
    const c = await failOnTimeout(
      () => requests,
      () => converge(trafficCheck.title(e), observe, ctx.timing),
      () => tally.evidence(expected),
    );
    return {
      convergedMs: c.elapsedMs,
      attempts: c.attempts,
      requests,
      detail: `${requests} requests${exitTally(exits)}, converged after ${c.attempts} attempts`,
      evidence: tally.evidence(expected),
    };
  },
};
