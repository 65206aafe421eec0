/**
 * Verdict classification: what one request's outcome means. Which body and status mean what is the
 * implementation's, so the signals come from a profile the run chooses (the claim file's `signals`,
 * or Istio's Envoy waypoint by default); a request never decides its own profile.
 * Envoy waypoint (ENVOY_SIGNALS):
 * - denied-l7: 403 with body "RBAC: access denied"
 *   (istio.io content/en/docs/ambient/getting-started/enforce-auth-policies; istio tests/integration/security/authz_test.go).
 * - fault-abort: Envoy's fault filter answers the configured status with body "fault filter abort".
 * - gateway-timeout: a route timeout; Envoy answers 504 "upstream request timeout".
 * Every implementation, ztunnel's and curl's own signals:
 * - denied-l4: ztunnel closes the connection without an HTTP response: curl exits 56 (reset) or 52
 *   (empty reply). Istio's docs show 56 (istio.io content/en/docs/ambient/getting-started/enforce-auth-policies,
 *   snip ..._3_out); Istio's own ambient tests accept a reset or an EOF (istio tests/integration/ambient/
 *   baseline_test.go CheckDeny); real ztunnel answered 52 in about 65 and 56 in about 35 of 100 denials on
 *   every deny path (docs/real-data-plane.md). Which close it was says nothing more: a scenario tells a
 *   policy's close from any other by its control (README "How a verdict is reached").
 * - unavailable: 503 from an L7 proxy whose upstream refused (istio tests/integration/ambient/baseline_test.go CheckDeny).
 * - timeout: the client gave up (curl exit 28).
 * gRPC (grpc/grpc doc/PROTOCOL-HTTP2.md, doc/statuscodes.md): a call succeeded only with HTTP 200 and
 * grpc-status 0; a missing or other grpc-status is 'other', whatever the HTTP status.
 */
import type { Marker, RequestRecord } from './curl.ts';

export type Verdict = 'allowed' | 'denied-l7' | 'denied-l4' | 'unavailable' | 'fault-abort' | 'gateway-timeout' | 'timeout' | 'other';

/** One answer of the waypoint itself: its status and an ERE matched against the body. */
export interface BodySignal {
  status?: number;
  body: string;
  source: string;
}

/** What an implementation's waypoint answers, and what it leaves on requests it forwards. */
export interface WaypointSignals {
  name: string;
  deniedL7: BodySignal & { status: number };
  gatewayTimeout: BodySignal & { status: number };
  /** Absent: the implementation has no fault injection, so nothing is classified fault-abort. */
  faultAbort?: BodySignal;
  /** A header the proxy adds to every request it forwards (per-request proof of L7); absent: none documented. */
  l7Header?: { name: string; source: string };
  /** How to read the waypoint's request counter; absent: no reader the suite can use. */
  metrics?: { container: string; command: string[]; requestsTotal: string; source: string };
}

export const ENVOY_SIGNALS: WaypointSignals = {
  name: 'istio-envoy',
  deniedL7: {
    status: 403,
    body: 'RBAC: access denied',
    source: 'istio/istio.io content/en/docs/ambient/getting-started/enforce-auth-policies/snips.sh',
  },
  gatewayTimeout: {
    status: 504,
    body: 'upstream request timeout',
    source: 'istio/istio.io content/en/docs/tasks/traffic-management/request-timeouts/index.md',
  },
  faultAbort: { body: 'fault filter abort', source: 'istio/istio.io content/en/docs/tasks/traffic-management/fault-injection/index.md' },
  l7Header: { name: 'x-request-id', source: 'istio/istio tests/integration/ambient/baseline_test.go' },
  metrics: {
    container: 'istio-proxy',
    command: ['pilot-agent', 'request', 'GET', 'stats/prometheus'],
    requestsTotal: 'istio_requests_total',
    source: 'istio/istio.io content/en/docs/ambient/usage/egress-gateway/index.md',
  },
};

/** Markers every request carries so that verdicts can be classified under these signals. */
export function verdictMarkers(s: WaypointSignals): Marker[] {
  return [
    { name: 'rbac', pattern: s.deniedL7.body, in: 'body' },
    ...(s.faultAbort ? [{ name: 'fault', pattern: s.faultAbort.body, in: 'body' as const }] : []),
    { name: 'upstreamtimeout', pattern: s.gatewayTimeout.body, in: 'body' },
  ];
}

export const VERDICT_MARKERS: Marker[] = verdictMarkers(ENVOY_SIGNALS);

export const CURL_EXIT = { ok: 0, couldNotResolve: 6, refused: 7, timeout: 28, emptyReply: 52, reset: 56 } as const;

/** The ways a connection ends without an HTTP response that ztunnel's refusals take (see denied-l4 above). */
export const L4_CLOSE_EXITS: ReadonlySet<number> = new Set([CURL_EXIT.emptyReply, CURL_EXIT.reset]);

/** Under Istio's Envoy signals (the default when a run names no implementation). */
export function classify(r: RequestRecord): Verdict {
  return classifyWith(r, ENVOY_SIGNALS);
}

export function classifyWith(r: RequestRecord, s: WaypointSignals): Verdict {
  if (L4_CLOSE_EXITS.has(r.exitCode)) return 'denied-l4';
  if (r.exitCode === CURL_EXIT.timeout) return 'timeout';
  if (r.exitCode !== CURL_EXIT.ok) return 'other';
  if (r.grpcStatus !== undefined) return grpcSucceeded(r) ? 'allowed' : 'other';
  if (s.faultAbort && r.markers.fault) return 'fault-abort';
  if (r.httpCode === s.deniedL7.status && r.markers.rbac) return 'denied-l7';
  if (r.httpCode === s.gatewayTimeout.status && r.markers.upstreamtimeout) return 'gateway-timeout';
  if (r.httpCode === 503) return 'unavailable';
  if (r.httpCode >= 200 && r.httpCode < 400) return 'allowed';
  return 'other';
}

/** True for an HTTP request; for a gRPC call, only when it completed with grpc-status 0. */
export function grpcSucceeded(r: RequestRecord): boolean {
  return r.grpcStatus === undefined || (r.exitCode === CURL_EXIT.ok && r.httpCode === 200 && r.grpcStatus === '0');
}

export function describeRecord(r: RequestRecord): string {
  const m = Object.entries(r.markers)
    .filter(([, v]) => v)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(' ');
  const err = r.stderr ? ` stderr=${JSON.stringify(r.stderr.trim())}` : '';
  const grpc = r.grpcStatus === undefined ? '' : ` grpc-status=${r.grpcStatus || 'none'}`;
  return `#${r.seq} curl-exit=${r.exitCode} http=${r.httpCode}${grpc} time=${r.timeSec}s ${m}${err}`.trim();
}
