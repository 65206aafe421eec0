/**
 * The cluster interface: the Kubernetes API and nothing else. Everything above it (scenarios,
 * traffic, waiting, reports) talks only to this; the real backend (harness/cluster/kube.ts) and the
 * self-test model implement it. Requests from outside the cluster go through harness/traffic/outside.ts.
 */
import type { Wake } from '../wait.ts';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  generation?: number;
  /** RFC 3339 in the API; @kubernetes/client-node deserialises it into a Date. */
  creationTimestamp?: string | Date;
  deletionTimestamp?: string | Date;
  ownerReferences?: unknown[];
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  spec?: any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  status?: any;
  [key: string]: unknown;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface PodRef {
  namespace: string;
  name: string;
  container?: string;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
}

export interface Cluster {
  /** Short human description for logs and reports ("kind cluster wpt", "context prod"). */
  readonly description: string;
  serverVersion(): Promise<string>;
  /** Server-side apply with the suite's field manager. Returns the object as stored. */
  apply(obj: KubeObject): Promise<KubeObject>;
  get(ref: ObjectRef): Promise<KubeObject | undefined>;
  list(apiVersion: string, kind: string, opts?: ListOptions): Promise<KubeObject[]>;
  /** Deletes the object (in the background; a pod within gracePeriodSeconds when given); false if it was already gone. */
  delete(ref: ObjectRef, opts?: { gracePeriodSeconds?: number }): Promise<boolean>;
  /** Merge-patches labels; a null value removes the label. */
  setLabels(ref: ObjectRef, labels: Record<string, string | null>): Promise<void>;
  /** Sets a Deployment's spec.replicas (a merge patch: the controller that made it does not own the field). */
  scale(ref: ObjectRef, replicas: number): Promise<void>;
  exec(pod: PodRef, command: string[], timeoutMs: number): Promise<ExecResult>;
  logs(pod: PodRef, tailLines: number): Promise<string>;
  /** The next change to objects of this kind (in this namespace); optional: without it waits only poll. */
  nextChange?(apiVersion: string, kind: string, namespace?: string): Wake;
}

export function refOf(obj: KubeObject): ObjectRef {
  return { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace };
}

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export function conditionOf(obj: KubeObject | undefined, type: string): Condition | undefined {
  const conditions: Condition[] = obj?.status?.conditions ?? [];
  return conditions.find((c) => c.type === type);
}
