/**
 * Bringing up the cluster a run uses: a kind cluster this run creates (or reuses), or the user's
 * existing one. Every undo step is registered before the step it undoes starts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { ExpectedError, InfraError, UserError } from '../../errors.ts';
import { loadKubeConfig } from '../../cluster/kubeconfig.ts';
import type { Cluster } from '../../cluster/types.ts';
import { withDeadline } from '../install/deadline.ts';
import * as kind from './kind.ts';
import { loadUserKubeconfig, writePrivateKubeconfig } from './kubeconfig.ts';
import { checkResources, dockerResources } from './preflight.ts';
import type { Teardown } from '../../undo.ts';
import { resolveKind, type Tool } from '../tools/tools.ts';
import { KIND } from '../../versions/versions.ts';

export interface ClusterAccess {
  kc: KubeConfig;
  /** One kubeconfig file for istioctl. */
  kubeconfig: string;
  context: string;
  /** kind's node logs, for a failed run's report (before the bundle is sealed by evidence.json). */
  collectLogs?: (dir: string) => Promise<void>;
}

export interface BringUpContext {
  teardown: Teardown;
  step: <T>(name: string, fn: () => Promise<T>) => Promise<T>;
  log: (line: string) => void;
}

export interface KindOptions {
  reuseCluster: boolean;
  keepCluster: boolean;
  kind?: string;
  /** --kind, already checked (checkForcedTools). */
  kindTool?: Tool;
}

export async function kindPreflight(): Promise<void> {
  checkResources(await dockerResources());
}

export async function bringUpKind(o: KindOptions, c: BringUpContext): Promise<ClusterAccess> {
  const tool: Tool = o.kindTool ?? (await c.step(o.kind ? `kind (--kind ${o.kind})` : `kind ${KIND.version}`, () => resolveKind(o.kind)));
  c.log(
    `kind: ${tool.path} (${tool.origin}${tool.version ? `, ${tool.version}` : ''}${tool.version !== KIND.version ? `; the suite pins ${KIND.version}` : ''})`,
  );
  const bin = tool.path;
  const exists = await kind.clusterExists(bin, KIND.clusterName, c.teardown.signal);
  if (exists && !o.reuseCluster) {
    throw new UserError(
      `a kind cluster named "${KIND.clusterName}" already exists and this run did not create it`,
      `pass --reuse-cluster to use it, or delete it with \`kind delete cluster --name ${KIND.clusterName}\``,
    );
  }
  if (!exists) {
    if (!o.keepCluster) c.teardown.add(`delete kind cluster ${KIND.clusterName}`, () => kind.deleteCluster(bin, KIND.clusterName));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wpt-kind-'));
    c.teardown.add('remove the kind config', async () => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(path.join(dir, 'kind.yaml'), kind.kindConfig());
    await c.step(`kind cluster ${KIND.clusterName} (${KIND.nodeImage})`, () =>
      kind.createCluster(bin, KIND.clusterName, path.join(dir, 'kind.yaml'), c.teardown.signal),
    );
  }
  const kubeconfig = writePrivateKubeconfig(await kind.kubeconfigFor(bin, KIND.clusterName, c.teardown.signal), c.teardown);
  const context = `kind-${KIND.clusterName}`;
  return {
    kc: kindKubeconfig(kubeconfig, context, bin),
    kubeconfig,
    context,
    collectLogs: (dir) => kind.exportLogs(bin, KIND.clusterName, dir),
  };
}

/** What `kind get kubeconfig` printed, loaded; anything else than a kubeconfig with kind's context says which kind printed it. */
function kindKubeconfig(file: string, context: string, bin: string): KubeConfig {
  try {
    return loadKubeConfig(file, context);
  } catch (err) {
    throw new InfraError(
      `\`${bin} get kubeconfig --name ${KIND.clusterName}\` printed no kubeconfig with context ${context}: ${(err as Error).message.split('\n')[0]}`,
      `check that ${bin} is kind ${KIND.version} (\`${bin} version\`), or drop --kind to use the pinned one`,
      { cause: err },
    );
  }
}

export function useExisting(o: { kubeconfig?: string; context?: string }, teardown: Teardown): ClusterAccess {
  const { kc, file } = loadUserKubeconfig(o.kubeconfig, o.context, teardown);
  return { kc, kubeconfig: file, context: kc.getCurrentContext() };
}

/**
 * The cluster's first answer, bounded: a server that accepts connections and never answers is an
 * infrastructure error; one that answers names what it said (cluster/api-errors.ts: credentials,
 * permissions, TLS, a server error), each with its fix.
 */
export async function checkReachable(cluster: Cluster, server: string, timeoutMs: number): Promise<string> {
  const fix = `check that ${server} is up and reachable from here: \`kubectl --context ${contextOf(cluster)} get --raw /version\`; raise --connect-timeout if it is only slow`;
  try {
    return await withDeadline(
      `the cluster (${cluster.description}, ${server}) answering /version`,
      timeoutMs,
      () => cluster.serverVersion(),
      fix,
    );
  } catch (err) {
    if (err instanceof ExpectedError) throw err;
    throw new InfraError(`the cluster (${cluster.description}, ${server}) does not answer: ${(err as Error).message}`, fix, { cause: err });
  }
}

function contextOf(cluster: Cluster): string {
  return cluster.description.replace(/^context /, '');
}
