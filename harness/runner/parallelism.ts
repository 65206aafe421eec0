/**
 * How many scenarios to run at once when the user does not say: each scenario holds a few pods and
 * sends exec round trips, so the run scales with the CPUs the cluster's ready nodes can give, within
 * bounds that keep one API server responsive.
 */
import { conditionOf, type KubeObject } from '../cluster/types.ts';

export const PARALLEL_BOUNDS = { min: 2, max: 12 } as const;

/** Kubernetes CPU quantity ("4", "3500m") in cores. */
export function cores(quantity: string | undefined): number {
  if (!quantity) return 0;
  return quantity.endsWith('m') ? Number(quantity.slice(0, -1)) / 1000 : Number(quantity);
}

export function chooseParallelism(nodes: KubeObject[]): number {
  const ready = nodes.filter((n) => conditionOf(n, 'Ready')?.status === 'True' && !n.spec?.unschedulable);
  const cpus = ready.reduce((sum, n) => sum + cores(n.status?.allocatable?.cpu), 0);
  return Math.max(PARALLEL_BOUNDS.min, Math.min(PARALLEL_BOUNDS.max, Math.floor(cpus / 2)));
}
