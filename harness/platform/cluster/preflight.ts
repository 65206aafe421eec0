/** Checks made before any download or change. Each failure says what is wrong and how to fix it. */
import { execa } from 'execa';
import { UserError } from '../../errors.ts';

export const MIN_CPUS = 4;
export const MIN_MEMORY_BYTES = 8 * 1024 ** 3;

export async function dockerResources(): Promise<{ cpus: number; memory: number }> {
  const r = await execa('docker', ['info', '--format', '{{.NCPU}} {{.MemTotal}}'], { reject: false, timeout: 20_000 });
  if (r.failed || r.exitCode !== 0) {
    const why = (r.stderr || r.message || '').split('\n').find((l) => l.trim()) ?? 'no answer';
    throw new UserError(
      `Docker is not reachable: ${why.trim()}`,
      'start the Docker daemon (or Docker Desktop) and check with `docker info`; or use --cluster existing --context <name>',
    );
  }
  const [cpus, memory] = r.stdout.trim().split(/\s+/).map(Number);
  return { cpus, memory };
}

export function checkResources(res: { cpus: number; memory: number }): void {
  if (res.cpus < MIN_CPUS || res.memory < MIN_MEMORY_BYTES) {
    throw new UserError(
      `Docker has ${res.cpus} CPUs and ${(res.memory / 1024 ** 3).toFixed(1)} GiB of memory; a kind cluster with Istio ambient needs ${MIN_CPUS} CPUs and 8 GiB`,
      'give Docker more CPUs and memory (Docker Desktop: Settings > Resources), or use --cluster existing',
    );
  }
}
