/**
 * HTTPRoute on a Service parent, as a waypoint applies it (Gateway API v1 HTTPRoute semantics,
 * kubernetes-sigs/gateway-api apis/v1/httproute_types.go; mesh behaviour per GEP-1426 and the
 * conformance/tests/mesh tests): the most specific match over every route attached to the Service
 * port wins, then the rule's filters (request/response headers, redirect, rewrite) and the chosen
 * backendRef's own filters. A GRPCRoute on a Service parent is the same route for gRPC's HTTP/2
 * requests (apis/v1/grpcroute_types.go; istiod converts both to HTTP routes,
 * pilot/pkg/config/kube/gateway/conversion.go): its method match is a match on the /service/method path.
 * A route in its Service's namespace (producer route) applies to every caller; a route in another
 * namespace (consumer route) only to callers of its own namespace (kubernetes-sigs/gateway-api
 * site-src/mesh/index.md; conformance/tests/mesh/mesh-consumer-route.go). How the two combine for one
 * caller is open upstream ("ongoing work"): the model merges them like routes of one namespace.
 */
import type { KubeObject } from '../../harness/cluster/types.ts';
import type { AppRequest } from './apps.ts';
import type { MutantName } from './mutations.ts';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Rule = any;
type Match = any;

export interface Forward {
  kind: 'forward';
  rule: Rule;
  backend: string;
  backendNamespace: string;
  headers: Record<string, string>;
  path: string;
  responseHeaders: HeaderFilter[];
}
export interface Answer {
  kind: 'answer';
  /** No rule of the Service's routes matched the request. */
  unmatched?: true;
  status: number;
  headers: Record<string, string>;
  body: string;
}
export type Decision = Forward | Answer;

interface HeaderFilter {
  set?: { name: string; value: string }[];
  add?: { name: string; value: string }[];
  remove?: string[];
}

interface Candidate {
  route: KubeObject;
  rule: Rule;
  ruleIndex: number;
  match: Match;
  path: { type: string; value: string };
}

/**
 * Routes whose parentRef is this Service or ServiceEntry (kind as the parent's; and this port, when the
 * parentRef names one), for a caller in `callerNs` (istio pilot/pkg/config/kube/gateway/conversion.go referenceAllowed).
 */
export function attachedRoutes(objs: Iterable<KubeObject>, svc: KubeObject, port: number, callerNs: string, mut: ReadonlySet<MutantName>): KubeObject[] {
  const svcNs = svc.metadata.namespace;
  return [...objs].filter((r) => (r.kind === 'HTTPRoute' || r.kind === 'GRPCRoute') && appliesToCaller(r.metadata.namespace!, svcNs!, callerNs, mut) &&
    // route-applies-to-all-services (status-truth): a route changes every Service behind the waypoint, not only its parent.
    (r.spec?.parentRefs ?? []).some((p: { kind?: string; name: string; namespace?: string; port?: number }) => p.kind === svc.kind &&
      (p.namespace ?? r.metadata.namespace) === svcNs &&
      (p.name === svc.metadata.name || mut.has('route-applies-to-all-services')) &&
      (p.port === undefined || p.port === port || mut.has('parent-port-ignored'))) &&
    !(mut.has('named-rule-dropped') && (r.spec?.rules ?? []).some((x: Rule) => x.name)));
}

/** A producer route (the Service's namespace) applies to every caller, a consumer route to callers of its namespace. */
function appliesToCaller(routeNs: string, svcNs: string, callerNs: string, mut: ReadonlySet<MutantName>): boolean {
  return routeNs === svcNs || routeNs === callerNs || mut.has('consumer-route-for-all');
}

/**
 * An RE2 pattern (Envoy's safe_regex, which istiod emits for RegularExpression matches: istio
 * pilot/pkg/config/kube/gateway/conversion.go createHeadersMatch, createURIMatch) as a JS RegExp that
 * must match the whole input. RE2 spellings JS lacks are translated: leading (?flags), (?P<name>,
 * \A and \z. A pattern JS still cannot compile matches nothing instead of throwing.
 */
