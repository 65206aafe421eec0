/**
 * The model's data plane: what ztunnel, waypoints and the ingress gateway do with one HTTP request.
 * Sources of each rule are cited where applied.
 */
import { CURL_EXIT } from '../../harness/traffic/verdict.ts';
import type { KubeObject } from '../../harness/cluster/types.ts';
import type { Rng } from '../../harness/stats/random.ts';
import { appOf, echoLogLines, serve, type AppRequest, type AppResponse } from './apps.ts';
import { ingressUseWaypointLabel, ROOT_NAMESPACE, serviceBinding, workloadBinding } from './binding.ts';
import type { MutantName } from './mutations.ts';
import { evaluate, isDryRun, type RequestAttrs } from './policy.ts';
import { keyOf, type Objects } from './store.ts';
import { ENVOY_WAYPOINT, flavourOf, type WaypointFlavour } from './implementations.ts';
import { routeRequest, withResponseHeaders } from './routes.ts';

export interface Reply {
  exitCode: number;
  httpCode: number;
  timeSec: number;
  headers: Record<string, string>;
  body: string;
  stderr: string;
}

export interface Caller {
  identity: string;
  namespace: string;
  /** Traffic leaves through ztunnel (an ambient pod) or a sidecar; false: plain. */
  captured: boolean;
  ingressGateway?: boolean;
  /** The caller pod's IP, which the application sees as the peer of a direct request. */
  ip?: string;
}

export interface Metrics {
  count(waypoint: KubeObject, labels: Record<string, string>, by: number): void;
}


/** The trust domain istiod issues identities in, its aliases, and the DNS domain services are named in. */
export interface ModelMesh {
  trustDomain: string;
  trustDomainAliases: string[];
  dnsDomain: string;
}

export const KIND_MESH: ModelMesh = { trustDomain: 'cluster.local', trustDomainAliases: [], dnsDomain: 'cluster.local' };

export function identityOf(pod: KubeObject, trustDomain: string): string {
  return `${trustDomain}/ns/${pod.metadata.namespace}/sa/${pod.spec?.serviceAccountName ?? 'default'}`;
}

/**
 * Whether `<name>.<ns>...` names a service under the cluster's DNS domain: a bare name, name.ns,
 * name.ns.svc (which the pod's search path completes), or name.ns.svc.<domain>.
 */
export function underDomain(hostname: string, dnsDomain: string): boolean {
  const labels = hostname.split('.');
  return labels.length <= 2 || (labels[2] === 'svc' && (labels.length === 3 || labels.slice(3).join('.') === dnsDomain));
}

export function isAmbient(objs: Objects, pod: KubeObject): boolean {
  const podMode = pod.metadata.labels?.['istio.io/dataplane-mode'];
  if (pod.metadata.labels?.['sidecar.istio.io/inject'] === 'true') return false;
  if (podMode) return podMode === 'ambient';
  return objs.get(keyOf({ kind: 'Namespace', name: pod.metadata.namespace! }))?.metadata.labels?.['istio.io/dataplane-mode'] === 'ambient';
}

function matchesSelector(labels: Record<string, string> | undefined, sel: Record<string, string> | undefined): boolean {
  if (!sel) return false;
  return Object.entries(sel).every(([k, v]) => labels?.[k] === v);
}

export interface DataplaneMemory {
  sticky: Map<string, KubeObject>;
  everAmbient: Set<string>;
  /** Container log lines per pod ("ns/name"). */
  logs: Map<string, string[]>;
  /** How often ztunnel closed a connection without an HTTP response, by curl's exit code (52, 56). */
  closes: Map<number, number>;
  /** HTTPRoutes deleted from the API that the deleted-route-kept mutant still applies. */
  deletedRoutes: KubeObject[];
}

/** How a waypoint retries (istio pilot/pkg/networking/core/route/retry/retry.go). */
type RetryPolicy = WaypointFlavour['defaultRetry'];

