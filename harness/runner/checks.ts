/** Runs one expectation against the cluster and says what was measured. */
import { randomBytes } from 'node:crypto';
import { conditionOf, type KubeObject } from '../cluster/types.ts';
import type {
  AttemptsExpectation, ConditionExpectation, Destination, Expectation, GoneExpectation, MetricExpectation, SplitExpectation, TrafficExpectation,
} from '../scenario/types.ts';
import type { Marker, RequestRecord, RequestSpec } from '../traffic/curl.ts';
import { classify, describeRecord, VERDICT_MARKERS } from '../traffic/verdict.ts';
import { SplitTest } from '../stats/split-test.ts';
import { converge, waitFor, WaitTimeout, type Observation } from '../wait.ts';
import type { ScenarioScope } from './env.ts';
import type { Batch } from '../traffic/engine.ts';
import { readCounter } from './metrics.ts';
import { podsOfDeployment } from './readiness.ts';
import { substitute } from './fixtures.ts';
import { judgeAttempts, parseRequestLog, type LoggedRequest } from '../traffic/backend-log.ts';

export interface CheckOutcome {
  convergedMs?: number;
  attempts?: number;
  requests: number;
  detail: string;
}

export class CheckFailed extends Error {
  constructor(message: string, readonly requests: number) {
    super(message);
  }
}

const PATH_MARKERS: Marker[] = [
  // Istio's own L7 signal: the server saw X-Request-Id (istio tests/integration/ambient/baseline_test.go).
  { name: 'reqid', pattern: '"x-request-id": ?"', in: 'body' },
  // The suite's neutral signal: the header the scenario's HTTPRoute adds.
  { name: 'via', pattern: '"x-wpt-via": ?"[^"]*"', in: 'body' },
];

export function describe(e: Expectation): string {
  switch (e.type) {
    case 'traffic': {
      const how = [e.method && e.method !== 'GET' ? e.method : '', e.headers ? JSON.stringify(e.headers) : ''].filter(Boolean).join(' ');
      const via = e.via ? ` via ${e.via}` : '';
      const verdict = typeof e.verdict === 'string' ? e.verdict : e.verdict.join('|');
      return `${e.from} → ${destName(e.to)}${how ? ` (${how})` : ''} expects ${verdict}${via}`;
    }
    case 'attempts':
      return `${e.from} → ${destName(e.to)} (${JSON.stringify(e.headers ?? {})}) gets ${e.status}; ${e.backend.deployment} sees each request ${e.perRequest}x`;
    case 'split':
      return `${e.from} → ${destName(e.to)} splits ${Object.entries(e.weights).map(([b, w]) => `${b}=${w}`).join('/')}`;
    case 'condition':
      return `${e.object.kind} ${e.object.name} has ${e.condition}=${e.status}${e.reason ? ` (${e.reason})` : ''}`;
    case 'gone':
      return `gone: ${e.objects.map((o) => `${o.kind} ${o.name ?? o.labelSelector}`).join(', ')}`;
    case 'metric':
      return `${e.metric}{${Object.entries(e.labels).map(([k, v]) => `${k}="${v}"`).join(',')}} on ${e.waypoint.name} grows by ${e.send.count}`;
  }
}

export function destName(d: Destination): string {
  switch (d.kind) {
    case 'service': return `svc/${d.name}:${d.port}${d.path}`;
    case 'pod': return `pod-ip/${d.deployment}:${d.port}${d.path}`;
    case 'ingress': return `ingress/${d.gateway}:${d.port}${d.path}`;
  }
}

export async function runExpectation(scope: ScenarioScope, e: Expectation): Promise<CheckOutcome> {
  switch (e.type) {
    case 'traffic': return checkTraffic(scope, e);
    case 'attempts': return checkAttempts(scope, e);
    case 'split': return checkSplit(scope, e);
    case 'condition': return checkCondition(scope, e);
    case 'gone': return checkGone(scope, e);
    case 'metric': return checkMetric(scope, e);
  }
}

