/** The container images objects run: what a run records of the workloads it applied, for the report. */
import type { KubeObject } from '../cluster/types.ts';

interface PodSpec {
  initContainers?: { image?: string }[];
  containers?: { image?: string }[];
}

/** The images of a Pod, or of the pod template of a workload (Deployment, Job, …); none for other kinds. */
export function podImages(o: KubeObject): string[] {
  const spec = (o.kind === 'Pod' ? o.spec : o.spec?.template?.spec) as PodSpec | undefined;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].flatMap((c) => (c.image ? [c.image] : []));
}
