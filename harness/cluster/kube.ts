/**
 * The real backend: a Kubernetes API reached through a kubeconfig context, with
 * @kubernetes/client-node (server-side apply, merge patch, exec, logs).
 */
import * as k8s from '@kubernetes/client-node';
import type { Cluster, ExecResult, KubeObject, ListOptions, ObjectRef, PodRef } from './types.ts';
import { ChangeFeed } from './watch.ts';
import type { Wake } from '../wait.ts';
import { clusterError, type ClusterWhere } from './api-errors.ts';
import { KeepAliveKubeConfig } from './kubeconfig.ts';
import { execInPod } from './pod-exec.ts';

export const FIELD_MANAGER = 'waypoint-conformance';

function isNotFound(err: unknown): boolean {
  const e = err as { code?: number; statusCode?: number; body?: unknown };
  return e.code === 404 || e.statusCode === 404;
}

type ResourceLookup = { resource(apiVersion: string, kind: string): Promise<k8s.V1APIResource | undefined> };
const NEVER = new Promise<void>(() => {});

export class KubeCluster implements Cluster {
  readonly description: string;
  private readonly objects: k8s.KubernetesObjectApi;
  private readonly core: k8s.CoreV1Api;
  private readonly feed: ChangeFeed;
  private readonly paths = new Map<string, Promise<string | undefined>>();

  private readonly where: ClusterWhere;

  private readonly kc: k8s.KubeConfig;

  constructor(kc: k8s.KubeConfig) {
    this.kc = kc;
    this.description = `context ${kc.getCurrentContext()}`;
    this.where = { context: kc.getCurrentContext(), server: kc.getCurrentCluster()?.server ?? 'unknown server' };
    this.objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    this.core = kc.makeApiClient(k8s.CoreV1Api);
    const watch = new k8s.Watch(kc);
    this.feed = new ChangeFeed((path, onEvent, onDone) => watch.watch(path, {}, () => onEvent(), onDone));
  }

  /** Wakes waits at the next watch event for this kind; they keep polling in case a watch is lost. */
  nextChange(apiVersion: string, kind: string, namespace?: string): Wake {
    let inner: Wake | undefined;
    let cancelled = false;
    const changed = this.watchPath(apiVersion, kind, namespace).then(
      (path) => {
        if (cancelled || !path) return NEVER;
        inner = this.feed.next(path);
        return inner.changed;
      },
      () => NEVER,
    );
    return { changed, cancel: () => ((cancelled = true), inner?.cancel()) };
  }

  /** Stops the watches (they would keep the process alive otherwise). */
  close(): void {
    this.feed.close();
    if (this.kc instanceof KeepAliveKubeConfig) this.kc.destroyAgents();
  }

  private watchPath(apiVersion: string, kind: string, namespace?: string): Promise<string | undefined> {
    const key = `${apiVersion}/${kind}/${namespace ?? ''}`;
    let path = this.paths.get(key);
    if (!path) {
      path = (this.objects as unknown as ResourceLookup).resource(apiVersion, kind).then((r) => {
        if (!r) return undefined;
        const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
        return r.namespaced && namespace ? `${base}/namespaces/${namespace}/${r.name}` : `${base}/${r.name}`;
      });
      this.paths.set(key, path);
    }
    return path;
  }

  /** A request's failure as what the cluster said (api-errors.ts); 404 is each method's to read first. */
  private async call<T>(fn: () => Promise<T>, onNotFound?: () => T): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (onNotFound && isNotFound(err)) return onNotFound();
      throw clusterError(err, this.where, this.kc instanceof KeepAliveKubeConfig ? this.kc.requestTimeoutMs : undefined);
    }
  }

  async serverVersion(): Promise<string> {
    const v = await this.call(() => this.kc.makeApiClient(k8s.VersionApi).getCode());
    return v.gitVersion;
  }

  async apply(obj: KubeObject): Promise<KubeObject> {
    const res = await this.call(() =>
      this.objects.patch(obj as k8s.KubernetesObject, undefined, undefined, FIELD_MANAGER, true, k8s.PatchStrategy.ServerSideApply),
    );
    return res as KubeObject;
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    return this.call(
      async () =>
        (await this.objects.read({
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          metadata: { name: ref.name, namespace: ref.namespace },
        })) as KubeObject,
      () => undefined,
    );
  }

  async list(apiVersion: string, kind: string, opts: ListOptions = {}): Promise<KubeObject[]> {
    return this.call(
      async () => {
        const res = await this.objects.list(
          apiVersion,
          kind,
          opts.namespace,
          undefined,
          undefined,
          undefined,
          undefined,
          opts.labelSelector,
        );
        return res.items.map((i) => ({ apiVersion, kind, ...i }) as KubeObject);
      },
      () => [],
    ); // 404: the kind is not installed (e.g. no VirtualService CRD)
  }

  async delete(ref: ObjectRef, opts: { gracePeriodSeconds?: number } = {}): Promise<boolean> {
    return this.call(
      async () => {
        await this.objects.delete(
          { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace } },
          undefined,
          undefined,
          opts.gracePeriodSeconds,
          undefined,
          'Background',
        );
        return true;
      },
      () => false,
    );
  }

  async setLabels(ref: ObjectRef, labels: Record<string, string | null>): Promise<void> {
    await this.call(() =>
      this.objects.patch(
        {
          apiVersion: ref.apiVersion,
          kind: ref.kind,
          metadata: { name: ref.name, namespace: ref.namespace, labels: labels as Record<string, string> },
        },
        undefined,
        undefined,
        FIELD_MANAGER,
        undefined,
        k8s.PatchStrategy.MergePatch,
      ),
    );
  }

  async scale(ref: ObjectRef, replicas: number): Promise<void> {
    await this.objects.patch(
      { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, namespace: ref.namespace }, spec: { replicas } },
      undefined,
      undefined,
      FIELD_MANAGER,
      undefined,
      k8s.PatchStrategy.MergePatch,
    );
  }

  exec(pod: PodRef, command: string[], timeoutMs: number): Promise<ExecResult> {
    return execInPod(this.kc, pod, command, timeoutMs, this.where);
  }

  async logs(pod: PodRef, tailLines: number): Promise<string> {
    return this.call(() =>
      this.core.readNamespacedPodLog({ name: pod.name, namespace: pod.namespace, container: pod.container, tailLines }),
    );
  }
}
