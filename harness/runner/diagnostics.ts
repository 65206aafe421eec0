/** What a failed scenario leaves behind for a person to read, bounded in size. */
import type { ScenarioScope } from './scope.ts';
import type { KubeObject } from '../cluster/types.ts';

const MAX_TEXT = 16_000;
const LOG_LINES = 200;

export interface Diagnostics {
  error?: string;
  curl?: { where: string; command: string; stdout: string; stderr: string; exitCode: number }[];
  applied?: KubeObject[];
  status?: Record<string, unknown>;
  events?: string[];
  logs?: Record<string, string>;
  /** istioctl and other dumpers' output, by command. */
  dumps?: Record<string, string>;
}

/** Every kind a scenario applies whose status (or labels) says how istiod took it. */
export const STATUS_KINDS: [string, string][] = [
  ['gateway.networking.k8s.io/v1', 'Gateway'],
  ['v1', 'Service'],
  ['gateway.networking.k8s.io/v1', 'HTTPRoute'],
  ['gateway.networking.k8s.io/v1', 'GRPCRoute'],
  ['security.istio.io/v1', 'AuthorizationPolicy'],
  ['networking.istio.io/v1', 'VirtualService'],
  ['networking.istio.io/v1', 'DestinationRule'],
  ['networking.istio.io/v1', 'ServiceEntry'],
  ['networking.istio.io/v1', 'WorkloadEntry'],
];

function clip(s: string): string {
  return s.length > MAX_TEXT ? `${s.slice(0, MAX_TEXT)}\n… (${s.length - MAX_TEXT} more characters)` : s;
}

export async function collectDiagnostics(scope: ScenarioScope): Promise<Diagnostics> {
  const { cluster } = scope.env;
  const d: Diagnostics = {
    curl: scope.evidence.batches.map((b) => ({ ...b, stdout: clip(b.stdout), stderr: clip(b.stderr) })),
    applied: scope.evidence.applied,
    status: {},
    events: [],
    logs: {},
  };
  for (const ns of Object.values(scope.namespaces)) {
    for (const [apiVersion, kind] of STATUS_KINDS) {
      const items = await cluster.list(apiVersion, kind, { namespace: ns }).catch(() => []);
      for (const o of items) d.status![`${kind} ${ns}/${o.metadata.name}`] = { labels: o.metadata.labels, status: o.status };
    }
    const events = await cluster.list('v1', 'Event', { namespace: ns }).catch(() => []);
    d.events!.push(
      ...events
        .slice(-50)
        .map((e) => `${ns} ${String(e.reason)} ${String((e.involvedObject as { name?: string })?.name)}: ${String(e.message)}`),
    );
    const waypoints = await cluster
      .list('v1', 'Pod', { namespace: ns, labelSelector: 'gateway.networking.k8s.io/gateway-name' })
      .catch(() => []);
    for (const p of waypoints) {
      d.logs![`${ns}/${p.metadata.name}`] = clip(
        await cluster.logs({ namespace: ns, name: p.metadata.name }, LOG_LINES).catch((e) => String(e)),
      );
    }
  }
  // Wherever ztunnel runs: istio-system for istioctl, a namespace of its own on some platforms.
  const ztunnels = await cluster.list('v1', 'Pod', { labelSelector: 'app=ztunnel' }).catch(() => []);
  for (const p of ztunnels) {
    const ns = p.metadata.namespace!;
    d.logs![`${ns}/${p.metadata.name}`] = clip(
      await cluster.logs({ namespace: ns, name: p.metadata.name }, LOG_LINES).catch((e) => String(e)),
    );
  }
  for (const dumper of scope.env.dumpers) {
    const out = await dumper
      .dump(Object.values(scope.namespaces))
      .catch((e): Record<string, string> => ({ [dumper.name]: `failed: ${(e as Error).message}` }));
    d.dumps = { ...d.dumps, ...Object.fromEntries(Object.entries(out).map(([k, v]) => [k, clip(v)])) };
  }
  return d;
}
