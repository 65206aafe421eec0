/**
 * Sends batches of requests from inside a client pod (Kubernetes exec) or from outside the
 * cluster, and returns one record per request. Every batch is bounded: curl --max-time per
 * request and a deadline on the exec itself. Raw outputs are kept for diagnostics.
 */
import type { Cluster, PodRef } from '../cluster/types.ts';
import type { Client, NsRole } from '../scenario/types.ts';
import { batchScript, parseBatch, type Marker, type RequestRecord, type RequestSpec } from './curl.ts';
import type { OutsideClient } from './outside.ts';

export interface Batch {
  records: RequestRecord[];
  /** What was run and what came back, for diagnostics. */
  raw: { where: string; command: string; stdout: string; stderr: string; exitCode: number };
}

export class TrafficEngine {
  private readonly pods = new Map<string, PodRef>();

  constructor(
    private readonly cluster: Cluster,
    private readonly clientNamespace: string,
    private readonly outside: OutsideClient,
    /** The scenario's namespaces, where its own clients (client@<role>) run. */
    private readonly namespaces: Partial<Record<NsRole, string>> = {},
  ) {}

  async clientPod(client: Client): Promise<PodRef> {
    const cached = this.pods.get(client);
    if (cached) return cached;
    const { namespace, app } = clientLocation(client, this.clientNamespace, this.namespaces);
    const candidates = await this.cluster.list('v1', 'Pod', { namespace, labelSelector: `app=${app}` });
    const running = candidates.find((p) => p.status?.phase === 'Running' && !p.metadata.deletionTimestamp);
    if (!running) {
      throw new Error(`no running pod for client "${client}" in namespace ${namespace} (found ${candidates.length})`);
    }
    const ref = { namespace, name: running.metadata.name, container: app };
    this.pods.set(client, ref);
    return ref;
  }

  async fromPod(client: Client, spec: RequestSpec, count: number): Promise<Batch> {
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
        url: spec.url, method: spec.method ?? 'GET', headers: spec.headers ?? {}, timeoutMs: spec.maxTimeSec * 1000,
      });
      const headerText = Object.entries(res.headers).map(([k, v]) => `${k}: ${v}`).join('\n');
      const markers = Object.fromEntries(
        spec.markers.map((m: Marker) => [m.name, firstMatch(m.pattern, m.in === 'body' ? res.body : headerText)]),
      );
      const rec = { seq, exitCode: res.exitCode, httpCode: res.httpCode, timeSec: res.timeSec, stderr: '', markers };
      records.push(rec);
      lines.push(JSON.stringify(rec));
    }
    return { records, raw: { where: 'outside the cluster', command: `${spec.method ?? 'GET'} ${spec.url} x${count}`, stdout: lines.join('\n'), stderr: '', exitCode: 0 } };
  }
}

/** Where a client runs: a shared client in the run's client namespace, client@<role> in the scenario's namespace of that role. */
export function clientLocation(client: Client, clientNamespace: string, namespaces: Partial<Record<NsRole, string>>): { namespace: string; app: string } {
  const at = client.indexOf('@');
  if (at < 0) return { namespace: clientNamespace, app: client };
  const role = client.slice(at + 1) as NsRole;
  const namespace = namespaces[role];
  if (!namespace) throw new Error(`client "${client}" runs in the scenario's "${role}" namespace, which the scenario does not declare (add "${role}" to its namespaces and "client" to its ${role} workloads)`);
  return { namespace, app: client.slice(0, at) };
}

/** grep -o -E semantics for the patterns the suite uses (ERE without back-references). */
export function firstMatch(pattern: string, text: string): string {
  return new RegExp(pattern).exec(text)?.[0] ?? '';
}