export class Dataplane {
  private readonly objs: Objects;
  private readonly rng: Rng;
  private readonly mut: ReadonlySet<MutantName>;
  private readonly metrics: Metrics;
  /** Kept across requests: for the waypoint-outlives-label and unenroll-ignored mutants, and each pod's log. */
  private readonly memory: DataplaneMemory;
  private readonly mesh: ModelMesh;

  constructor(objs: Objects, rng: Rng, mut: ReadonlySet<MutantName>, metrics: Metrics, memory: DataplaneMemory, mesh: ModelMesh = KIND_MESH) {
    this.objs = objs;
    this.rng = rng;
    this.mut = mut;
    this.metrics = metrics;
    this.memory = memory;
    this.mesh = mesh;
  }

  private readyPods(ns: string, selector: Record<string, string> | undefined): KubeObject[] {
    return [...this.objs.values()].filter((o) =>
      o.kind === 'Pod' && o.metadata.namespace === ns && o.status?.phase === 'Running' && matchesSelector(o.metadata.labels, selector));
  }

  private ambient(pod: KubeObject): boolean {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const seen = this.mut.has('pod-dataplane-mode-ignored') ? withoutLabel(pod, 'istio.io/dataplane-mode') : pod;
    if (isAmbient(this.objs, seen)) {
      this.memory.everAmbient.add(key);
      return true;
    }
    return this.mut.has('unenroll-ignored') && this.memory.everAmbient.has(key);
  }

  private service(name: string, ns: string): KubeObject | undefined {
    return this.objs.get(keyOf({ kind: 'Service', namespace: ns, name }));
  }

  private serviceWaypoint(svc: KubeObject): KubeObject | undefined {
    if (svc.kind === 'ServiceEntry' && this.mut.has('serviceentry-waypoint-ignored')) return undefined;
    const key = `${svc.kind}/${svc.metadata.namespace}/${svc.metadata.name}`;
    const w = serviceBinding(this.objs, svc, this.mut, 'traffic').waypoint;
    if (w) this.memory.sticky.set(key, w);
    if (!w && this.mut.has('waypoint-outlives-label')) {
      const old = this.memory.sticky.get(key);
      if (old && this.objs.get(keyOf({ kind: 'Gateway', namespace: old.metadata.namespace, name: old.metadata.name }))) return old;
    }
    return w;
  }

  /** One request from a caller to a URL inside the cluster. */
  request(caller: Caller, url: string, method: string, headers: Record<string, string>, maxTimeSec: number, body?: Buffer): Reply {
    const u = new URL(url);
    const port = Number(u.port || 80);
    const hostHeader = lower(headers).host;
    const req: AppRequest = {
      method, path: u.pathname + u.search, headers: lower(headers), host: hostHeader ?? `${u.hostname}:${port}`, ...(body ? { body } : {}), ...(caller.ip ? { peer: caller.ip } : {}),
    };
    const base = 0.001 + this.rng.next() * 0.004;
    let resp: Reply;
    const podByIp = [...this.objs.values()].find((o) => o.kind === 'Pod' && o.status?.podIP === u.hostname);
    if (podByIp) {
      resp = this.toPod(caller, podByIp, port, req, undefined);
    } else {
      const addressed = this.mut.has('route-by-host-header') && hostHeader ? hostHeader.split(':')[0] : u.hostname;
      const [name, ns = caller.namespace] = addressed.split('.');
      const svc = underDomain(addressed, this.mesh.dnsDomain) ? this.service(name, ns) : this.serviceEntryHost(caller, addressed);
      if (!svc) return curlError(CURL_EXIT.couldNotResolve, `curl: (6) Could not resolve host: ${u.hostname}`, base);
      if (!servicePorts(svc).includes(port)) {
        return curlError(CURL_EXIT.refused, `curl: (7) Failed to connect to ${u.hostname} port ${port}: Connection refused`, base);
      }
      resp = this.toService(caller, svc, port, req);
    }
    resp.timeSec += base;
    if (resp.timeSec > maxTimeSec) {
      return curlError(CURL_EXIT.timeout, `curl: (28) Operation timed out after ${Math.round(maxTimeSec * 1000)} milliseconds with 0 bytes received`, maxTimeSec);
    }
    return resp;
  }

