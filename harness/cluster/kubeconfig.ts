/** A kubeconfig loaded and its context selected, with one keep-alive connection per context and a deadline on every request. */
import http from 'node:http';
import https from 'node:https';
import * as k8s from '@kubernetes/client-node';

/** A request's answer takes milliseconds; a minute without one means the API server is hung. */
export const REQUEST_TIMEOUT_MS = 60_000;

export class KubeContextError extends Error {}

type ApiRequest = Parameters<k8s.KubeConfig['applySecurityAuthentication']>[0];
type FetchInit = Awaited<ReturnType<k8s.KubeConfig['applyToFetchOptions']>>;

/**
 * client-node 1.x gives every API call a new Agent, so every request opened a new TLS connection
 * and paid a handshake with client-certificate verification on both ends; measured on the real
 * control plane, that was a fifth of the suite's own CPU and a share of the API server's. This
 * config hands every call of a context one keep-alive Agent, built from the options of the first.
 */
export class KeepAliveKubeConfig extends k8s.KubeConfig {
  private readonly agents = new Map<string, http.Agent>();

  /** Every API call's deadline: a request never waits longer for an answer (watches and exec have their own). */
  requestTimeoutMs = REQUEST_TIMEOUT_MS;

  override async applySecurityAuthentication(request: ApiRequest): Promise<void> {
    await super.applySecurityAuthentication(request);
    const fresh = request.getAgent();
    if (fresh) request.setAgent(this.shared(fresh));
    if (!request.getSignal()) request.setSignal(AbortSignal.timeout(this.requestTimeoutMs));
  }

  /** Watches take this path. */
  override async applyToFetchOptions(opts: https.RequestOptions): Promise<FetchInit> {
    const init = await super.applyToFetchOptions(opts);
    return init.agent instanceof http.Agent ? { ...init, agent: this.shared(init.agent) } : init;
  }

  private shared(fresh: http.Agent): http.Agent {
    let agent = this.agents.get(this.currentContext);
    if (!agent) {
      const options = { ...(fresh as http.Agent & { options: http.AgentOptions }).options, keepAlive: true };
      agent = fresh instanceof https.Agent ? new https.Agent(options) : new http.Agent(options);
      this.agents.set(this.currentContext, agent);
    }
    return agent;
  }

  /** Closes the idle connections (they would keep the process alive otherwise). */
  destroyAgents(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}

/** Loads a kubeconfig and selects a context, failing with the list of contexts it has. */
export function loadKubeConfig(file: string | undefined, context: string | undefined): KeepAliveKubeConfig {
  const kc = new KeepAliveKubeConfig();
  if (file) kc.loadFromFile(file);
  else kc.loadFromDefault();
  if (context) {
    const names = kc.getContexts().map((c) => c.name);
    if (!names.includes(context)) {
      throw new KubeContextError(
        `the kubeconfig${file ? ` ${file}` : ''} has no context named "${context}" (it has: ${names.join(', ') || 'none'}). ` +
          'Pass --context with one of those, or --kubeconfig with the file that has it.',
      );
    }
    kc.setCurrentContext(context);
  }
  return kc;
}
