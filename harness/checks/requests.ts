/** Where a destination is, and sending batches to it: shared by every check kind that sends traffic. */
import type { Client, Destination, RequestOptions } from '../scenario/types.ts';
import type { Marker, RequestSpec } from '../traffic/curl.ts';
import type { Batch } from '../traffic/engine.ts';
import { verdictMarkers, type WaypointSignals } from '../traffic/verdict.ts';
import { podsOfDeployment } from '../cluster/workloads.ts';
import { waitFor } from '../wait.ts';
import { substitute } from '../manifests/manifests.ts';
import type { CheckContext } from './check.ts';

/** A batch that did not come back whole: the exec or the client broke, not the implementation. */
export class BatchIncomplete extends Error {}

/**
 * Proof of path: the implementation's own per-request L7 header where it has one (Envoy's
 * X-Request-Id, istio tests/integration/ambient/baseline_test.go), and the suite's neutral signal,
 * the header the scenario's HTTPRoute adds.
 */
export function pathMarkers(s: WaypointSignals): Marker[] {
  return [
    ...(s.l7Header ? [{ name: 'reqid', pattern: `"${s.l7Header.name}": ?"`, in: 'body' as const }] : []),
    { name: 'via', pattern: '"x-wpt-via": ?"[^"]*"', in: 'body' },
  ];
}

export function destName(d: Destination): string {
  switch (d.kind) {
    case 'service':
      return `svc/${d.name}:${d.port}${d.path}`;
    case 'pod':
      return `pod-ip/${d.deployment}:${d.port}${d.path}`;
    case 'ingress':
      return `ingress/${d.gateway}:${d.port}${d.path}`;
    case 'host':
      return `host/${d.host}:${d.port}${d.path}`;
  }
}

export function requestTitle(o: RequestOptions): string {
  return [o.method && o.method !== 'GET' ? o.method : '', o.headers ? JSON.stringify(o.headers) : ''].filter(Boolean).join(' ');
}

export async function resolveUrl(ctx: CheckContext, d: Destination): Promise<string> {
  const ns = ctx.namespaces[d.ns];
  const { cluster, timing } = ctx;
  // The cluster's DNS domain as istiod names services (--domain), read by harness/mesh/mesh.ts.
  if (d.kind === 'service') return `http://${d.name}.${ns}.svc.${ctx.vars.DNS_DOMAIN}:${d.port}${d.path}`;
  if (d.kind === 'host') return `http://${substitute(d.host, ctx.vars, 'destination host')}:${d.port}${d.path}`;
  if (d.kind === 'pod') {
    const ip = await waitFor(
      `a ready pod IP for ${d.deployment} in ${ns}`,
      async () => {
        const pods = (await podsOfDeployment(cluster, ns, d.deployment)) ?? [];
        return pods.find((p) => p.status?.phase === 'Running' && p.status?.podIP)?.status.podIP as string | undefined;
      },
      timing,
    );
    return `http://${ip}:${d.port}${d.path}`;
  }
  const address = await waitFor(
    `an address for Gateway ${d.gateway} in ${ns}`,
    async () => {
      const gw = await cluster.get({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', namespace: ns, name: d.gateway });
      return gw?.status?.addresses?.[0]?.value as string | undefined;
    },
    timing,
  );
  return `http://${address}:${d.port}${d.path}`;
}

export function specFor(ctx: CheckContext, url: string, o: RequestOptions, extra: Marker[] = []): RequestSpec {
  return {
    url,
    method: o.method,
    headers: o.headers,
    maxTimeSec: ctx.maxTimeSec,
    markers: [...verdictMarkers(ctx.signals), ...pathMarkers(ctx.signals), ...extra],
    ...(o.protocol ? { protocol: o.protocol } : {}),
  };
}

export async function send(ctx: CheckContext, from: Client, to: Destination, spec: RequestSpec, count: number): Promise<Batch> {
  const batch =
    to.kind === 'ingress' ? await ctx.traffic.fromOutside(spec, count) : await ctx.traffic.fromPod(ctx.clientAt(from), spec, count);
  ctx.keep(batch);
  if (batch.records.length !== count) {
    throw new BatchIncomplete(
      `expected ${count} request records from ${batch.raw.where}, got ${batch.records.length} ` +
        `(exec exit ${batch.raw.exitCode}, stderr ${JSON.stringify(batch.raw.stderr.slice(0, 300))})`,
    );
  }
  return batch;
}