  /**
   * A ServiceEntry host as ztunnel's DNS proxy answers it for a captured client: only when the
   * ServiceEntry has an address, its own (spec.addresses) or the one istiod allocated for the host
   * (status.addresses; istio pilot/pkg/controllers/ipallocate/ipallocate.go, not for resolution NONE).
   * Without one the name does not resolve (istio manifests/charts/istio-cni/values.yaml
   * ambient.dnsCapture; pilot/pkg/serviceregistry/ambient/services.go constructServiceEntries).
   */
  private serviceEntryHost(caller: Caller, hostname: string): KubeObject | undefined {
    if (!caller.captured) return undefined;
    return [...this.objs.values()].find((o) => o.kind === 'ServiceEntry' && (o.spec?.hosts ?? []).includes(hostname) &&
      ((o.spec?.addresses ?? []).length > 0 || (o.status?.addresses ?? []).some((a: { host?: string }) => a.host === hostname)));
  }

  private toService(caller: Caller, svc: KubeObject, port: number, req: AppRequest): Reply {
    const captured = caller.captured && (!caller.ingressGateway || this.ingressUsesWaypoint(svc));
    const wp = captured ? this.serviceWaypoint(svc) : undefined;
    if (wp) return this.throughWaypoint(caller, wp, { svc, port }, req);
    const endpoints = this.readyPods(svc.metadata.namespace!, endpointSelector(svc));
    // ztunnel: "no healthy upstream" (docs/real-data-plane.md).
    if (endpoints.length === 0) return this.ztunnelCloses();
    const pod = this.rng.pick(endpoints);
    return this.toPod(caller, pod, port, req, svc);
  }

  private ingressUsesWaypoint(svc: KubeObject): boolean {
    // istio.io/ingress-use-waypoint (Service, else namespace; a Go bool) sends ingress-gateway traffic through the service's waypoint.
    if (this.mut.has('ingress-label-ignored')) return false;
    return ingressUseWaypointLabel(this.objs, svc, this.mut).use;
  }

  private toPod(caller: Caller, pod: KubeObject, port: number, req: AppRequest, viaService: KubeObject | undefined): Reply {
    // Only pod-addressed traffic uses the pod's workload waypoint: service-addressed traffic without a
    // service waypoint goes straight to the chosen endpoint (istio/ztunnel src/proxy/outbound.rs,
    // `!from_waypoint && service.is_none()` before fetch_workload_waypoint; istio/ztunnel#855).
    const podAddressed = !viaService || this.mut.has('service-uses-workload-waypoint');
    if (caller.captured && !caller.ingressGateway && podAddressed) {
      const w = workloadBinding(this.objs, pod, this.mut, 'traffic').waypoint;
      if (w) return this.throughWaypoint(caller, w, { pod, port, svc: viaService }, req);
    }
    return this.deliver(caller.identity, pod, req, 'ztunnel');
  }

  /** An implementation without workload configuration (agentgateway) has no route for pod-addressed traffic. */
  private servesWorkloads(f: WaypointFlavour): boolean {
    return f.servesWorkloads && !this.mut.has('workload-traffic-unserved');
  }

