/**
 * The least-privilege runner of README "Running on your own cluster", made for real: what
 * `npm run e2e -- --print-rbac` prints is applied with the admin kubeconfig, the ServiceAccount gets
 * a token (TokenRequest, as `kubectl create token` asks for it), and a kubeconfig holding only that
 * token is written. The API server (RBAC authorizer) then says what it may do.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as k8s from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { KubeCluster } from '../../harness/cluster/kube.ts';
import type { KubeObject } from '../../harness/cluster/types.ts';
import { parseManifests } from '../../harness/manifests/manifests.ts';
import { RUNNER } from '../../harness/platform/rbac.ts';

/** Applies the printed manifest; returns its objects (to delete afterwards). */
export async function applyRbac(cluster: KubeCluster, printed: string): Promise<KubeObject[]> {
  const objs = parseManifests(printed, 'npm run e2e -- --print-rbac');
  const kinds = objs.map((o) => o.kind).sort();
  if (JSON.stringify(kinds) !== JSON.stringify(['ClusterRole', 'ClusterRoleBinding', 'Namespace', 'ServiceAccount'])) {
    throw new Error(
      `--print-rbac printed ${kinds.join(', ')}; expected a Namespace, a ServiceAccount, a ClusterRole and a ClusterRoleBinding`,
    );
  }
  for (const o of objs) await cluster.apply(o);
  return objs;
}

/** A kubeconfig for the runner's ServiceAccount: the admin kubeconfig's server and CA, the account's token, nothing else. */
export async function writeRunnerKubeconfig(admin: k8s.KubeConfig, file: string, expirationSeconds = 3 * 3600): Promise<void> {
  const core = admin.makeApiClient(k8s.CoreV1Api);
  const answer = await core.createNamespacedServiceAccountToken({
    name: RUNNER.name,
    namespace: RUNNER.namespace,
    body: { spec: { audiences: [], expirationSeconds } },
  });
  const token = answer.status?.token;
  if (!token) throw new Error(`the API server issued no token for ${RUNNER.namespace}/${RUNNER.name}`);
  const server = admin.getCurrentCluster();
  if (!server) throw new Error('the admin kubeconfig names no cluster');
  const ca = server.caData ?? (server.caFile ? readFileSync(server.caFile).toString('base64') : undefined);
  const name = 'wpt-runner';
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      'current-context': name,
      clusters: [{ name, cluster: { server: server.server, ...(ca ? { 'certificate-authority-data': ca } : {}) } }],
      users: [{ name, user: { token } }],
      contexts: [{ name, context: { cluster: name, user: name } }],
    }),
    { mode: 0o600 },
  );
}

export interface Access {
  verb: string;
  group?: string;
  resource: string;
  subresource?: string;
  namespace?: string;
}

export const describeAccess = (a: Access) =>
  `${a.verb} ${a.group ? `${a.group}/` : ''}${a.resource}${a.subresource ? `/${a.subresource}` : ''}${a.namespace ? ` in ${a.namespace}` : ' (all namespaces)'}`;

/** The API server's answer for whoever the kubeconfig authenticates as (SelfSubjectAccessReview). */
export async function mayDo(kc: k8s.KubeConfig, a: Access): Promise<boolean> {
  const review = await kc.makeApiClient(k8s.AuthorizationV1Api).createSelfSubjectAccessReview({
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { ...a } } },
  });
  return review.status?.allowed === true;
}

/** What a run does, which the role must allow (a sample of harness/platform/rbac.ts's table). */
export const MUST_ALLOW: Access[] = [
  { verb: 'create', resource: 'namespaces' },
  { verb: 'create', group: 'gateway.networking.k8s.io', resource: 'gateways', namespace: 'wpt-any' },
  { verb: 'create', resource: 'pods', subresource: 'exec', namespace: 'wpt-any' },
  { verb: 'list', group: 'gateway.networking.k8s.io', resource: 'gatewayclasses' },
];

/** What cluster-admin could do and the runner must not: read Secrets, grant itself more, change the CRDs or Istio's webhooks. */
export const MUST_DENY: Access[] = [
  { verb: '*', group: '*', resource: '*' },
  { verb: 'list', resource: 'secrets' },
  { verb: 'get', resource: 'secrets', namespace: 'kube-system' },
  { verb: 'create', group: 'rbac.authorization.k8s.io', resource: 'clusterrolebindings' },
  { verb: 'delete', group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions' },
  { verb: 'patch', group: 'admissionregistration.k8s.io', resource: 'validatingwebhookconfigurations' },
];
