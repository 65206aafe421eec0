/**
 * Points Istio's admission webhooks at istiod running as a local process. istiod's serving
 * certificate names istiod[-<revision>].<namespace>.svc (istio pilot/pkg/bootstrap/server.go
 * getDNSNames) and istiod patches each caBundle itself, so the webhooks call
 * https://istiod[-<revision>].<namespace>.svc:15017<path> (15017 is the port the istiod Service's 443
 * targets; istio manifests/charts/istio-control/istio-discovery/templates/service.yaml), and that
 * name resolves to this machine (hosts.ts). Validation then fails closed as in a cluster.
 */
import type { KubeObject } from '../../harness/cluster/types.ts';

export const ISTIOD_WEBHOOK_PORT = 15017;

interface ServiceRef {
  name: string;
  namespace: string;
  path?: string;
  port?: number;
}

interface Webhook {
  name: string;
  clientConfig: { service?: ServiceRef; url?: string; caBundle?: string };
}

export function isIstiodService(s: ServiceRef | undefined, istioNamespace = 'istio-system'): s is ServiceRef {
  return !!s && s.namespace === istioNamespace && /^istiod(-.+)?$/.test(s.name);
}

export function webhookUrl(s: ServiceRef): string {
  return `https://${s.name}.${s.namespace}.svc:${ISTIOD_WEBHOOK_PORT}${s.path ?? '/'}`;
}

/** The configuration with every istiod service reference replaced by a URL; undefined if none. */
export function rewriteWebhooks(config: KubeObject, istioNamespace = 'istio-system'): KubeObject | undefined {
  const webhooks = (config.webhooks ?? []) as Webhook[];
  if (!webhooks.some((w) => isIstiodService(w.clientConfig.service, istioNamespace))) return undefined;
  return {
    ...config,
    webhooks: webhooks.map((w) => {
      const svc = w.clientConfig.service;
      if (!isIstiodService(svc, istioNamespace)) return w;
      const { caBundle } = w.clientConfig;
      return { ...w, clientConfig: { url: webhookUrl(svc), ...(caBundle ? { caBundle } : {}) } };
    }),
  };
}

/** Host names the webhooks now call, for the hosts file. */
export function webhookHosts(configs: KubeObject[]): string[] {
  const hosts = configs.flatMap((c) =>
    ((c.webhooks ?? []) as Webhook[])
      .map((w) => w.clientConfig.url)
      .filter((u): u is string => !!u)
      .map((u) => new URL(u).hostname),
  );
  return [...new Set(hosts)].filter((h) => h.endsWith('.svc'));
}