  /** Destination ztunnel (inbound L4 policy, if the pod is in ambient), then the application. */
  private deliver(identity: string, pod: KubeObject, req: AppRequest, hop: 'ztunnel' | WaypointFlavour, extraDelay = 0, timeoutSec?: number): Reply {
    if (this.ambient(pod)) {
      const allowed = evaluate(this.l4Policies(pod), attrs(identity, req), 'l4', this.mut);
      if (!allowed) {
        if (hop !== 'ztunnel') return http(503, hop.bodies.upstreamReset, 0.002);
        if (this.mut.has('l4-deny-as-403')) return http(403, ENVOY_WAYPOINT.bodies.denied, 0.001);
        return this.ztunnelCloses();
      }
    }
    const app = serve(pod, req, (url) => this.nested(pod, url));
    if (appOf(pod) === 'echo') this.log(pod, echoLogLines(pod, req, app));
    const took = app.delaySec + extraDelay;
    if (timeoutSec !== undefined && app.delaySec > timeoutSec && !this.mut.has('timeout-ignored')) {
      return http(504, hop === 'ztunnel' ? ENVOY_WAYPOINT.bodies.timeout : hop.bodies.timeout, timeoutSec + extraDelay);
    }
    const reply = http(app.status, app.body, took);
    return app.headers ? { ...reply, headers: app.headers } : reply;
  }

  /**
   * ztunnel refusing a connection: closed without an HTTP response, which curl sees as an empty
   * reply (52) or a reset (56). Real ztunnel gave 52 in about 65 and 56 in about 35 of 100 on every
   * deny path (docs/real-data-plane.md); Istio's tests accept either (tests/integration/ambient/
   * baseline_test.go CheckDeny). The model draws the same mix from its seed.
   */
  private ztunnelCloses(): Reply {
    const code = this.rng.next() < 0.65 ? CURL_EXIT.emptyReply : CURL_EXIT.reset;
    this.memory.closes.set(code, (this.memory.closes.get(code) ?? 0) + 1);
    const stderr = code === CURL_EXIT.emptyReply ? 'curl: (52) Empty reply from server' : 'curl: (56) Recv failure: Connection reset by peer';
    return curlError(code, stderr, 0.001);
  }

  private log(pod: KubeObject, lines: string[]): void {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const buf = this.memory.logs.get(key) ?? [];
    buf.push(...lines);
    if (buf.length > 20_000) buf.splice(0, buf.length - 20_000);
    this.memory.logs.set(key, buf);
  }

  private nested(from: KubeObject, url: string): AppResponse {
    const caller: Caller = { identity: identityOf(from, this.mesh.trustDomain), namespace: from.metadata.namespace!, captured: this.ambient(from) };
    const r = this.request(caller, url, 'GET', {}, 30);
    return { status: r.exitCode === 0 ? r.httpCode : 0, body: r.body, delaySec: r.timeSec };
  }

  /** Dry-run policies are logged, not enforced (policy.ts isDryRun). */
  private enforced(p: KubeObject): boolean {
    return !isDryRun(p) || this.mut.has('dry-run-enforced');
  }

  private l4Policies(pod: KubeObject): KubeObject[] {
    // Policies of the pod's namespace and of the root namespace, whose selector policies select pods in
    // every namespace and whose selector-less ones apply mesh-wide (istio pilot/pkg/serviceregistry/ambient/
    // workloads.go buildWorkloadPolicies; authorization.go convertAuthorizationPolicy: Scope_GLOBAL).
    return [...this.objs.values()].filter((p) => p.kind === 'AuthorizationPolicy' && this.enforced(p) &&
      (p.metadata.namespace === pod.metadata.namespace || p.metadata.namespace === ROOT_NAMESPACE) &&
      !p.spec?.targetRefs && !p.spec?.targetRef &&
      (!p.spec?.selector || matchesSelector(pod.metadata.labels, p.spec.selector.matchLabels)));
  }

