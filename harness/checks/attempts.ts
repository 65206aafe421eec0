/**
 * How often the backend received each client request (retries). Each observation uses a fresh path,
 * so the backend's log lines for it belong to this batch only.
 */
import { randomBytes } from 'node:crypto';
import type { Client, Destination, ExpectationBase, NsRole, RequestOptions } from '../scenario/types.ts';
import { judgeAttempts, parseRequestLog, type LoggedRequest } from '../traffic/backend-log.ts';
import { describeRecord } from '../traffic/verdict.ts';
import { podsOfDeployment } from '../cluster/workloads.ts';
import { converge, waitFor, WaitTimeout, type Observation } from '../wait.ts';
import { CheckNotSupported, failOnTimeout, type CheckContext, type CheckKind } from './check.ts';
import { destName, resolveUrl, send, specFor } from './requests.ts';

/**
 * How often the backend received each request. A retry repeats the request with its X-Request-Id
 * (Envoy keeps it across attempts), so the backend's own request log (one JSON line per request)
 * counts the attempts per client request.
 */
export interface AttemptsExpectation extends ExpectationBase, RequestOptions {
  type: 'attempts';
  from: Client;
  to: Destination;
  /** The Deployment whose request log is read. */
  backend: { ns: NsRole; deployment: string };
  /** The HTTP status the client must get (the last attempt's answer). */
  status: number;
  /** Requests the backend must see per client request: 1 + retries. */
  perRequest: number;
}

export const attemptsCheck: CheckKind<AttemptsExpectation> = {
  plane: 'data',
  title: (e) =>
    `${e.from} → ${destName(e.to)} (${JSON.stringify(e.headers ?? {})}) gets ${e.status}; ${e.backend.deployment} sees each request ${e.perRequest}x`,
  async run(ctx, e) {
    // Attempts are told apart by the request id the proxy keeps across retries (Envoy's X-Request-Id).
    if (!ctx.signals.l7Header)
      throw new CheckNotSupported(
        `${ctx.signals.name} adds no documented per-request id, so the backend cannot tell retries from requests`,
      );
    let requests = 0;
    const observe = async (): Promise<Observation> => {
      const path = `${e.to.path.replace(/\/$/, '')}/wpt-attempts-${randomBytes(4).toString('hex')}`;
      const url = await resolveUrl(ctx, { ...e.to, path });
      const batch = await send(ctx, e.from, e.to, specFor(ctx, url, e), ctx.batchSize);
      requests += batch.records.length;
      const wrong = batch.records.find((r) => r.exitCode !== 0 || r.httpCode !== e.status);
      if (wrong) return { ok: false, detail: `expected HTTP ${e.status}: ${describeRecord(wrong)}` };
      const logged = await backendLog(ctx, e, path, batch.records.length * e.perRequest);
      return judgeAttempts(logged, batch.records.length, e.perRequest);
    };
    const c = await failOnTimeout(
      () => requests,
      () => converge(attemptsCheck.title(e), observe, ctx.timing),
    );
    return {
      convergedMs: c.elapsedMs,
      attempts: c.attempts,
      requests,
      detail: `${requests} requests, converged after ${c.attempts} attempts`,
    };
  },
};

/** The backend's log lines for `path`, read until `want` are there or a short deadline passes. */
async function backendLog(ctx: CheckContext, e: AttemptsExpectation, path: string, want: number): Promise<LoggedRequest[]> {
  const { cluster, timing } = ctx;
  const ns = ctx.namespaces[e.backend.ns];
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
  await waitFor(`request log of ${e.backend.deployment}`, read, timing, undefined, timing.maxIntervalMs * 5).catch((err: unknown) => {
    if (!(err instanceof WaitTimeout)) throw err;
  });
  return logged;
}
