/**
 * An in-process model of a Kubernetes cluster running Istio ambient, behind the harness's Cluster
 * interface. Test equipment: it lets the whole catalogue run where no cluster can.
 *
 * Controllers modelled (each a timer with a random bounded delay, so the suite's waiting is exercised):
 * - Deployments create Pods, which become Running with an IP, then the Deployment Available.
 * - istiod's gateway controller creates, for a Gateway of class istio-waypoint, a Deployment,
 *   Service and ServiceAccount named like the Gateway, pods labelled
 *   gateway.networking.k8s.io/gateway-name, then sets Programmed=True and the address
 *   (istio pilot/pkg/config/kube/gateway/deploymentcontroller.go; istio.io docs ambient/usage/waypoint).
 *   For class istio (ingress) the resources are named <gateway>-istio, with a LoadBalancer address.
 * - istio-cni marks ambient pods ambient.istio.io/redirection=enabled.
 * - istiod writes istio.io/WaypointBound on Services (istio pilot/pkg/serviceregistry/ambient/status.go),
 *   from the configuration it has pushed, so it lags label changes.
 * - Namespace deletion removes everything in it.
 */
import type { Cluster, ExecResult, KubeObject, ListOptions, ObjectRef, PodRef } from '../../harness/cluster/types.ts';
import type { OutsideRequest, OutsideResponse } from '../../harness/traffic/outside.ts';
import { Rng } from '../../harness/stats/random.ts';
import { appOf } from './apps.ts';
import { runScript } from './curl-emulator.ts';
import { Dataplane, identityOf, isAmbient, KIND_MESH, type DataplaneMemory, type ModelMesh, type Reply } from './dataplane.ts';
import { waypointBoundCondition } from './binding.ts';
import { flavourOf, WAYPOINT_FLAVOURS } from './implementations.ts';
import { policyConditions, routeParents, serviceEntryConditions, workloadEntryConditions } from './status.ts';
import { refusal } from './validation.ts';
import type { MutantName } from './mutations.ts';
import { CLUSTER_SCOPED, keyOf, Store } from './store.ts';
import { ENVOY_SIGNALS } from '../../harness/traffic/verdict.ts';
import { VirtualClock } from './virtual-clock.ts';
import { ENFORCE_LABEL, podSecurityViolations } from '../../harness/manifests/pod-security.ts';
import { CURL_EXIT } from '../../harness/traffic/verdict.ts';

export interface ModelOptions {
  seed: number;
  mutants?: MutantName[];
  /** Upper bound of the random delay of every controller and of config propagation. */
  maxDelayMs?: number;
  /** The mesh istiod runs (kind's defaults otherwise): trust domain, aliases, DNS domain, its namespace and revision. */
  mesh?: Partial<ModelMesh> & { istioNamespace?: string; revision?: string };
  /**
   * The seccomp profile istiod gives waypoints (values.gateways.seccompProfile.type): RuntimeDefault,
   * as the suite installs Istio; null for Istio's own default (none).
   */
  waypointSeccomp?: string | null;
}

interface Timer {
  at: number;
  run: () => void;
}

export class ModelCluster implements Cluster {
  readonly description: string;
  /** Model time: controllers, config propagation and the harness's waits all run on it. */
  readonly clock = new VirtualClock();
  private readonly rng: Rng;
  private readonly store: Store;
  private readonly mut: ReadonlySet<MutantName>;
  private readonly maxDelayMs: number;
  private timers: Timer[] = [];
  private nextIp = 10;
  private nextLb = 200;
  private nextSeAddress = 1;
  private uid = 0;
  private readonly counters = new Map<string, Map<string, number>>();
  private readonly memory: DataplaneMemory = { sticky: new Map(), everAmbient: new Set(), logs: new Map(), closes: new Map(), deletedRoutes: [] };
  private readonly mesh: ModelMesh;
  private readonly waypointSeccomp: string | undefined;
  private readonly revision: string | undefined;