  private l7Policies(wp: KubeObject, svc: KubeObject | undefined): KubeObject[] {
    return [...this.objs.values()].filter((p) => {
      if (p.kind !== 'AuthorizationPolicy' || !this.enforced(p)) return false;
      const refs: { kind: string; name: string }[] = p.spec?.targetRefs ?? (p.spec?.targetRef ? [p.spec.targetRef] : []);
      // A GatewayClass target, valid only from the root namespace, reaches every waypoint of the class (policies.go).
      return refs.some((r) =>
        (r.kind === 'GatewayClass' && (p.metadata.namespace === ROOT_NAMESPACE || this.mut.has('gatewayclass-policy-any-namespace')) && r.name === wp.spec?.gatewayClassName) ||
        (r.kind === 'Gateway' && r.name === wp.metadata.name && p.metadata.namespace === wp.metadata.namespace) ||
        // A Service or ServiceEntry target: the policy applies to that target's traffic at its waypoint.
        ((r.kind === 'Service' || r.kind === 'ServiceEntry') && svc?.kind === r.kind && r.name === svc.metadata.name && p.metadata.namespace === svc.metadata.namespace));
    });
  }

  private throughWaypoint(
    caller: Caller, wp: KubeObject, target: { svc?: KubeObject; pod?: KubeObject; port: number }, req: AppRequest,
  ): Reply {
    const wpIdentity = `${this.mesh.trustDomain}/ns/${wp.metadata.namespace}/sa/${wp.metadata.name}`;
    const flavour = flavourOf(wp) ?? ENVOY_WAYPOINT;
    // A bound waypoint without a ready pod: ztunnel has nowhere to send the traffic and fails closed,
    // whatever the Gateway's status says (docs/real-data-plane.md: "unknown waypoint"; istio
    // pilot/pkg/serviceregistry/ambient/waypoints.go: addresses stay once the waypoint was ready).
    const wpPods = this.readyPods(wp.metadata.namespace!, { 'gateway.networking.k8s.io/gateway-name': wp.metadata.name });
    if (wpPods.length === 0) {
      if (!this.mut.has('waypoint-down-fails-open')) return this.ztunnelCloses();
      return target.pod ? this.deliver(caller.identity, target.pod, req, 'ztunnel') : this.toPod(caller, this.rng.pick(this.readyPods(target.svc!.metadata.namespace!, endpointSelector(target.svc!))), target.port, req, target.svc);
    }
    const peer = wpPods[0].status?.podIP as string | undefined;
    const headers = { ...req.headers };
    // Envoy generates x-request-id; Istio's tests take it as the sign of L7 processing.
    if (flavour.requestIdHeader) headers[flavour.requestIdHeader] ??= `${this.rng.int(0, 0xffffffff).toString(16)}-model`;
    const finish = (r: Reply) => {
      if (flavour.istioMetrics) this.metrics.count(wp, {
        reporter: 'waypoint',
        destination_service_name: target.svc?.metadata.name ?? 'unknown',
        response_code: String(r.httpCode),
      }, this.mut.has('metrics-double-counted') ? 2 : 1);
      return r;
    };
    if (flavour.istioApis && !this.mut.has('waypoint-ignores-authz')) {
      const ok = evaluate(this.l7Policies(wp, target.svc), attrs(caller.identity, req), 'l7', this.mut, this.mesh);
      if (!ok) return finish(http(403, flavour.bodies.denied, 0.001));
    }
    const fwdIdentity = this.mut.has('waypoint-identity-hidden') ? caller.identity : wpIdentity;
    if (target.pod && !target.svc) {
      if (!this.servesWorkloads(flavour)) return finish(http(404, flavour.bodies.routeNotFound, 0.001));
      return finish(this.deliver(fwdIdentity, target.pod, { ...req, headers, peer }, flavour));
    }
    const svc = target.svc!;
    const routed = this.route(svc, target.port, caller.namespace, { ...req, headers }, flavour);
    if ('reply' in routed) return finish(routed.reply);
    const endpoints = target.pod && !routed.changed ? [target.pod] : this.readyPods(routed.backend.metadata.namespace!, routed.selector);
    if (endpoints.length === 0) return finish(http(503, flavour.bodies.noHealthy, 0.001));
    const attempt = () => {
      const pod = this.pickEndpoint(endpoints, flavour);
      const again = this.mut.has('waypoint-traversed-twice') ? this.secondWaypoint(wp, pod) : undefined;
      if (again) return this.throughWaypoint({ identity: fwdIdentity, namespace: wp.metadata.namespace!, captured: true }, again, { pod, port: target.port }, { ...req, headers: routed.headers });
      return this.deliver(fwdIdentity, pod, { ...req, path: routed.path ?? req.path, headers: routed.headers, peer }, flavour, routed.delaySec, routed.timeoutSec);
    };
    let reply = attempt();
    for (let retries = 0; retries < routed.retry.attempts && reply.exitCode === 0 && routed.retry.codes.includes(reply.httpCode); retries++) {
      const again = attempt();
      reply = { ...again, timeSec: reply.timeSec + again.timeSec };
    }
    return finish({ ...reply, headers: withResponseHeaders(reply.headers, routed.responseHeaders ?? [], this.mut) });
  }

