/** Reads a waypoint's own Prometheus counters (pilot-agent inside the distroless proxy image). */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import type { Cluster } from '../cluster/types.ts';
import type { WaypointSignals } from '../traffic/verdict.ts';

// istio.io docs ambient/usage/egress-gateway reads Envoy waypoint stats with pilot-agent; the ambient
// profile's images have no shell or curl. The reader comes from the implementation's signals.

interface Family {
  name: string;
  type: string;
  metrics: { value?: string; labels?: Record<string, string> }[];
}

/** Sum of a counter's series whose labels include `labels`, from Prometheus exposition text. */
export function sumCounter(text: string, metric: string, labels: Record<string, string>): number {
  const families = parsePrometheusTextFormat(text) as Family[];
  const family = families.find((f) => f.name === metric);
  if (!family) return 0;
  return family.metrics
    .filter((m) => Object.entries(labels).every(([k, v]) => m.labels?.[k] === v))
    .reduce((s, m) => s + Number(m.value ?? 0), 0);
}

export async function readCounter(
  cluster: Cluster,
  reader: NonNullable<WaypointSignals['metrics']>,
  namespace: string,
  waypoint: string,
  metric: string,
  labels: Record<string, string>,
): Promise<number> {
  const pods = await cluster.list('v1', 'Pod', { namespace, labelSelector: `gateway.networking.k8s.io/gateway-name=${waypoint}` });
  if (pods.length === 0) throw new Error(`no pods for waypoint ${namespace}/${waypoint}`);
  let total = 0;
  for (const p of pods) {
    const res = await cluster.exec({ namespace, name: p.metadata.name, container: reader.container }, reader.command, 30_000);
    if (res.exitCode !== 0)
      throw new Error(`reading stats from ${p.metadata.name} failed (exit ${res.exitCode}): ${res.stderr.slice(0, 200)}`);
    total += sumCounter(res.stdout, metric, labels);
  }
  return total;
}
