/**
 * Object store of the model: the API view (what kubectl would see, immediately) and the
 * configuration the data plane has received, which lags each change by a random bounded delay,
 * as istiod's push to ztunnel and waypoints does. Snapshots take effect in write order.
 */
import type { KubeObject, ObjectRef } from '../../harness/cluster/types.ts';
import type { Rng } from '../../harness/stats/random.ts';

export const CLUSTER_SCOPED = new Set(['Namespace', 'GatewayClass']);

export function keyOf(ref: { kind: string; namespace?: string; name: string }): string {
  return `${ref.kind}/${CLUSTER_SCOPED.has(ref.kind) ? '' : (ref.namespace ?? '')}/${ref.name}`;
}

export type Objects = Map<string, KubeObject>;

interface Snapshot {
  seq: number;
  at: number;
  objects: Objects;
}

export class Store {
  readonly objects: Objects = new Map();
  private snapshots: Snapshot[] = [{ seq: 0, at: 0, objects: new Map() }];
  private seq = 0;

  private readonly rng: Rng;
  private readonly maxDelayMs: number;

  constructor(rng: Rng, maxDelayMs: number) {
    this.rng = rng;
    this.maxDelayMs = maxDelayMs;
  }

  get(ref: ObjectRef): KubeObject | undefined {
    return this.objects.get(keyOf({ kind: ref.kind, namespace: ref.namespace, name: ref.name }));
  }

  put(obj: KubeObject): void {
    this.objects.set(keyOf({ kind: obj.kind, namespace: obj.metadata.namespace, name: obj.metadata.name }), obj);
  }

  remove(key: string): boolean {
    return this.objects.delete(key);
  }

  list(kind: string, namespace?: string): KubeObject[] {
    return [...this.objects.values()].filter((o) => o.kind === kind && (namespace === undefined || o.metadata.namespace === namespace));
  }

  /** Records the current API view as configuration the data plane receives after a delay. */
  publish(now: number): void {
    const copy: Objects = new Map([...this.objects].map(([k, v]) => [k, structuredClone(v)]));
    this.snapshots.push({ seq: ++this.seq, at: now + this.rng.int(0, this.maxDelayMs), objects: copy });
    if (this.snapshots.length > 64) this.compact(now);
  }

  /** The newest configuration (by write order) that has reached the data plane at `now`. */
  dataplane(now: number): Objects {
    let best = this.snapshots[0];
    for (const s of this.snapshots) if (s.at <= now && s.seq > best.seq) best = s;
    return best.objects;
  }

  private compact(now: number): void {
    const effective = this.dataplane(now);
    const current = this.snapshots.find((s) => s.objects === effective)!;
    this.snapshots = this.snapshots.filter((s) => s.seq >= current.seq);
  }
}
