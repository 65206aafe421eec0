/**
 * Sends batches of requests from inside a client pod (Kubernetes exec) or from outside the
 * cluster, and returns one record per request. Every batch is bounded: curl --max-time per
 * request and a deadline on the exec itself. Raw outputs are kept for diagnostics.
 */
import type { Cluster, PodRef } from '../cluster/types.ts';
import { batchScript, parseBatch, type Marker, type RequestRecord, type RequestSpec } from './curl.ts';
import type { OutsideClient } from './outside.ts';

export interface Batch {
  records: RequestRecord[];
  /** What was run and what came back, for diagnostics. */
  raw: { where: string; command: string; stdout: string; stderr: string; exitCode: number };
}

/** Where a client pod runs: its namespace and its `app` label (also its container's name). */
export interface ClientAt {
  namespace: string;
  app: string;
}

export class TrafficEngine {
  private readonly pods = new Map<string, PodRef>();

  private readonly cluster: Cluster;
  private readonly outside: OutsideClient;

  constructor(cluster: Cluster, outside: OutsideClient) {
    this.cluster = cluster;
    this.outside = outside;
  }

  async clientPod({ namespace, app }: ClientAt): Promise<PodRef> {
    const key = `${namespace}/${app}`;
    const cached = this.pods.get(key);
    if (cached) return cached;
    const candidates = await this.cluster.list('v1', 'Pod', { namespace, labelSelector: `app=${app}` });
    const running = candidates.find((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp);
    if (!running) {
      throw new Error(`no running pod for client "${app}" in namespace ${namespace} (found ${candidates.length})`);
    }
    const ref = { namespace, name: running.metadata.name, container: app };
    this.pods.set(key, ref);
    return ref;
  }

  async fromPod(client: ClientAt, spec: RequestSpec, count: number): Promise<Batch> {
    const pod = await this.clientPod(client);
    const script = batchScript(spec, count);
    const deadlineMs = count * (spec.maxTimeSec + 2) * 1000 + 15_000;
    const res = await this.cluster.exec(pod, ['sh', '-c', script], deadlineMs);
    return {
      records: parseBatch(res.stdout),
      raw: { where: `${pod.namespace}/${pod.name}`, command: script, stdout: res.stdout, stderr: res.stderr, exitCode: res.exitCode },
    };
  }

  async fromOutside(spec: RequestSpec, count: number): Promise<Batch> {
    if (spec.protocol === 'grpc') throw new Error('gRPC calls are sent from client pods only, not from outside the cluster');
    const records: RequestRecord[] = [];
    const lines: string[] = [];
    for (let seq = 1; seq <= count; seq++) {
      const res = await this.outside({
        url: spec.url,
        method: spec.method ?? 'GET',
        headers: spec.headers ?? {},
        timeoutMs: spec.maxTimeSec * 1000,
      });
      const headerText = Object.entries(res.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n');
      const markers = Object.fromEntries(
        spec.markers.map((m: Marker) => [m.name, firstMatch(m.pattern, m.in === 'body' ? res.body : headerText)]),
      );
      const rec = { seq, exitCode: res.exitCode, httpCode: res.httpCode, timeSec: res.timeSec, stderr: '', markers };
      records.push(rec);
      lines.push(JSON.stringify(rec));
    }
    return {
      records,
      raw: {
        where: 'outside the cluster',
        command: `${spec.method ?? 'GET'} ${spec.url} x${count}`,
        stdout: lines.join('\n'),
        stderr: '',
        exitCode: 0,
      },
    };
  }
}

/** grep -o -E semantics for the patterns the suite uses (ERE without back-references). */
export function firstMatch(pattern: string, text: string): string {
  return new RegExp(pattern).exec(text)?.[0] ?? '';
}
