/**
 * kind, driven through its CLI with execa: one control plane and two workers, as Istio's CI
 * (istio common/scripts/kind_provisioner.sh: --wait, a bounded retry).
 */
import { execa } from 'execa';
import { stringify } from 'yaml';
import { KIND } from './versions.ts';

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

export async function clusterExists(kind: string, name: string): Promise<boolean> {
  const { stdout } = await execa(kind, ['get', 'clusters']);
  return stdout.split('\n').map((l) => l.trim()).includes(name);
}

export async function createCluster(kind: string, name: string, configPath: string, attempts = 3): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await execa(kind, createArgs(name, configPath));
      return;
    } catch (err) {
      await execa(kind, ['delete', 'cluster', '--name', name], { reject: false });
      if (i >= attempts) throw new Error(`kind could not create cluster ${name} after ${attempts} attempts: ${(err as Error).message}`);
    }
  }
}

export async function deleteCluster(kind: string, name: string): Promise<void> {
  await execa(kind, ['delete', 'cluster', '--name', name]);
}

export async function exportLogs(kind: string, name: string, dir: string): Promise<void> {
  await execa(kind, ['export', 'logs', '--name', name, dir], { reject: false });
}

export async function kubeconfigFor(kind: string, name: string): Promise<string> {
  return (await execa(kind, ['get', 'kubeconfig', '--name', name])).stdout;
}