  /** One of a Service's pods, as the waypoint implementation chooses (WaypointFlavour.endpointChoice). */
  private pickEndpoint(endpoints: readonly KubeObject[], flavour: WaypointFlavour): KubeObject {
    if (flavour.endpointChoice === 'random') return this.rng.pick(endpoints);
    const [a, b] = [this.rng.pick(endpoints), this.rng.pick(endpoints)];
    return a.metadata.name! <= b.metadata.name! ? a : b;
  }

  /** The mutant's second hop: the endpoint's own workload waypoint, which ztunnel skips for traffic from a waypoint. */
  private secondWaypoint(wp: KubeObject, pod: KubeObject): KubeObject | undefined {
    const w = workloadBinding(this.objs, pod, this.mut, 'traffic').waypoint;
    return w && w.metadata.name !== wp.metadata.name ? w : undefined;
  }

  /** HTTPRoute with a Service parent first, else VirtualService (Envoy only), else the Service itself. */
  private route(svc: KubeObject, port: number, callerNs: string, req: AppRequest, flavour: WaypointFlavour): { reply: Reply } | Routed {
    const ns = svc.metadata.namespace!;
    // The implementation's measured route leak is the route-applies-to-all-services behaviour.
    const mut: ReadonlySet<MutantName> = flavour.routesLeakAcrossServices ? new Set([...this.mut, 'route-applies-to-all-services']) : this.mut;
    const objs = this.mut.has('deleted-route-kept') ? [...this.objs.values(), ...this.memory.deletedRoutes] : this.objs.values();
    const found = routeRequest(objs, svc, port, callerNs, req, mut, (e) => this.pickWeighted(e));
    const decided = found?.kind === 'answer' && found.unmatched && flavour.unmatchedReachesService ? undefined : found;
    if (decided?.kind === 'answer') return { reply: { ...http(decided.status, decided.body, 0.001), headers: decided.headers } };
    if (decided) {
      const { rule } = decided;
      const backend = this.service(decided.backend, decided.backendNamespace);
      if (!backend) return { reply: http(500, 'backend not found', 0.001) };
      const retry = this.mut.has('retries-ignored') ? flavour.defaultRetry : httpRouteRetry(rule.retry, flavour.defaultRetry);
      return {
        backend, selector: backend.spec.selector, headers: decided.headers, path: decided.path, responseHeaders: decided.responseHeaders,
        delaySec: 0, timeoutSec: parseDuration(rule.timeouts?.request), changed: true, retry,
      };
    }
    const vs = flavour.istioApis && svc.kind === 'Service' && [...this.objs.values()].find((v) => v.kind === 'VirtualService' && v.metadata.namespace === ns &&
      (v.spec?.hosts ?? []).some((h: string) => h === svc.metadata.name || h.startsWith(`${svc.metadata.name}.${ns}`)));
    if (vs) {
      const rules: VsRule[] = vs.spec?.http ?? [];
      const rule = this.mut.has('header-match-ignored') ? rules[0] : rules.find((r) => vsMatches(r, req));
      if (!rule) return { reply: http(404, flavour.bodies.routeNotFound, 0.001) };
      let delaySec = 0;
      if (rule.fault && !this.mut.has('fault-ignored')) {
        if (rule.fault.abort && this.rng.next() * 100 < (rule.fault.abort.percentage?.value ?? 100)) {
          return { reply: http(rule.fault.abort.httpStatus, 'fault filter abort', 0.001) };
        }
        if (rule.fault.delay && this.rng.next() * 100 < (rule.fault.delay.percentage?.value ?? 100)) {
          delaySec = parseDuration(rule.fault.delay.fixedDelay) ?? 0;
        }
      }
      const dests = rule.route ?? [];
      const i = this.pickWeighted(dests.map((d, idx) => [idx, d.weight ?? (dests.length === 1 ? 100 : 0)] as const));
      const dest = dests[i].destination;
      const backend = this.service(dest.host.split('.')[0], ns);
      if (!backend) return { reply: http(503, flavour.bodies.noHealthy, 0.001) };
      const dr = [...this.objs.values()].find((d) => d.kind === 'DestinationRule' && d.metadata.namespace === ns && d.spec?.host?.split('.')[0] === backend.metadata.name);
      const subset = dest.subset ? (dr?.spec?.subsets ?? []).find((s: { name: string }) => s.name === dest.subset) : undefined;
      if (dest.subset && !subset) return { reply: http(503, flavour.bodies.noHealthy, 0.001) };
      return { backend, selector: { ...backend.spec.selector, ...(subset?.labels ?? {}) }, headers: req.headers, delaySec, timeoutSec: undefined, changed: true, retry: flavour.defaultRetry };
    }
    return { backend: svc, selector: endpointSelector(svc), headers: req.headers, delaySec: 0, changed: false, retry: flavour.defaultRetry };
  }

