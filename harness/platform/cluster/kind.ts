/**
 * kind, driven through its CLI with execa: one control plane and two workers, as Istio's CI
 * (istio common/scripts/kind_provisioner.sh: --wait, a bounded retry). Every call has a deadline
 * and stops when the run is interrupted (cancelSignal).
 */
import { execa } from 'execa';
import { stringify } from 'yaml';
import { KIND } from '../../versions/versions.ts';

export function kindConfig(): string {
  return stringify({
    kind: 'Cluster',
    apiVersion: 'kind.x-k8s.io/v1alpha4',
    nodes: [{ role: 'control-plane' }, { role: 'worker' }, { role: 'worker' }],
  });
}

export function createArgs(name: string, configPath: string): string[] {
  return ['create', 'cluster', '--name', name, '--image', KIND.nodeImage, '--config', configPath, '--wait', '180s'];
}

/** Image pull and node start included: far above what kind takes on a slow machine. */
const CREATE_TIMEOUT_MS = 15 * 60_000;
const SHORT_TIMEOUT_MS = 2 * 60_000;

export async function clusterExists(kind: string, name: string, signal?: AbortSignal): Promise<boolean> {
  const { stdout } = await execa(kind, ['get', 'clusters'], { timeout: SHORT_TIMEOUT_MS, cancelSignal: signal });
  return stdout
    .split('\n')
    .map((l) => l.trim())
    .includes(name);
}

export async function createCluster(kind: string, name: string, configPath: string, signal?: AbortSignal, attempts = 3): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await execa(kind, createArgs(name, configPath), { timeout: CREATE_TIMEOUT_MS, cancelSignal: signal });
      return;
    } catch (err) {
      if (signal?.aborted) throw err; // teardown deletes the cluster
      await execa(kind, ['delete', 'cluster', '--name', name], { reject: false, timeout: SHORT_TIMEOUT_MS });
      if (i >= attempts) throw new Error(`kind could not create cluster ${name} after ${attempts} attempts: ${(err as Error).message}`);
    }
  }
}

export async function deleteCluster(kind: string, name: string): Promise<void> {
  await execa(kind, ['delete', 'cluster', '--name', name], { timeout: SHORT_TIMEOUT_MS });
}

export async function exportLogs(kind: string, name: string, dir: string): Promise<void> {
  await execa(kind, ['export', 'logs', '--name', name, dir], { reject: false, timeout: SHORT_TIMEOUT_MS });
}

export async function kubeconfigFor(kind: string, name: string, signal?: AbortSignal): Promise<string> {
  return (await execa(kind, ['get', 'kubeconfig', '--name', name], { timeout: SHORT_TIMEOUT_MS, cancelSignal: signal })).stdout;
}
