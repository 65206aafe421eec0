/**
 * What the cluster said, named: a request the API server refused or failed becomes a typed error
 * with its own message and fix, so a 401 is never reported as "does not answer". Only what the suite
 * needs of the answer is kept (the status code, the Status reason and message, escaped and cut);
 * response headers and any other body are dropped, so a hostile server's bytes reach neither the
 * terminal nor the report.
 */
import { InfraError, UserError, ExpectedError } from '../errors.ts';
import { safeLine } from '../text.ts';

/** Where the request went: the kubeconfig context and its server. */
export interface ClusterWhere {
  context: string;
  server: string;
}

/** The parts of a Kubernetes Status the suite uses (apimachinery pkg/apis/meta/v1 Status). */
export interface ApiStatus {
  code: number;
  reason?: string;
  message?: string;
}

/** A refused or failed API request; body keeps the Status for checks that read why (checks/rejected.ts). */
export class ClusterApiError extends InfraError {
  readonly code: number;
  readonly body: ApiStatus;
  constructor(message: string, fix: string, status: ApiStatus, options?: ErrorOptions) {
    super(message, fix, options);
    this.code = status.code;
    this.body = status;
  }
}

/** 401 and 403: the fix is in the kubeconfig or the cluster's RBAC, so a configuration error (exit 2). */
export class ClusterAccessError extends UserError {
  readonly code: number;
  readonly body: ApiStatus;
  constructor(message: string, fix: string, status: ApiStatus, options?: ErrorOptions) {
    super(message, fix, options);
    this.code = status.code;
    this.body = status;
  }
}

/** The Status message as kept (checks match it), and as shown in a message. */
const MAX_MESSAGE = 2000;
const SHOWN_MESSAGE = 300;

/** client-node's ApiException: a numeric code and the body as the server sent it (text). */
export function apiStatusOf(err: unknown): ApiStatus | undefined {
  const e = err as { code?: unknown; body?: unknown };
  if (typeof e?.code !== 'number' || e.code < 100 || e.code > 599) return undefined;
  let body = e.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      body = undefined; // not a Kubernetes Status: nothing of it is kept
    }
  }
  const s = body as { kind?: unknown; reason?: unknown; message?: unknown } | undefined;
  const isStatus = s?.kind === 'Status';
  return {
    code: e.code,
    ...(isStatus && typeof s.reason === 'string' ? { reason: safeLine(s.reason, 60) } : {}),
    ...(isStatus && typeof s.message === 'string' ? { message: safeLine(s.message, MAX_MESSAGE) } : {}),
  };
}

function said(s: ApiStatus): string {
  return `${s.code}${s.reason ? ` ${s.reason}` : ''}${s.message ? `: ${safeLine(s.message, SHOWN_MESSAGE)}` : ' (no Kubernetes Status in the answer)'}`;
}

/**
 * The `kubectl auth can-i` that tells whether the user may do what was forbidden, from the API
 * server's message (k8s.io/apiserver pkg/endpoints/handlers/responsewriters/errors.go forbiddenMessage).
 */
export function canI(message: string | undefined, context: string): string {
  const resource = /cannot (\S+) resource "([^"/]+)(?:\/([^"]+))?" in API group "([^"]*)"(?: in the namespace "([^"]+)")?/.exec(
    message ?? '',
  );
  if (resource) {
    const [, verb, res, sub, group, ns] = resource;
    return `kubectl auth can-i ${verb} ${group ? `${res}.${group}` : res}${sub ? ` --subresource=${sub}` : ''}${ns ? ` -n ${ns}` : ''} --context ${context}`;
  }
  const nonResource = /cannot (\S+) path "([^"]+)"/.exec(message ?? '');
  if (nonResource) return `kubectl auth can-i ${nonResource[1]} ${nonResource[2]} --context ${context}`;
  return `kubectl auth can-i --list --context ${context}`;
}