  private pickWeighted<T>(entries: readonly (readonly [T, number])[]): T {
    if (this.mut.has('weights-ignored')) return this.rng.pick(entries.map(([t]) => t));
    const zero = entries.filter(([, w]) => w === 0);
    if (this.mut.has('weight-zero-leak') && zero.length > 0 && this.rng.next() < 0.05) return this.rng.pick(zero)[0];
    return this.rng.weighted(entries);
  }

  /** A request arriving at an ingress gateway from outside (LoadBalancer address). */
  ingress(gw: KubeObject, url: string, method: string, headers: Record<string, string>, maxTimeSec: number): Reply {
    const u = new URL(url);
    const ns = gw.metadata.namespace!;
    const routes = [...this.objs.values()].filter((r) => r.kind === 'HTTPRoute' && r.metadata.namespace === ns &&
      (r.spec?.parentRefs ?? []).some((p: { kind?: string; name: string }) => (p.kind ?? 'Gateway') === 'Gateway' && p.name === gw.metadata.name));
    const req: AppRequest = { method, path: u.pathname, headers: lower(headers), host: u.host };
    const rule = routes.flatMap((r) => r.spec?.rules ?? []).find((r) => httpRouteMatches(r, req));
    if (!rule) return http(404, '', 0.001);
    const backendRef = rule.backendRefs[0];
    const caller: Caller = { identity: `${this.mesh.trustDomain}/ns/${ns}/sa/${gw.metadata.name}-istio`, namespace: ns, captured: true, ingressGateway: true };
    return this.request(caller, `http://${backendRef.name}.${ns}:${backendRef.port}${u.pathname}`, method, { ...headers, 'x-request-id': 'ingress' }, maxTimeSec);
  }
}