async function resolveUrl(scope: ScenarioScope, d: Destination): Promise<string> {
  const ns = scope.namespaces[d.ns];
  const { cluster, timing } = scope.env;
  if (d.kind === 'service') return `http://${d.name}.${ns}.svc.cluster.local:${d.port}${d.path}`;
  if (d.kind === 'pod') {
    const ip = await waitFor(`a ready pod IP for ${d.deployment} in ${ns}`, async () => {
      const pods = (await podsOfDeployment(cluster, ns, d.deployment)) ?? [];
      return pods.find((p) => p.status?.phase === 'Running' && p.status?.podIP)?.status.podIP as string | undefined;
    }, timing);
    return `http://${ip}:${d.port}${d.path}`;
  }
  const address = await waitFor(`an address for Gateway ${d.gateway} in ${ns}`, async () => {
    const gw = await cluster.get({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', namespace: ns, name: d.gateway });
    return gw?.status?.addresses?.[0]?.value as string | undefined;
  }, timing);
  return `http://${address}:${d.port}${d.path}`;
}

async function send(scope: ScenarioScope, from: string, to: Destination, spec: RequestSpec, count: number): Promise<Batch> {
  const batch = to.kind === 'ingress'
    ? await scope.traffic.fromOutside(spec, count)
    : await scope.traffic.fromPod(from, spec, count);
  scope.evidence.keep(batch);
  if (batch.records.length !== count) {
    throw new CheckFailed(
      `expected ${count} request records from ${batch.raw.where}, got ${batch.records.length} ` +
        `(exec exit ${batch.raw.exitCode}, stderr ${JSON.stringify(batch.raw.stderr.slice(0, 300))})`,
      batch.records.length,
    );
  }
  return batch;
}

function specFor(scope: ScenarioScope, url: string, e: { method?: string; headers?: Record<string, string> }, extra: Marker[]): RequestSpec {
  return { url, method: e.method, headers: e.headers, maxTimeSec: scope.env.maxTimeSec, markers: [...VERDICT_MARKERS, ...PATH_MARKERS, ...extra] };
}

/** Why one request does not meet the expectation, or undefined if it does. */
export function mismatch(e: TrafficExpectation, r: RequestRecord): string | undefined {
  const verdict = classify(r);
  const accepted: readonly string[] = typeof e.verdict === 'string' ? [e.verdict] : e.verdict;
  if (!accepted.includes(verdict)) return `verdict ${verdict}, expected ${accepted.join(' or ')}`;
  if (e.via === 'waypoint' && !r.markers.reqid) return 'no X-Request-Id at the backend: the request did not pass an L7 proxy';
  if (e.via === 'direct' && (r.markers.reqid || r.markers.via)) return 'the backend saw L7 proxy headers: the request passed a waypoint';
  if (e.routeMarker === null && r.markers.via) return `the route's header is still applied: ${r.markers.via}`;
  if (typeof e.routeMarker === 'string' && !r.markers.via?.includes(`"${e.routeMarker}"`)) {
    return `x-wpt-via should be "${e.routeMarker}", saw ${r.markers.via ? r.markers.via : 'none'}`;
  }
  if (e.minTimeSec !== undefined && r.timeSec < e.minTimeSec) return `took ${r.timeSec}s, expected at least ${e.minTimeSec}s`;
  return undefined;
}

async function checkTraffic(scope: ScenarioScope, e: TrafficExpectation): Promise<CheckOutcome> {
  const url = await resolveUrl(scope, e.to);
  const spec = specFor(scope, url, e, []);
  let requests = 0;
  const observe = async (): Promise<Observation> => {
    const batch = await send(scope, e.from, e.to, spec, scope.env.batchSize);
    requests += batch.records.length;
    const bad = batch.records.map((r) => [r, mismatch(e, r)] as const).filter(([, why]) => why);
    if (bad.length === 0) return { ok: true, detail: `${batch.records.length} requests as expected` };
    return { ok: false, detail: bad.map(([r, why]) => `${why}: ${describeRecord(r)}`).join('; ') };
  };
  try {
    const c = await converge(describe(e), observe, scope.env.timing);
    return { ...c, requests, detail: `${requests} requests, converged after ${c.attempts} attempts` };
  } catch (err) {
    throw new CheckFailed((err as Error).message, requests);
  }
}

/**
 * Each observation uses a fresh path, so the backend's log lines for it belong to this batch only.
 * Every client request must get the expected status, and the backend must log it perRequest times.
 */
async function checkAttempts(scope: ScenarioScope, e: AttemptsExpectation): Promise<CheckOutcome> {
  let requests = 0;
  const observe = async (): Promise<Observation> => {
    const path = `${e.to.path.replace(/\/$/, '')}/wpt-attempts-${randomBytes(4).toString('hex')}`;
    const url = await resolveUrl(scope, { ...e.to, path });
    const batch = await send(scope, e.from, e.to, specFor(scope, url, e, []), scope.env.batchSize);
    requests += batch.records.length;
    const wrong = batch.records.find((r) => r.exitCode !== 0 || r.httpCode !== e.status);
    if (wrong) return { ok: false, detail: `expected HTTP ${e.status}: ${describeRecord(wrong)}` };
    const logged = await backendLog(scope, e, path, batch.records.length * e.perRequest);
    return judgeAttempts(logged, batch.records.length, e.perRequest);
  };
  try {
    const c = await converge(describe(e), observe, scope.env.timing);
    return { ...c, requests, detail: `${requests} requests, converged after ${c.attempts} attempts` };
  } catch (err) {
    throw new CheckFailed((err as Error).message, requests);
  }
}

/** The backend's log lines for `path`, read until `want` are there or a short deadline passes. */
async function backendLog(scope: ScenarioScope, e: AttemptsExpectation, path: string, want: number): Promise<LoggedRequest[]> {
  const { cluster, timing } = scope.env;
  const ns = scope.namespaces[e.backend.ns];
  let logged: LoggedRequest[] = [];
  const read = async () => {
    const pods = (await podsOfDeployment(cluster, ns, e.backend.deployment)) ?? [];
    logged = [];
    for (const p of pods) {
      const text = await cluster.logs({ namespace: ns, name: p.metadata.name }, want * 2 + 500);
      logged.push(...parseRequestLog(text).filter((r) => r.path === path));
    }
    return logged.length >= want ? true : undefined;
  };
  // The last attempt is logged just after it is answered: give the log a moment (a few poll
  // intervals), then judge what is there; a batch that went elsewhere must not use up the deadline.
  await waitFor(`request log of ${e.backend.deployment}`, read, timing, undefined, timing.maxIntervalMs * 5)
    .catch((err: unknown) => {
      if (!(err instanceof WaitTimeout)) throw err;
    });
  return logged;
}

function backendOf(r: RequestRecord, normalize: RegExp): string | undefined {
  return normalize.exec(r.markers.backend ?? '')?.[0];
}

async function checkSplit(scope: ScenarioScope, e: SplitExpectation): Promise<CheckOutcome> {
  const url = await resolveUrl(scope, e.to);
  const spec = specFor(scope, url, e, [{ name: 'backend', pattern: e.backend.pattern, in: 'body' }]);
  const normalize = new RegExp(e.backend.normalize);
  const zero = new Set(Object.entries(e.weights).filter(([, w]) => w === 0).map(([b]) => b));
  const positive = Object.keys(e.weights).filter((b) => !zero.has(b));
  const batchSize = Math.max(scope.env.batchSize, 10);
  let requests = 0;

  // Warm-up: the new configuration is in effect once no zero-weight backend answers and every
  // weighted backend has answered. Only then do the statistics start, on fresh samples.
  let seen = new Set<string>();
  const warm = async (): Promise<Observation> => {
    const batch = await send(scope, e.from, e.to, spec, batchSize);
    requests += batch.records.length;
    const names = batch.records.map((r) => backendOf(r, normalize) ?? `unidentified(${classify(r)})`);
    const leaked = names.filter((n) => !positive.includes(n));
    if (leaked.length > 0) {
      seen = new Set();
      return { ok: false, detail: `answered by ${[...new Set(leaked)].join(', ')}` };
    }
    names.forEach((n) => seen.add(n));
    const missing = positive.filter((b) => !seen.has(b));
    return missing.length === 0 ? { ok: true, detail: 'all weighted backends answered' } : { ok: false, detail: `not yet answered: ${missing.join(', ')}` };
  };
  let warmup;
  try {
    warmup = await converge(`${describe(e)} (configuration in effect)`, warm, scope.env.timing, { consecutive: 1 });
  } catch (err) {
    throw new CheckFailed((err as Error).message, requests);
  }

  const test = new SplitTest(e.weights, scope.env.splitConfig);
  for (;;) {
    const batch = await send(scope, e.from, e.to, spec, batchSize);
    for (const r of batch.records) {
      requests++;
      const b = backendOf(r, normalize);
      if (b === undefined) {
        throw new CheckFailed(`request not served by an identifiable backend: ${describeRecord(r)}`, requests);
      }
      const decision = test.observe(b);
      if (decision === 'continue') continue;
      const st = test.state();
      const counts = Object.entries(st.counts).map(([k, v]) => `${k}=${v}`).join(' ');
      if (decision === 'fail') throw new CheckFailed(`${st.reason} [${counts}]`, requests);
      return {
        convergedMs: warmup.elapsedMs,
        attempts: warmup.attempts,
        requests,
        detail: `${st.reason} [${counts}]; false-failure bound ${test.falseFailureBound.toExponential(1)}`,
      };
    }
  }
}

async function checkCondition(scope: ScenarioScope, e: ConditionExpectation): Promise<CheckOutcome> {
  const ns = scope.namespaces[e.object.ns];
  const ref = { apiVersion: e.object.apiVersion, kind: e.object.kind, namespace: ns, name: e.object.name };
  let last: KubeObject | undefined;
  const start = Date.now();
  const matches = (obj: KubeObject | undefined) => {
    const c = conditionOf(obj, e.condition);
    return c !== undefined && c.status === e.status && (!e.reason || c.reason === e.reason) &&
      (!e.messagePrefix || (c.message ?? '').startsWith(substitute(e.messagePrefix, scope.vars, 'messagePrefix'))) &&
      (e.message === undefined || c.message === substitute(e.message, scope.vars, 'message'));
  };
  try {
    await waitFor(describe(e), async () => {
      last = await scope.env.cluster.get(ref);
      return matches(last) ? true : undefined;
    }, scope.env.timing, () => `condition is ${JSON.stringify(conditionOf(last, e.condition) ?? 'absent')}`);
  } catch (err) {
    throw new CheckFailed((err as Error).message, 0);
  }
  return { convergedMs: Date.now() - start, requests: 0, detail: JSON.stringify(conditionOf(last, e.condition)) };
}

async function checkGone(scope: ScenarioScope, e: GoneExpectation): Promise<CheckOutcome> {
  const { cluster, timing } = scope.env;
  const start = Date.now();
  let remaining: string[] = [];
  const lookup = async () => {
    remaining = [];
    for (const o of e.objects) {
      const namespace = scope.namespaces[o.ns];
      if (o.name) {
        if (await cluster.get({ apiVersion: o.apiVersion, kind: o.kind, namespace, name: o.name })) remaining.push(`${o.kind} ${namespace}/${o.name}`);
      } else {
        const found = await cluster.list(o.apiVersion, o.kind, { namespace, labelSelector: o.labelSelector });
        remaining.push(...found.map((f) => `${o.kind} ${namespace}/${f.metadata.name}`));
      }
    }
    return remaining.length === 0 ? true : undefined;
  };
  try {
    await waitFor(describe(e), lookup, timing, () => `still present: ${remaining.join(', ')}`);
  } catch (err) {
    throw new CheckFailed((err as Error).message, 0);
  }
  return { convergedMs: Date.now() - start, requests: 0, detail: 'nothing left' };
}

async function checkMetric(scope: ScenarioScope, e: MetricExpectation): Promise<CheckOutcome> {
  const ns = scope.namespaces[e.waypoint.ns];
  const read = () => readCounter(scope.env.cluster, ns, e.waypoint.name, e.metric, e.labels);
  const before = await read();
  const url = await resolveUrl(scope, e.send.to);
  const batch = await send(scope, e.send.from, e.send.to, specFor(scope, url, {}, []), e.send.count);
  const notAllowed = batch.records.filter((r) => classify(r) !== 'allowed');
  if (notAllowed.length > 0) throw new CheckFailed(`requests for the metric were not allowed: ${describeRecord(notAllowed[0])}`, e.send.count);
  let after = before;
  const start = Date.now();
  try {
    await waitFor(describe(e), async () => {
      after = await read();
      if (after - before > e.send.count) throw new CheckFailed(`counter grew by ${after - before}, more than the ${e.send.count} requests sent`, e.send.count);
      return after - before === e.send.count ? true : undefined;
    }, scope.env.timing, () => `counter grew by ${after - before} of ${e.send.count}`, scope.env.timing.convergeTimeoutMs);
  } catch (err) {
    if (err instanceof CheckFailed) throw err;
    throw new CheckFailed((err as Error).message, e.send.count);
  }
  return { convergedMs: Date.now() - start, requests: e.send.count, detail: `counter ${before} → ${after}` };
}