function fromStatus(s: ApiStatus, w: ClusterWhere, cause: unknown): ExpectedError {
  const who = `the cluster (context ${w.context}, ${w.server})`;
  if (s.code === 401) {
    return new ClusterAccessError(
      `${who} does not accept the credentials of context ${w.context}: ${said(s)}`,
      `the kubeconfig's user for context ${w.context} has no valid credentials (an expired token or certificate, or one of another cluster): renew them; \`kubectl --context ${w.context} get --raw /version\` must work`,
      s,
      { cause },
    );
  }
  if (s.code === 403) {
    return new ClusterAccessError(
      `${who} forbids what the suite asked: ${said(s)}`,
      `give the user of context ${w.context} that permission (the suite needs cluster-admin to install and run), or use a context that has it; \`${canI(s.message, w.context)}\` says whether it has it`,
      s,
      { cause },
    );
  }
  if (s.code >= 500) {
    return new ClusterApiError(
      `the API server of ${who} failed the request: ${said(s)}`,
      `the API server or what stands behind it (etcd, a webhook, an aggregated API) is broken: \`kubectl --context ${w.context} get --raw '/readyz?verbose'\` says which part; run again once it is healthy`,
      s,
      { cause },
    );
  }
  if (s.code === 429) {
    return new ClusterApiError(
      `${who} is throttling requests: ${said(s)}`,
      'the API server is overloaded (API priority and fairness): run again with a lower --parallel, or when the cluster is less busy',
      s,
      { cause },
    );
  }
  return new ClusterApiError(
    `${who} refused the request: ${said(s)}`,
    'the message says why; if it names a manifest of the suite, report it as a bug in the suite',
    s,
    { cause },
  );
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);
const TLS = /^(EPROTO|ERR_SSL_|ERR_TLS_|ERR_OSSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH)/;

/** OpenSSL's reason ("wrong version number") or Node's TLS message, without library paths and addresses. */
function tlsReason(message: string): string {
  const openssl = /SSL routines:[^:]*:([^:]+)/.exec(message);
  if (openssl) return openssl[1];
  return safeLine(message.replace(/^request to \S+ failed, reason: /, ''), 200);
}

/** A failure of the connection itself (node-fetch's FetchError, or an aborted request). */
function fromConnection(err: unknown, w: ClusterWhere, timeoutMs: number | undefined): ExpectedError | undefined {
  const e = err as { name?: string; code?: unknown; errno?: unknown; type?: string; message?: string };
  const who = `the cluster (context ${w.context}, ${w.server})`;
  if (e?.name === 'AbortError' || e?.type === 'aborted') {
    return new InfraError(
      `${who} did not answer a request${timeoutMs ? ` within ${Math.round(timeoutMs / 1000)}s` : ''}`,
      `the API server is overloaded or hung: check \`kubectl --context ${w.context} get --raw '/readyz?verbose'\`, then run again`,
      { cause: err },
    );
  }
  const code = String(e?.code ?? e?.errno ?? '');
  // client-node refuses plain HTTP itself, before any request (kubernetes-client/javascript src/config.ts createAgent).
  if (/HTTP protocol is not allowed when skipTLSVerify/.test(e?.message ?? '')) {
    return new UserError(
      `context ${w.context} names the server ${w.server}, plain HTTP, which the Kubernetes client refuses unless the cluster entry sets insecure-skip-tls-verify: true`,
      'use the https:// address of the API server, or set insecure-skip-tls-verify: true for a throwaway local cluster',
      { cause: err },
    );
  }
  if (TLS.test(code) || /SSL routines|certificate|TLS handshake/i.test(e?.message ?? '')) {
    return new InfraError(
      `TLS with ${who} failed: ${tlsReason(e?.message ?? code)}`,
      `the server does not speak TLS as context ${w.context} expects: check its server URL (https, host, port) and certificate-authority-data; \`kubectl --context ${w.context} get --raw /version\` shows the same error`,
      { cause: err },
    );
  }
  if (UNREACHABLE.has(code) || /socket hang up/.test(e?.message ?? '')) {
    return new InfraError(
      `${who} does not answer: ${code || 'socket hang up'}`,
      `check that ${w.server} is up and reachable from here: \`kubectl --context ${w.context} get --raw /version\``,
      { cause: err },
    );
  }
  return undefined;
}

/** The typed error for anything a request to the cluster threw; errors of the suite's own pass through. */
export function clusterError(err: unknown, w: ClusterWhere, timeoutMs?: number): unknown {
  if (err instanceof ExpectedError) return err;
  const status = apiStatusOf(err);
  if (status) return fromStatus(status, w, err);
  return fromConnection(err, w, timeoutMs) ?? err;
}