export function re2FullMatch(pattern: string): RegExp {
  const flags = /^\(\?([imsU]+)\)/.exec(pattern);
  const body = (flags ? pattern.slice(flags[0].length) : pattern).replace(/\(\?P</g, '(?<').replace(/\\A/g, '^').replace(/\\z/g, '$');
  const js = [...new Set((flags?.[1] ?? '').replace(/U/g, '').split(''))].join('');
  try {
    return new RegExp(`^(?:${body})$`, js);
  } catch {
    return /(?!)/;
  }
}

function pathOnly(p: string): string {
  return p.split('?')[0];
}

function pathMatches(m: { type: string; value: string }, path: string, mut: ReadonlySet<MutantName>): boolean {
  if (m.type === 'Exact') return path === m.value;
  if (m.type === 'RegularExpression') return re2FullMatch(m.value).test(path);
  const prefix = m.value.replace(/\/+$/, '');
  if (mut.has('prefix-not-segment')) return path.startsWith(prefix);
  return prefix === '' || path === prefix || path.startsWith(`${prefix}/`);
}

function query(path: string): URLSearchParams {
  return new URLSearchParams(path.includes('?') ? path.slice(path.indexOf('?') + 1) : '');
}

function matches(c: Candidate, req: AppRequest, mut: ReadonlySet<MutantName>): boolean {
  const m = c.match;
  if (!pathMatches(c.path, pathOnly(req.path), mut)) return false;
  if (m.method && m.method !== req.method) return false;
  const headersOk = (m.headers ?? []).every((h: { name: string; value: string; type?: string }) => {
    const got = req.headers[h.name.toLowerCase()];
    return h.type === 'RegularExpression' ? got !== undefined && re2FullMatch(h.value).test(got) : got === h.value;
  });
  if (!headersOk) return false;
  if (mut.has('query-match-ignored')) return true;
  const q = query(req.path);
  return (m.queryParams ?? []).every((p: { name: string; value: string }) => q.get(p.name) === p.value);
}

/** Gateway API precedence: Exact path, longest prefix, method, most headers, most query params, oldest route, rule order. */
function precedence(a: Candidate, b: Candidate): number {
  const exact = (c: Candidate) => (c.path.type === 'Exact' ? 1 : 0);
  const keys: ((c: Candidate) => number)[] = [
    exact, (c) => c.path.value.length, (c) => (c.match.method ? 1 : 0), (c) => (c.match.headers ?? []).length, (c) => (c.match.queryParams ?? []).length,
  ];
  for (const k of keys) if (k(a) !== k(b)) return k(b) - k(a);
  const age = (c: Candidate) => c.route.metadata.creationTimestamp ?? '';
  if (age(a) !== age(b)) return age(a) < age(b) ? -1 : 1;
  return `${a.route.metadata.name}/${a.ruleIndex}`.localeCompare(`${b.route.metadata.name}/${b.ruleIndex}`);
}

/** A GRPCMethodMatch as the path it selects: service and method exactly, the service's prefix, or the method in any service. */
function grpcPath(m: { service?: string; method?: string } | undefined): { type: string; value: string } {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (m?.service && m.method) return { type: 'Exact', value: `/${m.service}/${m.method}` };
  if (m?.service) return { type: 'PathPrefix', value: `/${m.service}` };
  if (m?.method) return { type: 'RegularExpression', value: `/[^/]+/${esc(m.method)}` };
  return { type: 'PathPrefix', value: '/' };
}

function candidates(routes: KubeObject[]): Candidate[] {
  return routes.flatMap((route) => (route.spec?.rules ?? []).flatMap((rule: Rule, ruleIndex: number) => {
    const ms: Match[] = rule.matches?.length ? rule.matches : [{}];
    if (route.kind === 'GRPCRoute') return ms.map((m) => ({ route, rule, ruleIndex, match: { headers: m.headers }, path: grpcPath(m.method) }));
    return ms.map((match) => ({ route, rule, ruleIndex, match, path: match.path ?? { type: 'PathPrefix', value: '/' } }));
  }));
}

export function applyHeaderFilter(headers: Record<string, string>, f: HeaderFilter | undefined, mut: ReadonlySet<MutantName>): Record<string, string> {
  const out = { ...headers };
  for (const h of f?.set ?? []) out[h.name.toLowerCase()] = h.value;
  for (const h of f?.add ?? []) {
    const k = h.name.toLowerCase();
    out[k] = out[k] !== undefined && !mut.has('header-add-overwrites') ? `${out[k]},${h.value}` : h.value;
  }
  for (const name of f?.remove ?? []) delete out[name.toLowerCase()];
  return out;
}

/** ReplacePrefixMatch keeps what follows the matched prefix; ReplaceFullPath replaces the whole path. */
function modifiedPath(mod: { type: string; replaceFullPath?: string; replacePrefixMatch?: string }, path: string, matched: Candidate): string {
  if (mod.type === 'ReplaceFullPath') return mod.replaceFullPath ?? path;
  const prefix = matched.path.value.replace(/\/+$/, '');
  let rest = path.slice(prefix.length);
  const replacement = mod.replacePrefixMatch ?? '/';
  if (replacement.endsWith('/') && rest.startsWith('/')) rest = rest.slice(1);
  return `${replacement}${rest}` || '/';
}

const DEFAULT_PORTS: Record<string, number> = { http: 80, https: 443 };

function redirectAnswer(f: Rule, req: AppRequest, matched: Candidate, mut: ReadonlySet<MutantName>): Answer {
  const [reqHost, reqPort] = req.host.split(':');
  const scheme: string = (!mut.has('redirect-scheme-ignored') && f.scheme) || 'http';
  const host: string = f.hostname ?? reqHost;
  // No port and no scheme: the port the request was sent to; a scheme alone implies its well-known port.
  const port: number = (!mut.has('redirect-port-ignored') && f.port) || (f.scheme ? DEFAULT_PORTS[scheme] : Number(reqPort || 80));
  const portPart = port === DEFAULT_PORTS[scheme] ? '' : `:${port}`;
  const path = f.path && !mut.has('redirect-path-ignored') ? modifiedPath(f.path, pathOnly(req.path), matched) : pathOnly(req.path);
  const status = mut.has('redirect-status-ignored') ? 302 : (f.statusCode ?? 302);
  return { kind: 'answer', status, headers: { location: `${scheme}://${host}${portPart}${path}` }, body: '' };
}

/** What the waypoint does with a request to this Service port, or undefined when no route is attached. */
export function routeRequest(
  objs: Iterable<KubeObject>, svc: KubeObject, port: number, callerNs: string, req: AppRequest, mut: ReadonlySet<MutantName>,
  pick: (entries: readonly (readonly [number, number])[]) => number,
): Decision | undefined {
  const routes = attachedRoutes(objs, svc, port, callerNs, mut);
  if (routes.length === 0) return undefined;
  const all = candidates(routes);
  const ordered = mut.has('match-precedence-ignored') ? all : [...all].sort(precedence);
  const chosen = mut.has('header-match-ignored') ? all[0] : ordered.find((c) => matches(c, req, mut));
  if (!chosen) return { kind: 'answer', unmatched: true, status: 404, headers: {}, body: 'route not found' };
  let headers = req.headers;
  let path = req.path;
  const responseHeaders: HeaderFilter[] = [];
  for (const f of chosen.rule.filters ?? []) {
    if (f.type === 'RequestHeaderModifier') headers = applyHeaderFilter(headers, f.requestHeaderModifier, mut);
    if (f.type === 'ResponseHeaderModifier' && !mut.has('response-header-ignored')) responseHeaders.push(f.responseHeaderModifier);
    if (f.type === 'RequestRedirect') return redirectAnswer(f.requestRedirect, req, chosen, mut);
    if (f.type === 'URLRewrite' && f.urlRewrite?.path && !mut.has('rewrite-ignored')) {
      const q = req.path.includes('?') ? req.path.slice(req.path.indexOf('?')) : '';
      path = modifiedPath(f.urlRewrite.path, pathOnly(req.path), chosen) + q;
    }
  }
  const refs: { name: string; namespace?: string; weight?: number; filters?: Rule[] }[] = [...(chosen.rule.backendRefs ?? [])];
  // No backend of weight > 0 (none listed, or every weight 0): istiod makes the rule a direct 500
  // (istio pilot/pkg/config/kube/gateway/conversion.go weightSum). The mutant falls through to the parent.
  if (mut.has('empty-rule-to-parent') && refs.length === 0) refs.push({ name: svc.metadata.name, namespace: svc.metadata.namespace });
  if (refs.reduce((sum, b) => sum + (b.weight ?? 1), 0) === 0) return { kind: 'answer', status: 500, headers: {}, body: 'no backendRefs' };
  // grpc-route-weights-ignored: a GRPCRoute's backends chosen evenly, a weight of 0 included.
  const even = mut.has('grpc-route-weights-ignored') && chosen.route.kind === 'GRPCRoute';
  const ref = refs[pick(refs.map((b, i) => [i, even ? 1 : (b.weight ?? 1)] as const))];
  if (!mut.has('backend-filters-ignored')) {
    for (const f of ref.filters ?? []) if (f.type === 'RequestHeaderModifier') headers = applyHeaderFilter(headers, f.requestHeaderModifier, mut);
  }
  return { kind: 'forward', rule: chosen.rule, backend: ref.name, backendNamespace: ref.namespace ?? chosen.route.metadata.namespace!, headers, path, responseHeaders };
}

/** Response headers after the rule's ResponseHeaderModifier filters. */
export function withResponseHeaders(headers: Record<string, string>, filters: HeaderFilter[], mut: ReadonlySet<MutantName>): Record<string, string> {
  return filters.reduce((h, f) => applyHeaderFilter(h, f, mut), headers);
}
