/**
 * AuthorizationPolicy evaluation as the model's ztunnel and waypoints apply it.
 * - Waypoints apply policies whose targetRefs name the waypoint Gateway or the destination
 *   Service; never selector policies (istio.io docs ambient/usage/waypoint, "Attach L7 policies").
 * - ztunnel applies selector and namespace-wide policies at L4 only, as istiod converts them
 *   (istio pilot/pkg/serviceregistry/ambient/authorization.go, handleRule) and ztunnel matches them
 *   (istio/ztunnel src/rbac.rs): each `to` operation keeps only its ports, each `from` source only
 *   its principals and namespaces; a rule is a list of clauses that must all match, a clause
 *   matches when one of its matches does, and a match left empty matches nothing. In an ALLOW
 *   policy a rule with HTTP attributes is omitted altogether, so such a policy can match nothing.
 *   A DENY rule keeps what is left: with only HTTP attributes it has no effect; with ports beside
 *   them it denies every request to those ports.
 * - Order: any matching DENY denies; if ALLOW policies apply, one must match
 *   (istio.io docs concepts/security, authorization policy precedence).
 */
import type { KubeObject } from '../../harness/cluster/types.ts';
import type { MutantName } from './mutations.ts';
import { parseGoBool } from './binding.ts';

/**
 * A policy annotated istio.io/dry-run (a Go bool) is only logged: istiod does not send it to ztunnel
 * unless AMBIENT_ENABLE_DRY_RUN_AUTHORIZATION_POLICY is on (off by default; istio
 * pilot/pkg/serviceregistry/ambient/authorization.go convertAuthorizationPolicy), and Envoy makes it a
 * shadow rule (pilot/pkg/security/authz/builder/builder.go).
 */
export function isDryRun(p: KubeObject): boolean {
  return parseGoBool(p.metadata.annotations?.['istio.io/dry-run'] ?? '') === true;
}

export interface RequestAttrs {
  principal: string; // <trust domain>/ns/<ns>/sa/<sa>, '' for no identity
  method: string;
  path: string;
  port: number;
}

interface Operation {
  methods?: string[]; notMethods?: string[];
  paths?: string[]; notPaths?: string[];
  hosts?: string[]; notHosts?: string[];
  ports?: string[]; notPorts?: string[];
}

interface Source {
  principals?: string[]; notPrincipals?: string[];
  namespaces?: string[]; notNamespaces?: string[];
  requestPrincipals?: string[]; notRequestPrincipals?: string[];
  remoteIpBlocks?: string[]; notRemoteIpBlocks?: string[];
}

interface Rule {
  from?: { source?: Source }[];
  to?: { operation?: Operation }[];
}

const HTTP_OPERATION: (keyof Operation)[] = ['methods', 'notMethods', 'paths', 'notPaths', 'hosts', 'notHosts'];
const HTTP_SOURCE: (keyof Source)[] = ['requestPrincipals', 'notRequestPrincipals', 'remoteIpBlocks', 'notRemoteIpBlocks'];
const L4_OPERATION: (keyof Operation)[] = ['ports', 'notPorts'];
const L4_SOURCE: (keyof Source)[] = ['principals', 'notPrincipals', 'namespaces', 'notNamespaces'];