  constructor(opts: ModelOptions) {
    this.rng = new Rng(opts.seed);
    this.maxDelayMs = opts.maxDelayMs ?? 60;
    this.store = new Store(this.rng, this.maxDelayMs);
    this.mut = new Set(opts.mutants ?? []);
    this.description = `ambient model (seed ${opts.seed}${opts.mutants?.length ? `, mutants ${opts.mutants.join(',')}` : ''})`;
    this.mesh = { ...KIND_MESH, ...opts.mesh };
    const istioNs = opts.mesh?.istioNamespace ?? 'istio-system';
    for (const name of new Set(['default', 'kube-system', istioNs])) {
      this.store.put({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, uid: this.newUid() }, status: { phase: 'Active' } });
    }
    this.waypointSeccomp = opts.waypointSeccomp === undefined ? 'RuntimeDefault' : opts.waypointSeccomp ?? undefined;
    this.revision = opts.mesh?.revision;
    this.putIstiod(istioNs, opts.mesh?.revision);
    for (const f of WAYPOINT_FLAVOURS) {
      this.store.put({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: f.gatewayClass }, spec: { controllerName: f.controllerName } });
    }
    this.store.publish(0);
  }

  /**
   * What an install leaves for a reader of the mesh: istiod's Deployment (labels and --domain as
   * istio's chart writes them, manifests/charts/istio-control/istio-discovery/templates/deployment.yaml)
   * and its mesh ConfigMap (templates/configmap.yaml). Stored as is: no controller runs them.
   */
  private putIstiod(ns: string, revision: string | undefined): void {
    const suffix = revision ? `-${revision}` : '';
    const labels = { app: 'istiod', 'istio.io/rev': revision ?? 'default' };
    this.store.put({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `istiod${suffix}`, namespace: ns, labels, uid: this.newUid() },
      spec: { template: { metadata: { labels }, spec: { containers: [{ name: 'discovery', image: 'docker.io/istio/pilot:1.28.0', args: ['discovery', '--monitoringAddr=:15014', '--domain', this.mesh.dnsDomain] }] } } },
      status: { availableReplicas: 1 },
    });
    const mesh = [`trustDomain: ${this.mesh.trustDomain}`, ...(this.mesh.trustDomainAliases.length ? [`trustDomainAliases: [${this.mesh.trustDomainAliases.join(', ')}]`] : [])].join('\n');
    this.store.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `istio${suffix}`, namespace: ns, labels, uid: this.newUid() }, data: { mesh } });
    const values = { gateways: { seccompProfile: this.waypointSeccomp ? { type: this.waypointSeccomp } : {} } };
    this.store.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `istio-sidecar-injector${suffix}`, namespace: ns, labels, uid: this.newUid() }, data: { values: JSON.stringify(values, null, 2) } });
  }

  /**
   * Pod Security admission: a namespace labelled to enforce a level refuses the pods that break it
   * (the ReplicaSet's create fails; the Deployment never becomes available).
   */
  private admitted(namespace: string, spec: KubeObject['spec']): boolean {
    const level = this.store.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace })?.metadata.labels?.[ENFORCE_LABEL];
    return !(level === 'baseline' || level === 'restricted') || podSecurityViolations(spec, level).length === 0;
  }

  /** The gateway container as istio's templates write it (istio-discovery files/waypoint.yaml, kube-gateway.yaml, agentgateway-waypoint.yaml; not OpenShift's). */
  private waypointContainer(flavour: { container: object } | undefined): object {
    return {
      ...(flavour?.container ?? { name: 'istio-proxy', image: 'istio/proxyv2' }),
      securityContext: {
        privileged: false, runAsGroup: 1337, runAsUser: 1337, allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true,
        capabilities: { drop: ['ALL'] }, ...(this.waypointSeccomp ? { seccompProfile: { type: this.waypointSeccomp } } : {}),
      },
    };
  }

  private newUid(): string {
    return `uid-${++this.uid}`;
  }

  private delay(): number {
    return this.rng.int(1, this.maxDelayMs);
  }

  private later(fn: () => void): void {
    this.timers.push({ at: this.clock.now() + this.delay(), run: fn });
  }

  /** Runs due controller work, then refreshes derived status. */
  private tick(): void {
    const now = this.clock.now();
    let ran = false;
    for (;;) {
      const due = this.timers.filter((t) => t.at <= now).sort((a, b) => a.at - b.at);
      if (due.length === 0) break;
      this.timers = this.timers.filter((t) => !due.includes(t));
      for (const t of due) t.run();
      ran = true;
    }
    if (this.refreshDerived(now) || ran) this.store.publish(now);
  }

  private refreshDerived(now: number): boolean {
    let changed = false;
    for (const pod of this.store.list('Pod')) {
      const want = isAmbient(this.store.objects, pod) ? 'enabled' : undefined;
      const ann = pod.metadata.annotations ?? {};
      if (ann['ambient.istio.io/redirection'] !== want) {
        const next = { ...ann };
        if (want) next['ambient.istio.io/redirection'] = want;
        else delete next['ambient.istio.io/redirection'];
        pod.metadata.annotations = next;
        changed = true;
      }
    }
    // istiod reports what it has computed, so the condition lags label changes like the data plane does.
    const pushed = this.store.dataplane(now);
    for (const svc of this.store.list('Service')) {
      const seen = pushed.get(keyOf({ kind: 'Service', namespace: svc.metadata.namespace, name: svc.metadata.name }));
      const cond = seen && !this.mut.has('waypoint-bound-never-set') ? waypointBoundCondition(pushed, seen, this.mut) : undefined;
      const others = (svc.status?.conditions ?? []).filter((c: { type: string }) => c.type !== 'istio.io/WaypointBound');
      const next = cond ? [...others, cond] : others;
      if (JSON.stringify(next) !== JSON.stringify(svc.status?.conditions ?? [])) {
        svc.status = { ...svc.status, conditions: next };
        changed = true;
      }
    }
    for (const se of this.store.list('ServiceEntry')) changed = this.setEntryConditions(se, pushed, serviceEntryConditions) || changed;
    for (const we of this.store.list('WorkloadEntry')) changed = this.setEntryConditions(we, pushed, workloadEntryConditions) || changed;
    for (const pol of this.store.list('AuthorizationPolicy')) changed = setStatus(pol, { conditions: policyConditions(pushed, pol, this.mut) }) || changed;
    for (const route of [...this.store.list('HTTPRoute'), ...this.store.list('GRPCRoute')]) changed = setStatus(route, { parents: routeParents(pushed, route, this.mut) }) || changed;
    return changed;
  }

  /** Conditions on a ServiceEntry or WorkloadEntry from the pushed configuration; the rest of its status (addresses) kept. */
  private setEntryConditions(o: KubeObject, pushed: Map<string, KubeObject>, conditions: typeof serviceEntryConditions): boolean {
    const seen = pushed.get(keyOf({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }));
    const next = seen ? conditions(pushed, seen, this.mut) : [];
    const rest = Object.fromEntries(Object.entries(o.status ?? {}).filter(([k]) => k !== 'conditions'));
    return setStatus(o, next.length > 0 ? { ...rest, conditions: next } : rest);
  }

  /**
   * istiod's IP allocator: every host of a ServiceEntry without spec.addresses, resolution other than
   * NONE and not labelled networking.istio.io/enable-autoallocate-ip=false gets a v4 and a v6 address
   * in status.addresses (wildcard hosts only with DYNAMIC_DNS) (istio pilot/pkg/controllers/ipallocate/
   * ipallocate.go statusPatchForAddresses, keepHost; pilot/pkg/networking/serviceentry/ip_autoallocation.go).
   */
  private allocateAddresses(ns: string, name: string): void {
    const se = this.store.get({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', namespace: ns, name });
    if (!se) return;
    const spec = se.spec ?? {};
    const optOut = (se.metadata.labels?.['networking.istio.io/enable-autoallocate-ip'] ?? '').toLowerCase() === 'false';
    if (spec.resolution === 'NONE' || optOut || (spec.addresses ?? []).length > 0) return;
    const have: { host: string; value: string }[] = se.status?.addresses ?? [];
    const hosts: string[] = (spec.hosts ?? []).filter((h: string) => !h.startsWith('*') || spec.resolution === 'DYNAMIC_DNS');
    const addresses = hosts.flatMap((host) => {
      const kept = have.filter((a) => a.host === host);
      if (kept.length > 0) return kept;
      const n = this.nextSeAddress++;
      return [{ value: `240.240.${n >> 8}.${n & 255}`, host }, { value: `2001:2::f0f0:${n.toString(16)}`, host }];
    });
    if (JSON.stringify(addresses) !== JSON.stringify(have)) se.status = { ...se.status, addresses };
  }

  async serverVersion(): Promise<string> {
    return 'v1.34.0';
  }

  async apply(obj: KubeObject): Promise<KubeObject> {
    this.tick();
    const ns = obj.metadata.namespace;
    if (!CLUSTER_SCOPED.has(obj.kind)) {
      if (!ns) throw new Error(`model: ${obj.kind} ${obj.metadata.name} has no namespace`);
      const nsObj = this.store.get({ apiVersion: 'v1', kind: 'Namespace', name: ns });
      if (!nsObj) throw new Error(`model: namespaces "${ns}" not found`);
      if (nsObj.status?.phase === 'Terminating') throw new Error(`model: namespace ${ns} is being terminated`);
    }
    const refused = this.mut.has('validation-accepts-all') ? undefined : refusal(obj);
    if (refused) throw new Error(refused);
    const old = this.store.get({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: ns, name: obj.metadata.name });
    const next: KubeObject = structuredClone({
      ...obj,
      metadata: { ...obj.metadata, uid: old?.metadata.uid ?? this.newUid(), generation: (old?.metadata.generation ?? 0) + 1 },
      status: old?.status ?? obj.status ?? {},
    });
    this.store.put(next);
    this.onApplied(next, old);
    this.store.publish(this.clock.now());
    return structuredClone(next);
  }

  private onApplied(o: KubeObject, old: KubeObject | undefined): void {
    if (o.kind === 'Namespace') o.status = { phase: 'Active' };
    if (o.kind === 'Deployment' && !old) this.startDeployment(o);
    if (o.kind === 'Service' && !o.spec.clusterIP) o.spec.clusterIP = `10.96.0.${this.nextIp++ % 250}`;
    if (o.kind === 'Gateway' && !old) this.later(() => this.reconcileGateway(o.metadata.namespace!, o.metadata.name));
    if (o.kind === 'ServiceEntry') this.later(() => this.allocateAddresses(o.metadata.namespace!, o.metadata.name));
  }

  private startDeployment(dep: KubeObject): void {
    dep.status = { replicas: 0, availableReplicas: 0, conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }] };
    this.startPods(dep, dep.spec?.replicas ?? 1);
  }

  private startPods(dep: KubeObject, count: number): void {
    if (!this.admitted(dep.metadata.namespace!, dep.spec.template.spec)) return;
    const hash = this.rng.int(0x1000000, 0xfffffff).toString(16);
    for (let i = 0; i < count; i++) {
      const pod: KubeObject = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: `${dep.metadata.name}-${hash}-${this.rng.int(0x10000, 0xfffff).toString(36)}`,
          namespace: dep.metadata.namespace,
          labels: { ...dep.spec.template.metadata.labels },
          uid: this.newUid(),
          ownerReferences: [{ kind: 'Deployment', name: dep.metadata.name }],
        },
        spec: structuredClone(dep.spec.template.spec),
        status: { phase: 'Pending' },
      };
      this.store.put(pod);
      this.later(() => {
        const live = this.store.get(refOfObj(pod));
        if (!live) return;
        live.status = { phase: 'Running', podIP: `10.244.${Math.floor(this.nextIp / 250) + 1}.${this.nextIp++ % 250}`, conditions: [{ type: 'Ready', status: 'True' }] };
        this.later(() => this.refreshDeployment(dep.metadata.namespace!, dep.metadata.name));
      });
    }
  }

  private refreshDeployment(ns: string, name: string): void {
    const dep = this.store.get({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name });
    if (!dep) return;
    const ready = this.ownedPods(dep).filter((p) => p.status?.phase === 'Running').length;
    const want = dep.spec?.replicas ?? 1;
    dep.status = { replicas: want, availableReplicas: ready, conditions: [{ type: 'Available', status: ready >= want ? 'True' : 'False' }] };
    if (dep.metadata.labels?.['gateway.networking.k8s.io/gateway-name'] && ready >= want) {
      this.later(() => this.programGateway(ns, dep.metadata.labels!['gateway.networking.k8s.io/gateway-name']));
    }
  }

  private ownedPods(dep: KubeObject): KubeObject[] {
    return this.store.list('Pod', dep.metadata.namespace).filter((p) =>
      (p.metadata.ownerReferences as { name: string }[] | undefined)?.some((r) => r.name === dep.metadata.name));
  }

  /** istiod's gateway deployment controller. */
  /**
   * A revisioned istiod (not the default revision, no tag) deploys only the Gateways whose own or
   * namespace's istio.io/rev names it (istio pkg/revisions/tag_watcher.go IsMine).
   */
  private isMine(gw: KubeObject): boolean {
    if (!this.revision) return true;
    const ns = this.store.get({ apiVersion: 'v1', kind: 'Namespace', name: gw.metadata.namespace! });
    return (gw.metadata.labels?.['istio.io/rev'] ?? ns?.metadata.labels?.['istio.io/rev']) === this.revision;
  }

  private reconcileGateway(ns: string, name: string): void {
    const gw = this.store.get({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', namespace: ns, name });
    if (!gw || !this.isMine(gw)) return;
    const flavour = flavourOf(gw);
    const waypoint = flavour !== undefined;
    const resName = waypoint ? name : `${name}-istio`;
    const labels = {
      'gateway.networking.k8s.io/gateway-name': name,
      'gateway.istio.io/managed': flavour?.managedLabel ?? 'istio.io-gateway-controller',
    };
    gw.status = { conditions: [
      { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Resource accepted' },
      { type: 'Programmed', status: 'False', reason: 'AddressNotUsable', message: 'Failed to assign to any requested addresses' },
    ] };
    const meta = () => ({ name: resName, namespace: ns, labels: { ...labels }, uid: this.newUid(), ownerReferences: [{ kind: 'Gateway', name }] });
    this.store.put({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta() });
    const svc: KubeObject = {
      apiVersion: 'v1', kind: 'Service', metadata: meta(),
      spec: { type: waypoint ? 'ClusterIP' : 'LoadBalancer', clusterIP: `10.96.1.${this.nextIp++ % 250}`, selector: { 'gateway.networking.k8s.io/gateway-name': name },
        ports: waypoint ? waypointPorts(this.mut) : [{ name: 'http', port: 80 }] },
      status: waypoint ? {} : { loadBalancer: { ingress: [{ ip: `172.18.255.${this.nextLb++}` }] } },
    };
    this.store.put(svc);
    const dep: KubeObject = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(),
      spec: { replicas: 1, selector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': name } },
        template: { metadata: { labels: { ...labels } }, spec: { serviceAccountName: resName, containers: [this.waypointContainer(flavour)] } } },
    };
    this.store.put(dep);
    this.startDeployment(dep);
  }

  private programGateway(ns: string, name: string): void {
    const gw = this.store.get({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', namespace: ns, name });
    if (!gw) return;
    const waypoint = flavourOf(gw) !== undefined;
    const svc = this.store.get({ apiVersion: 'v1', kind: 'Service', namespace: ns, name: waypoint ? name : `${name}-istio` });
    if (!svc) return;
    if (waypoint && this.mut.has('programmed-never-set')) return;
    const address = waypoint ? svc.spec.clusterIP : svc.status.loadBalancer.ingress[0].ip;
    const hasPods = this.store.list('Pod', ns).some((p) => p.status?.phase === 'Running' && p.metadata.labels?.['gateway.networking.k8s.io/gateway-name'] === name);
    const programmed = (gw.status?.conditions ?? []).find((c: { type: string }) => c.type === 'Programmed');
    // Once its pods are gone, a recompute finds no instances: Programmed False, addresses kept (istio
    // pilot/pkg/config/kube/gatewaycommon/context.go ResolveGatewayInstances; gateway/conversion.go
    // "never remove the address"). istiod recomputes on configuration changes, not on pods, so the
    // False stays after the pods come back (measured on real istiod, docs/real-data-plane.md).
    if (gw.status?.addresses && programmed?.reason === 'AddressNotAssigned') return;
    if (!hasPods && gw.status?.addresses) {
      gw.status = { ...gw.status, conditions: [
        { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Resource accepted' },
        { type: 'Programmed', status: 'False', reason: 'AddressNotAssigned',
          message: `Failed to assign to any requested addresses: no instances found for hostname "${svc.metadata.name}.${ns}.svc.${this.mesh.dnsDomain}"` },
      ] };
      return;
    }
    gw.status = {
      addresses: waypoint
        ? [{ type: 'IPAddress', value: address }, { type: 'Hostname', value: `${name}.${ns}.svc.${this.mesh.dnsDomain}` }]
        : [{ type: 'IPAddress', value: address }],
      conditions: [
        { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Resource accepted' },
        { type: 'Programmed', status: 'True', reason: 'Programmed', message: `Resource programmed, assigned to service(s) ${svc.metadata.name}.${ns}.svc.${this.mesh.dnsDomain}:${(svc.spec.ports.find((x: { name: string }) => x.name === 'mesh') ?? svc.spec.ports[0]).port}` },
      ],
    };
  }

  async get(ref: ObjectRef): Promise<KubeObject | undefined> {
    this.tick();
    const o = this.store.get(ref);
    return o ? structuredClone(o) : undefined;
  }

  async list(apiVersion: string, kind: string, opts: ListOptions = {}): Promise<KubeObject[]> {
    this.tick();
    const match = selectorMatcher(opts.labelSelector);
    return this.store.list(kind, CLUSTER_SCOPED.has(kind) ? undefined : opts.namespace)
      .filter((o) => match(o.metadata.labels ?? {}))
      .map((o) => structuredClone(o));
  }

  async delete(ref: ObjectRef): Promise<boolean> {
    this.tick();
    const o = this.store.get(ref);
    if (!o) return false;
    if (o.kind === 'Namespace') {
      o.status = { phase: 'Terminating' };
      this.later(() => this.finalizeNamespace(o.metadata.name));
      return true;
    }
    this.store.remove(keyOf({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }));
    if (o.kind === 'Deployment') for (const p of this.ownedPods(o)) this.store.remove(keyOf({ kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name }));
    if (o.kind === 'Gateway' && !this.mut.has('leftover-waypoint-resources')) this.later(() => this.removeGatewayResources(o));
    if (o.kind === 'HTTPRoute' && this.mut.has('deleted-route-kept')) this.memory.deletedRoutes.push(structuredClone(o));
    this.store.publish(this.clock.now());
    return true;
  }

  private removeGatewayResources(gw: KubeObject): void {
    for (const o of [...this.store.objects.values()]) {
      const owners = o.metadata.ownerReferences as { kind: string; name: string }[] | undefined;
      if (o.metadata.namespace !== gw.metadata.namespace) continue;
      const ownedByGw = owners?.some((r) => r.kind === 'Gateway' && r.name === gw.metadata.name);
      const podOfGw = o.kind === 'Pod' && o.metadata.labels?.['gateway.networking.k8s.io/gateway-name'] === gw.metadata.name;
      if (ownedByGw || podOfGw) this.store.remove(keyOf({ kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name }));
    }
  }

  private finalizeNamespace(name: string): void {
    for (const o of [...this.store.objects.values()]) {
      if (o.metadata.namespace === name) this.store.remove(keyOf({ kind: o.kind, namespace: name, name: o.metadata.name }));
    }
    this.store.remove(keyOf({ kind: 'Namespace', name }));
  }

  async setLabels(ref: ObjectRef, labels: Record<string, string | null>): Promise<void> {
    this.tick();
    const o = this.store.get(ref);
    if (!o) throw new Error(`model: ${ref.kind} ${ref.namespace ?? ''}/${ref.name} not found`);
    const next = { ...o.metadata.labels };
    for (const [k, v] of Object.entries(labels)) {
      if (v === null) delete next[k];
      else next[k] = v;
    }
    o.metadata.labels = next;
    this.store.publish(this.clock.now());
  }

  /** How often ztunnel closed a connection without a response, by curl exit code. */
  l4Closes(): Record<number, number> {
    return Object.fromEntries(this.memory.closes);
  }

  async scale(ref: ObjectRef, replicas: number): Promise<void> {
    this.tick();
    const dep = this.store.get(ref);
    if (!dep) throw new Error(`model: deployments.apps "${ref.name}" not found`);
    dep.spec = { ...dep.spec, replicas };
    const pods = this.ownedPods(dep);
    for (const p of pods.slice(replicas)) this.store.remove(keyOf({ kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name }));
    if (pods.length < replicas) this.startPods(dep, replicas - pods.length);
    this.later(() => this.refreshDeployment(dep.metadata.namespace!, dep.metadata.name));
    this.store.publish(this.clock.now());
  }

  private dataplane(): Dataplane {
    return new Dataplane(this.store.dataplane(this.clock.now()), this.rng, this.mut, { count: (w, l, by) => this.count(w, l, by) }, this.memory, this.mesh);
  }

  private count(waypoint: KubeObject, labels: Record<string, string>, by: number): void {
    const key = `${waypoint.metadata.namespace}/${waypoint.metadata.name}`;
    const series = this.counters.get(key) ?? new Map<string, number>();
    const id = Object.entries(labels).map(([k, v]) => `${k}="${v}"`).join(',');
    series.set(id, (series.get(id) ?? 0) + by);
    this.counters.set(key, series);
  }

  async exec(ref: PodRef, command: string[], timeoutMs: number): Promise<ExecResult> {
    this.tick();
    void timeoutMs;
    const pod = this.store.get({ apiVersion: 'v1', kind: 'Pod', namespace: ref.namespace, name: ref.name });
    if (!pod || pod.status?.phase !== 'Running') return { stdout: '', stderr: `pods "${ref.name}" not found`, exitCode: 1 };
    if (command.join(' ') === ENVOY_SIGNALS.metrics!.command.join(' ')) {
      const has = (pod.spec?.containers ?? []).some((c: { name: string }) => c.name === ref.container);
      return has ? this.stats(pod) : { stdout: '', stderr: `container ${ref.container} not found in pod ${ref.name}`, exitCode: 1 };
    }
    if (command[0] === 'sh' && command[1] === '-c') {
      const dp = this.dataplane();
      const caller = {
        identity: identityOf(pod, this.mesh.trustDomain),
        namespace: pod.metadata.namespace!,
        captured: isAmbient(this.store.objects, pod) || (pod.metadata.labels?.['sidecar.istio.io/inject'] === 'true' && !this.mut.has('sidecar-bypasses-waypoint')),
        ip: pod.status?.podIP,
      };
      const stdout = runScript(command[2], (c) => dp.request(caller, c.url, c.method, c.headers, c.maxTimeSec, c.body));
      return { stdout, stderr: '', exitCode: 0 };
    }
    return { stdout: '', stderr: `exec: "${command[0]}": executable file not found in $PATH`, exitCode: 127 };
  }

  private stats(pod: KubeObject): ExecResult {
    const name = pod.metadata.labels?.['gateway.networking.k8s.io/gateway-name'];
    const series = this.counters.get(`${pod.metadata.namespace}/${name}`) ?? new Map();
    const lines = ['# TYPE istio_requests_total counter', ...[...series].map(([labels, v]) => `istio_requests_total{${labels}} ${v}`)];
    return { stdout: `${lines.join('\n')}\n`, stderr: '', exitCode: 0 };
  }

  async logs(ref: PodRef, tailLines: number): Promise<string> {
    this.tick();
    const pod = this.store.get({ apiVersion: 'v1', kind: 'Pod', namespace: ref.namespace, name: ref.name });
    if (!pod) throw new Error(`model: pods "${ref.name}" not found`);
    const banner = appOf(pod) === 'echo' ? ['Listening on ports 8080 and 8443'] : [];
    const lines = [...banner, ...(this.memory.logs.get(`${ref.namespace}/${ref.name}`) ?? [])];
    return `${lines.slice(-tailLines).join('\n')}\n`;
  }

  /** A client outside the model cluster that reaches LoadBalancer addresses (the harness's OutsideClient). */
  readonly outside = async (req: OutsideRequest): Promise<OutsideResponse> => {
    this.tick();
    const host = new URL(req.url).hostname;
    const svc = this.store.list('Service').find((s) => s.status?.loadBalancer?.ingress?.some((i: { ip: string }) => i.ip === host));
    const gwName = svc?.metadata.labels?.['gateway.networking.k8s.io/gateway-name'];
    const gw = gwName ? this.store.get({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', namespace: svc!.metadata.namespace, name: gwName }) : undefined;
    const r: Reply = gw
      ? this.dataplane().ingress(gw, req.url, req.method, req.headers, req.timeoutMs / 1000)
      : { exitCode: CURL_EXIT.refused, httpCode: 0, timeSec: 0.001, headers: {}, body: '', stderr: '' };
    return { exitCode: r.exitCode, httpCode: r.httpCode, timeSec: r.timeSec, headers: r.headers, body: r.body };
  };
}

/** The waypoint Service's ports, as real istiod 1.31 creates them (appProtocol hbone on 15008). */
function waypointPorts(mut: ReadonlySet<MutantName>) {
  const status = { name: 'status-port', port: 15021, protocol: 'TCP', appProtocol: 'tcp' };
  const mesh = { name: 'mesh', port: 15008, protocol: 'TCP', appProtocol: 'hbone' };
  return mut.has('waypoint-service-without-hbone') ? [status] : [status, mesh];
}

/** Replaces the object's status when istiod would write a different one; says whether it did. */
function setStatus(o: KubeObject, status: Record<string, unknown>): boolean {
  if (JSON.stringify(o.status ?? {}) === JSON.stringify(status)) return false;
  o.status = status;
  return true;
}

function refOfObj(o: KubeObject): ObjectRef {
  return { apiVersion: o.apiVersion, kind: o.kind, namespace: o.metadata.namespace, name: o.metadata.name };
}

/** Equality (a=b) and existence (a) terms, comma-separated, as the harness uses them. */
export function selectorMatcher(selector: string | undefined): (labels: Record<string, string>) => boolean {
  if (!selector) return () => true;
  const terms = selector.split(',').map((t) => t.trim()).filter(Boolean);
  return (labels) => terms.every((t) => {
    const eq = t.indexOf('=');
    return eq < 0 ? t in labels : labels[t.slice(0, eq)] === t.slice(eq + 1);
  });
}
