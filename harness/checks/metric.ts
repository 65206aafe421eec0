/** A waypoint's own counter grows by exactly the number of allowed requests sent through it. */
import type { Client, Destination, ExpectationBase, NsRole } from '../scenario/types.ts';
import { classifyWith, describeRecord } from '../traffic/verdict.ts';
import { clockOf, waitFor } from '../wait.ts';
import { CheckFailed, CheckNotSupported, failOnTimeout, type CheckKind } from './check.ts';
import { resolveUrl, send, specFor } from './requests.ts';
import { readCounter } from './waypoint-stats.ts';

export interface MetricExpectation extends ExpectationBase {
  type: 'metric';
  waypoint: { ns: NsRole; name: string };
  metric: string;
  labels: Record<string, string>;
  /** Send this many allowed requests; the counter must grow by exactly that many. */
  send: { from: Client; to: Destination; count: number };
}

export const metricCheck: CheckKind<MetricExpectation> = {
  plane: 'data',
  title: (e) =>
    `${e.metric}{${Object.entries(e.labels)
      .map(([k, v]) => `${k}="${v}"`)
      .join(',')}} on ${e.waypoint.name} grows by ${e.send.count}`,
  async run(ctx, e) {
    const reader = ctx.signals.metrics;
    if (!reader) throw new CheckNotSupported(`${ctx.signals.name}: the suite has no way to read this waypoint's counters`);
    if (reader.requestsTotal !== e.metric)
      throw new CheckNotSupported(`${ctx.signals.name} counts requests in ${reader.requestsTotal}, not ${e.metric}`);
    const read = () => readCounter(ctx.cluster, reader, ctx.namespaces[e.waypoint.ns], e.waypoint.name, e.metric, e.labels);
    const before = await read();
    const batch = await send(ctx, e.send.from, e.send.to, specFor(ctx, await resolveUrl(ctx, e.send.to), {}), e.send.count);
    const notAllowed = batch.records.filter((r) => classifyWith(r, ctx.signals) !== 'allowed');
    if (notAllowed.length > 0)
      throw new CheckFailed(`requests for the metric were not allowed: ${describeRecord(notAllowed[0])}`, e.send.count);
    const clock = clockOf(ctx.timing);
    const start = clock.now();
    let after = before;
    await failOnTimeout(
      () => e.send.count,
      () =>
        waitFor(
          metricCheck.title(e),
          async () => {
            after = await read();
            if (after - before > e.send.count)
              throw new CheckFailed(`counter grew by ${after - before}, more than the ${e.send.count} requests sent`, e.send.count);
            return after - before === e.send.count ? true : undefined;
          },
          ctx.timing,
          () => `counter grew by ${after - before} of ${e.send.count}`,
          ctx.timing.convergeTimeoutMs,
        ),
    );
    return { convergedMs: clock.now() - start, requests: e.send.count, detail: `counter ${before} → ${after}` };
  },
};