function glob(pattern: string, value: string): boolean {
  if (pattern === '*') return value !== '';
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

function nonEmpty<T extends object>(o: T | undefined, keys: (keyof T)[]): boolean {
  return keys.some((k) => ((o?.[k] as unknown[] | undefined)?.length ?? 0) > 0);
}

function hasHttpAttributes(rule: Rule): boolean {
  return (rule.to ?? []).some((t) => nonEmpty(t.operation, HTTP_OPERATION)) ||
    (rule.from ?? []).some((f) => nonEmpty(f.source, HTTP_SOURCE));
}

/** Values listed must contain a match; values under not... must not. */
function field(values: string[] | undefined, notValues: string[] | undefined, test: (v: string) => boolean): boolean {
  return (!values?.length || values.some(test)) && !(notValues ?? []).some(test);
}

function sourceMatches(s: Source, req: RequestAttrs): boolean {
  const ns = /\/ns\/([^/]+)\//.exec(req.principal)?.[1] ?? '';
  return field(s.principals, s.notPrincipals, (p) => glob(p, req.principal)) &&
    field(s.namespaces, s.notNamespaces, (n) => glob(n, ns));
}

function operationMatches(op: Operation, req: RequestAttrs, layer: 'l4' | 'l7'): boolean {
  const port = field(op.ports, op.notPorts, (p) => Number(p) === req.port);
  if (layer === 'l4') return port;
  return port && field(op.methods, op.notMethods, (m) => glob(m, req.method)) &&
    field(op.paths, op.notPaths, (p) => glob(p, req.path));
}

/**
 * One clause (the rule's `from` or `to` list): absent → matches; else one entry must match. At L4
 * an entry with no L4 field left is the empty match ztunnel skips (src/rbac.rs `mg.is_empty()`).
 */
function clause<T extends object>(entries: T[] | undefined, l4Keys: (keyof T)[], layer: 'l4' | 'l7', matches: (e: T) => boolean): boolean {
  if (!entries || entries.length === 0) return true;
  return entries.some((e) => (layer === 'l7' || nonEmpty(e, l4Keys)) && matches(e));
}

function ruleMatches(rule: Rule, req: RequestAttrs, layer: 'l4' | 'l7'): boolean {
  return clause(rule.from?.map((f) => f.source ?? {}), L4_SOURCE, layer, (s) => sourceMatches(s, req)) &&
    clause(rule.to?.map((t) => t.operation ?? {}), L4_OPERATION, layer, (op) => operationMatches(op, req, layer));
}

/** Whether a rule of this action can match at ztunnel, per the mutants of that conversion. */
function ruleAtL4(action: string, rule: Rule, req: RequestAttrs, mut: ReadonlySet<MutantName>): boolean {
  if (mut.has('l4-http-rules-kept')) return ruleMatches(rule, req, 'l7');
  if (!hasHttpAttributes(rule)) return ruleMatches(rule, req, 'l4');
  if (action === 'ALLOW' || mut.has('l4-deny-mixed-dropped')) return false;
  // The mutant reads a DENY rule's HTTP-only operation as "any request" instead of an empty match.
  if (mut.has('l4-deny-http-fails-closed')) return clause(rule.from?.map((f) => f.source ?? {}), L4_SOURCE, 'l4', (s) => sourceMatches(s, req));
  return ruleMatches(rule, req, 'l4');
}

/** The mesh's trust domain and its aliases (meshConfig.trustDomain, trustDomainAliases). */
export interface TrustBundle {
  trustDomain: string;
  trustDomainAliases: string[];
}

/**
 * A principal as istiod writes it into a waypoint's configuration: one whose trust domain is the
 * mesh's, an alias or `cluster.local` ("a pointer to the local trust domain and its aliases")
 * stands for each of them; a wildcard trust domain, a malformed principal or another trust domain
 * stays as written (istio pilot/pkg/security/trustdomain/bundle.go ReplaceTrustDomainAliases).
 * ztunnel's policies get the principals as written (pilot/pkg/serviceregistry/ambient/authorization.go).
 */
export function expandPrincipal(principal: string, trust: TrustBundle): string[] {
  const parts = principal.split('/');
  const domains = [trust.trustDomain, ...trust.trustDomainAliases];
  if (parts.length !== 5 || parts[0] === '*' || !(domains.includes(parts[0]) || parts[0] === 'cluster.local')) return [principal];
  return [...new Set(domains.map((d) => [d, ...parts.slice(1)].join('/')))];
}

function withTrustDomains(p: KubeObject, trust: TrustBundle): KubeObject {
  const expand = (xs: string[] | undefined) => xs?.flatMap((x) => expandPrincipal(x, trust));
  const rules = ((p.spec?.rules ?? []) as Rule[]).map((r) => ({
    ...r, from: r.from?.map((f) => ({ source: f.source && { ...f.source, principals: expand(f.source.principals), notPrincipals: expand(f.source.notPrincipals) } })),
  }));
  return { ...p, spec: { ...p.spec, rules } };
}

/** Returns true when the request is allowed by the given policies; `trust`: the waypoint's reading of principals. */
export function evaluate(all: KubeObject[], req: RequestAttrs, layer: 'l4' | 'l7', mut: ReadonlySet<MutantName> = new Set(), trust?: TrustBundle): boolean {
  const policies = trust ? all.map((p) => withTrustDomains(p, trust)) : all;
  const matches = (p: KubeObject, action: string): boolean => ((p.spec?.rules ?? []) as Rule[]).some((r) =>
    layer === 'l7' ? ruleMatches(r, req, 'l7') : ruleAtL4(action, r, req, mut));
  const denies = policies.filter((p) => p.spec?.action === 'DENY');
  if (denies.some((p) => matches(p, 'DENY'))) return false;
  const allows = policies.filter((p) => (p.spec?.action ?? 'ALLOW') === 'ALLOW');
  return allows.length === 0 || allows.some((p) => matches(p, 'ALLOW'));
}

const L4_WHEN = new Set(['source.ip', 'source.namespace', 'source.principal', 'destination.ip', 'destination.port']);

/** The HTTP attribute names istiod reports for a rule (authorization.go httpOperations, httpSources, when keys). */
function httpAttributeNames(rule: Rule & { when?: { key: string }[] }): string[] {
  const ops = (rule.to ?? []).flatMap((t) => HTTP_OPERATION.filter((k) => nonEmpty(t.operation, [k])));
  const srcs = (rule.from ?? []).flatMap((f) => HTTP_SOURCE.filter((k) => nonEmpty(f.source, [k])));
  const when = (rule.when ?? []).map((w) => w.key).filter((k) => !L4_WHEN.has(k));
  return [...ops, ...srcs, ...when];
}

/** A DENY rule that can still fire at ztunnel: each clause it has keeps an L4 field (authorization.go hasEffectiveRules). */
function effectiveAtL4(rule: Rule): boolean {
  return clause(rule.from?.map((f) => f.source ?? {}), L4_SOURCE, 'l4', () => true) &&
    clause(rule.to?.map((t) => t.operation ?? {}), L4_OPERATION, 'l4', () => true);
}

/**
 * The ZtunnelAccepted condition istiod writes on a selector or namespace-wide policy
 * (istio pilot/pkg/model/service.go WorkloadAuthorization.GetConditions; messages from
 * pilot/pkg/serviceregistry/ambient/authorization.go as of master).
 */
export function ztunnelAcceptedCondition(p: KubeObject): { type: string; status: string; reason: string; message: string } | undefined {
  // Checked before targetRefs: a dry-run policy of either kind gets this condition.
  if (isDryRun(p)) {
    const message = `found policy "${p.metadata.namespace}/${p.metadata.name}" using dry-run annotation, but support for ambient dry-run authorizationPolicies isn't enabled`;
    return { type: 'ZtunnelAccepted', status: 'False', reason: 'UnsupportedValue', message };
  }
  if (p.spec?.targetRefs || p.spec?.targetRef) return undefined;
  const action: string = p.spec?.action ?? 'ALLOW';
  if (action !== 'ALLOW' && action !== 'DENY') {
    return { type: 'ZtunnelAccepted', status: 'False', reason: 'UnsupportedValue', message: `ztunnel does not support the ${action} action` };
  }
  const rules = (p.spec?.rules ?? []) as Rule[];
  const found = [...new Set(rules.flatMap(httpAttributeNames))].sort();
  if (found.length === 0) return { type: 'ZtunnelAccepted', status: 'True', reason: 'Accepted', message: 'attached to ztunnel' };
  const tail = action === 'ALLOW'
    ? 'Within an ALLOW policy, rules matching HTTP attributes are omitted. This will be more restrictive than requested.'
    : rules.some(effectiveAtL4)
      ? 'DENY policy with HTTP attributes is enforced without the HTTP rules. This will be more restrictive than requested.'
      : 'After omitting unsupported HTTP attributes, this DENY policy has no enforceable rules at ztunnel and will have no effect. ' +
        'Deploy a waypoint proxy and use a targetRef to enforce this policy.';
  return {
    type: 'ZtunnelAccepted', status: 'True', reason: 'UnsupportedValue',
    message: `ztunnel does not support HTTP attributes (found: ${found.join(', ')}). In ambient mode you must use a waypoint proxy to enforce HTTP rules. ${tail}`,
  };
}
