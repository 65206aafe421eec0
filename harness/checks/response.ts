/**
 * One kind of response, N batches in a row: status (a redirect is not followed), the backend that
 * served it, the Location header, response headers, and the request the echo backend received.
 */
import type { Client, Destination, ExpectationBase, RequestOptions } from '../scenario/types.ts';
import type { Marker, RequestRecord } from '../traffic/curl.ts';
import { describeRecord } from '../traffic/verdict.ts';
import {
  ECHO_POD_MARKER,
  ECHOED_PATH_MARKER,
  LOCATION_MARKER,
  echoedHeaderMarker,
  jsonStringValue,
  responseHeaderMarker,
  responseHeaderValue,
} from '../traffic/response-markers.ts';
import { converge, type Observation } from '../wait.ts';
import { failOnTimeout, Tally, type CheckKind } from './check.ts';
import { destName, requestTitle, resolveUrl, send, specFor } from './requests.ts';

/**
 * One response, not followed when it is a redirect: its status, the backend that served it, the
 * request the echo backend saw (path, headers) and response headers. null: the header is absent.
 */
export interface ResponseExpectation extends ExpectationBase, RequestOptions {
  type: 'response';
  from: Client;
  to: Destination;
  status: number;
  /** The echo Deployment that answered (echo-v1, …); the echo body names it. */
  backend?: string;
  /** Parts of a redirect's Location header; a part left out is not compared. */
  location?: LocationParts;
  responseHeaders?: Record<string, string | null>;
  /** Headers as the echo backend received them (comma-joined values compare as lists). */
  requestHeaders?: Record<string, string | null>;
  /** The path the echo backend received (after rewrites). */
  backendPath?: string;
}

export interface LocationParts {
  scheme?: 'http' | 'https';
  host?: string;
  /** '' : no port in the Location (the scheme's default). */
  port?: string;
  path?: string;
}

function markersFor(e: ResponseExpectation): Marker[] {
  return [
    ECHO_POD_MARKER,
    LOCATION_MARKER,
    ECHOED_PATH_MARKER,
    ...Object.keys(e.responseHeaders ?? {}).map((h, i) => responseHeaderMarker(`rh${i}`, h)),
    ...Object.keys(e.requestHeaders ?? {}).map((h, i) => echoedHeaderMarker(`qh${i}`, h)),
  ];
}

/** Comma-joined header values compare as lists: a proxy may append with or without a space. */
function sameValues(got: string, want: string): boolean {
  const list = (v: string) => v.split(',').map((x) => x.trim());
  return JSON.stringify(list(got)) === JSON.stringify(list(want));
}

function headerMismatch(kind: string, name: string, got: string | undefined, want: string | null): string | undefined {
  if (want === null) return got === undefined ? undefined : `${kind} ${name} should be absent, was ${JSON.stringify(got)}`;
  if (got === undefined) return `${kind} ${name} missing, expected ${JSON.stringify(want)}`;
  return sameValues(got, want) ? undefined : `${kind} ${name} was ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`;
}

/** A relative Location resolves against the request's URL, as a client following it would. */
export function locationMismatch(want: LocationParts, location: string | undefined, requestUrl: string): string | undefined {
  if (!location) return 'no Location header';
  let u: URL;
  try {
    u = new URL(location, requestUrl);
  } catch {
    return `Location ${JSON.stringify(location)} is not a URL`;
  }
  const got: Required<LocationParts> = {
    scheme: u.protocol.replace(':', '') as 'http' | 'https',
    host: u.hostname,
    port: u.port,
    path: u.pathname,
  };
  const off = (Object.keys(want) as (keyof LocationParts)[]).filter((k) => want[k] !== got[k]);
  return off.length === 0
    ? undefined
    : `Location ${JSON.stringify(location)}: ${off.map((k) => `${k} ${JSON.stringify(got[k])}, expected ${JSON.stringify(want[k])}`).join(', ')}`;
}

/** Why one response does not meet the expectation, or undefined if it does. */
export function responseMismatch(e: ResponseExpectation, r: RequestRecord, url: string): string | undefined {
  if (r.exitCode !== 0) return `no response (curl exit ${r.exitCode})`;
  if (r.httpCode !== e.status) return `status ${r.httpCode}, expected ${e.status}`;
  const servedBy = jsonStringValue(r.markers.servedby);
  if (e.backend && !servedBy?.startsWith(`${e.backend}-`)) return `served by ${servedBy ?? 'no echo backend'}, expected ${e.backend}`;
  if (e.location) {
    const why = locationMismatch(e.location, responseHeaderValue(r.markers.location), url);
    if (why) return why;
  }
  const path = jsonStringValue(r.markers.echopath);
  if (e.backendPath !== undefined && path !== e.backendPath)
    return `backend saw path ${JSON.stringify(path)}, expected ${JSON.stringify(e.backendPath)}`;
  const problems = [
    ...Object.entries(e.responseHeaders ?? {}).map(([h, want], i) =>
      headerMismatch('response header', h, responseHeaderValue(r.markers[`rh${i}`]), want),
    ),
    ...Object.entries(e.requestHeaders ?? {}).map(([h, want], i) =>
      headerMismatch('request header', h, jsonStringValue(r.markers[`qh${i}`]), want),
    ),
  ].filter(Boolean);
  return problems.length > 0 ? problems.join('; ') : undefined;
}

export const responseCheck: CheckKind<ResponseExpectation> = {
  plane: 'data',
  title(e) {
    const how = requestTitle(e);
    const what = [
      `${e.status}`,
      e.backend ? `from ${e.backend}` : '',
      e.location ? `Location ${JSON.stringify(e.location)}` : '',
      e.backendPath !== undefined ? `backend path ${e.backendPath}` : '',
      ...Object.entries(e.requestHeaders ?? {}).map(([h, v]) => `${h}${v === null ? ' absent' : `=${v}`} at backend`),
      ...Object.entries(e.responseHeaders ?? {}).map(([h, v]) => `${h}${v === null ? ' absent' : `=${v}`} in response`),
    ]
      .filter(Boolean)
      .join(', ');
    return `${e.from} → ${destName(e.to)}${how ? ` (${how})` : ''} expects ${what}`;
  },
  async run(ctx, e) {
    const url = await resolveUrl(ctx, e.to);
    const spec = specFor(ctx, url, e, markersFor(e));
    let requests = 0;
    const tally = new Tally();
    const observe = async (): Promise<Observation> => {
      const batch = await send(ctx, e.from, e.to, spec, ctx.batchSize);
      requests += batch.records.length;
      const judged = batch.records.map((r) => [r, responseMismatch(e, r, url)] as const);
      for (const [r, why] of judged)
        tally.add(
          r.exitCode !== 0 ? `curl exit ${r.exitCode}` : `HTTP ${r.httpCode}${why ? ', not as expected' : ''}`,
          why && `${why}: ${describeRecord(r)}`,
        );
      const bad = judged.filter(([, why]) => why);
      if (bad.length === 0) return { ok: true, detail: `${batch.records.length} responses as expected` };
      return { ok: false, detail: bad.map(([r, why]) => `${why}: ${describeRecord(r)}`).join('; ') };
    };
    const expected = `every response ${responseCheck.title(e).split(' expects ')[1]}`;
    const c = await failOnTimeout(
      () => requests,
      () => converge(responseCheck.title(e), observe, ctx.timing),
      () => tally.evidence(expected),
    );
    return {
      convergedMs: c.elapsedMs,
      attempts: c.attempts,
      requests,
      detail: `${requests} responses, converged after ${c.attempts} attempts`,
      evidence: tally.evidence(expected),
    };
  },
};
