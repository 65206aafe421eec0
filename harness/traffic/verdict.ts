/**
 * Verdict classification: what one request's outcome means. The signals come from upstream:
 * - denied-l4: ztunnel resets the connection; curl exits 56
 *   (istio.io content/en/docs/ambient/getting-started/enforce-auth-policies, snip ..._3_out).
 * - denied-l7: the waypoint answers 403 with body "RBAC: access denied"
 *   (same page; istio tests/integration/security/authz_test.go).
 * - unavailable: 503 from an L7 proxy whose upstream refused (istio tests/integration/ambient/baseline_test.go CheckDeny).
 * - fault-abort: Envoy's fault filter answers the configured status with body "fault filter abort".
 * - gateway-timeout: a route timeout; Envoy answers 504 "upstream request timeout".
 * - timeout: the client gave up (curl exit 28).
 */
import type { Marker, RequestRecord } from './curl.ts';

export type Verdict =
  | 'allowed'
  | 'denied-l7'
  | 'denied-l4'
  | 'unavailable'
  | 'fault-abort'
  | 'gateway-timeout'
  | 'timeout'
  | 'other';

/** Markers every request carries so that verdicts can be classified. */
export const VERDICT_MARKERS: Marker[] = [
  { name: 'rbac', pattern: 'RBAC: access denied', in: 'body' },
  { name: 'fault', pattern: 'fault filter abort', in: 'body' },
  { name: 'upstreamtimeout', pattern: 'upstream request timeout', in: 'body' },
];

export const CURL_EXIT = { ok: 0, couldNotResolve: 6, refused: 7, timeout: 28, reset: 56 } as const;

export function classify(r: RequestRecord): Verdict {
  if (r.exitCode === CURL_EXIT.reset) return 'denied-l4';
  if (r.exitCode === CURL_EXIT.timeout) return 'timeout';
  if (r.exitCode !== CURL_EXIT.ok) return 'other';
  if (r.markers.fault) return 'fault-abort';
  if (r.httpCode === 403 && r.markers.rbac) return 'denied-l7';
  if (r.httpCode === 504 && r.markers.upstreamtimeout) return 'gateway-timeout';
  if (r.httpCode === 503) return 'unavailable';
  if (r.httpCode >= 200 && r.httpCode < 400) return 'allowed';
  return 'other';
}

export function describeRecord(r: RequestRecord): string {
  const m = Object.entries(r.markers).filter(([, v]) => v).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');
  const err = r.stderr ? ` stderr=${JSON.stringify(r.stderr.trim())}` : '';
  return `#${r.seq} curl-exit=${r.exitCode} http=${r.httpCode} time=${r.timeSec}s ${m}${err}`.trim();
}
