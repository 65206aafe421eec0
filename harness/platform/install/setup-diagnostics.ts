/**
 * What a failed setup leaves to look at: the pods of the namespaces the install creates (phase and
 * the conditions that are not True) and their latest events. Bounded, and never throws: the report
 * of a failed run must be written whatever the cluster does.
 */
import type { Cluster, KubeObject } from '../../cluster/types.ts';
import { withDeadline } from './deadline.ts';

export const SETUP_NAMESPACES = ['istio-system', 'metallb-system'];

function podLine(p: KubeObject): string {
  const notTrue = ((p.status?.conditions ?? []) as { type: string; status: string; reason?: string; message?: string }[])
    .filter((c) => c.status !== 'True')
    .map((c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}${c.message ? `: ${c.message}` : ''})` : ''}`);
  return `${p.metadata.name}: ${p.status?.phase ?? 'unknown phase'}${notTrue.length ? `; ${notTrue.join('; ')}` : ''}`;
}

async function namespaceState(cluster: Cluster, ns: string): Promise<{ pods: string[]; events: string[] }> {
  const pods = await cluster.list('v1', 'Pod', { namespace: ns });
  const events = await cluster.list('v1', 'Event', { namespace: ns });
  return {
    pods: pods.map(podLine),
    events: events
      .slice(-30)
      .map(
        (e) =>
          `${String(e.reason)} ${String((e.involvedObject as { kind?: string; name?: string })?.kind)}/${String((e.involvedObject as { name?: string })?.name)}: ${String(e.message)}`,
      ),
  };
}

export async function setupDiagnostics(cluster: Cluster, timeoutMs = 60_000): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const ns of SETUP_NAMESPACES) {
    out[ns] = await withDeadline(`state of ${ns}`, timeoutMs, () => namespaceState(cluster, ns)).catch(
      (err) => `could not read: ${(err as Error).message}`,
    );
  }
  return out;
}
