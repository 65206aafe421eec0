/**
 * AuthorizationPolicy evaluation as the model's ztunnel and waypoints apply it.
 * - Waypoints apply policies whose targetRefs name the waypoint Gateway or the destination
 *   Service; never selector policies (istio.io docs ambient/usage/waypoint, "Attach L7 policies").
 * - ztunnel applies selector and namespace-wide policies at L4 only; in an ALLOW policy, rules with
 *   HTTP attributes are omitted, so such a policy can match nothing; a DENY rule made only of HTTP
 *   attributes has no effect (istio pilot/pkg/serviceregistry/ambient/authorization.go).
 * - Order: any matching DENY denies; if ALLOW policies apply, one must match
 *   (istio.io docs concepts/security, authorization policy precedence).
 */
import type { KubeObject } from '../../harness/cluster/types.ts';

export interface RequestAttrs {
  principal: string; // cluster.local/ns/<ns>/sa/<sa>, '' for no identity
  method: string;
  path: string;
}

interface Rule {
  from?: { source?: { principals?: string[]; namespaces?: string[] } }[];
  to?: { operation?: { methods?: string[]; paths?: string[]; hosts?: string[]; ports?: string[] } }[];
}

function glob(pattern: string, value: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('*')) return value.startsWith(pattern.slice(0, -1));
  if (pattern.startsWith('*')) return value.endsWith(pattern.slice(1));
  return pattern === value;
}

function hasHttpAttributes(rule: Rule): boolean {
  return (rule.to ?? []).some((t) => t.operation?.methods || t.operation?.paths || t.operation?.hosts);
}

function matchesFrom(rule: Rule, req: RequestAttrs): boolean {
  if (!rule.from || rule.from.length === 0) return true;
  return rule.from.some((f) => {
    const s = f.source ?? {};
    if (s.principals && !s.principals.some((p) => glob(p, req.principal))) return false;
    if (s.namespaces) {
      const ns = /\/ns\/([^/]+)\//.exec(req.principal)?.[1] ?? '';
      if (!s.namespaces.some((n) => glob(n, ns))) return false;
    }
    return true;
  });
}

function matchesTo(rule: Rule, req: RequestAttrs): boolean {
  if (!rule.to || rule.to.length === 0) return true;
  return rule.to.some((t) => {
    const op = t.operation ?? {};
    if (op.methods && !op.methods.some((m) => glob(m, req.method))) return false;
    if (op.paths && !op.paths.some((p) => glob(p, req.path))) return false;
    return true;
  });
}

function ruleMatches(rule: Rule, req: RequestAttrs): boolean {
  return matchesFrom(rule, req) && matchesTo(rule, req);
}

/** Returns true when the request is allowed by the given policies. */
export function evaluate(policies: KubeObject[], req: RequestAttrs, layer: 'l4' | 'l7', keepHttpRulesAtL4 = false): boolean {
  const usable = (p: KubeObject): Rule[] => {
    const rules: Rule[] = p.spec?.rules ?? [];
    if (layer === 'l7' || keepHttpRulesAtL4) return rules;
    return rules.filter((r) => !hasHttpAttributes(r));
  };
  const denies = policies.filter((p) => p.spec?.action === 'DENY');
  for (const p of denies) if (usable(p).some((r) => ruleMatches(r, req))) return false;
  const allows = policies.filter((p) => (p.spec?.action ?? 'ALLOW') === 'ALLOW');
  if (allows.length === 0) return true;
  return allows.some((p) => usable(p).some((r) => ruleMatches(r, req)));
}