function withoutLabel(o: KubeObject, key: string): KubeObject {
  const labels = Object.fromEntries(Object.entries(o.metadata.labels ?? {}).filter(([k]) => k !== key));
  return { ...o, metadata: { ...o.metadata, labels } };
}

/** The pods serving a Service (spec.selector) or a ServiceEntry (spec.workloadSelector.labels, which selects pods: istio PILOT_ENABLE_SERVICEENTRY_SELECT_PODS). */
function endpointSelector(svc: KubeObject): Record<string, string> | undefined {
  return svc.kind === 'ServiceEntry' ? svc.spec?.workloadSelector?.labels : svc.spec?.selector;
}

/** The ports a Service (spec.ports[].port) or a ServiceEntry (spec.ports[].number) listens on. */
function servicePorts(svc: KubeObject): number[] {
  return (svc.spec?.ports ?? []).map((p: { port?: number; number?: number }) => (svc.kind === 'ServiceEntry' ? p.number : p.port));
}

interface Routed {
  backend: KubeObject;
  selector: Record<string, string> | undefined;
  headers: Record<string, string>;
  /** The path after an HTTPRoute URLRewrite; absent: unchanged. */
  path?: string;
  responseHeaders?: Parameters<typeof withResponseHeaders>[1];
  delaySec: number;
  timeoutSec?: number;
  changed: boolean;
  retry: RetryPolicy;
}

interface VsRule {
  match?: { headers?: Record<string, { exact?: string }>; uri?: { prefix?: string; exact?: string } }[];
  fault?: { abort?: { httpStatus: number; percentage?: { value: number } }; delay?: { fixedDelay: string; percentage?: { value: number } } };
  route?: { destination: { host: string; subset?: string }; weight?: number }[];
}

function vsMatches(rule: VsRule, req: AppRequest): boolean {
  if (!rule.match || rule.match.length === 0) return true;
  return rule.match.some((m) =>
    Object.entries(m.headers ?? {}).every(([k, v]) => v.exact === undefined || req.headers[k.toLowerCase()] === v.exact) &&
    (!m.uri?.prefix || req.path.startsWith(m.uri.prefix)) && (!m.uri?.exact || req.path === m.uri.exact));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
function httpRouteMatches(rule: any, req: AppRequest): boolean {
  const matches = rule.matches ?? [];
  if (matches.length === 0) return true;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return matches.some((m: any) =>
    (m.headers ?? []).every((h: { name: string; value: string }) => req.headers[h.name.toLowerCase()] === h.value) &&
    (!m.path || (m.path.type === 'Exact' ? req.path === m.path.value : req.path.startsWith(m.path.value))));
}

/**
 * HTTPRoute retry as istiod converts it (istio pilot/pkg/config/kube/gateway/testdata/http.yaml.golden):
 * absent → the default policy; {} → 2 retries on connection errors only; attempts 0 → none;
 * codes → those statuses (besides connection errors).
 */
function httpRouteRetry(retry: { attempts?: number; codes?: number[] } | undefined, byDefault: RetryPolicy): RetryPolicy {
  if (!retry) return byDefault;
  return { attempts: retry.attempts ?? 2, codes: retry.codes ?? [] };
}

function parseDuration(d: string | undefined): number | undefined {
  if (!d) return undefined;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(d);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'm' ? n * 60 : n;
}

/** The port is the one the request was sent to; the catalogue's services keep port == targetPort. */
function attrs(principal: string, req: AppRequest): RequestAttrs {
  return { principal, method: req.method, path: req.path, port: Number(req.host.split(':').pop()) };
}

function lower(h: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));
}

function http(status: number, body: string, timeSec: number): Reply {
  return { exitCode: 0, httpCode: status, timeSec, headers: { 'content-type': 'text/plain' }, body, stderr: '' };
}

function curlError(exitCode: number, stderr: string, timeSec: number): Reply {
  return { exitCode, httpCode: 0, timeSec, headers: {}, body: '', stderr };
}
