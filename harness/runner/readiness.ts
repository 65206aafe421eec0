/** Waits for what must be true before traffic is sent: workloads available, waypoints Programmed. */
import { conditionOf, type Cluster, type KubeObject } from '../cluster/types.ts';
import { waitFor, type Timing } from '../wait.ts';
import { changesOf } from '../cluster/watch.ts';

export async function waitDeploymentsAvailable(cluster: Cluster, namespace: string, timing: Timing): Promise<void> {
  let pending: string[] = [];
  await waitFor(`Deployments in ${namespace} available`, async () => {
    const deps = await cluster.list('apps/v1', 'Deployment', { namespace });
    pending = deps.filter((d) => !isAvailable(d)).map((d) => d.metadata.name);
    return pending.length === 0 ? true : undefined;
  }, timing, () => `not available: ${pending.join(', ')}`, timing.readyTimeoutMs, changesOf(cluster, 'apps/v1', 'Deployment', namespace));
}

function isAvailable(d: KubeObject): boolean {
  const want = d.spec?.replicas ?? 1;
  return (d.status?.availableReplicas ?? 0) >= want && conditionOf(d, 'Available')?.status === 'True';
}

/** Gateways of the waypoint class in the namespace report Programmed=True (istio.io docs wait on it). */
export async function waitWaypointsProgrammed(cluster: Cluster, namespace: string, gatewayClass: string, timing: Timing): Promise<void> {
  let pending: string[] = [];
  await waitFor(`waypoints in ${namespace} Programmed`, async () => {
    const gws = await cluster.list('gateway.networking.k8s.io/v1', 'Gateway', { namespace });
    pending = gws
      .filter((g) => g.spec?.gatewayClassName === gatewayClass && conditionOf(g, 'Programmed')?.status !== 'True')
      .map((g) => `${g.metadata.name} (${JSON.stringify(conditionOf(g, 'Programmed') ?? 'no Programmed condition')})`);
    return pending.length === 0 ? true : undefined;
  }, timing, () => `not Programmed: ${pending.join(', ')}`, timing.readyTimeoutMs, changesOf(cluster, 'gateway.networking.k8s.io/v1', 'Gateway', namespace));
}

/** Ambient enrollment as istio-cni reports it on each pod (istio.io docs ambient/usage/add-workloads). */
export async function waitPodsEnrolled(cluster: Cluster, namespace: string, labelSelector: string, timing: Timing): Promise<void> {
  let pending: string[] = [];
  await waitFor(`pods ${labelSelector} in ${namespace} enrolled in ambient`, async () => {
    const pods = await cluster.list('v1', 'Pod', { namespace, labelSelector });
    pending = pods.filter((p) => p.metadata.annotations?.['ambient.istio.io/redirection'] !== 'enabled').map((p) => p.metadata.name);
    return pods.length > 0 && pending.length === 0 ? true : undefined;
  }, timing, () => `without ambient.istio.io/redirection=enabled: ${pending.join(', ') || 'no pods yet'}`, timing.readyTimeoutMs, changesOf(cluster, 'v1', 'Pod', namespace));
}

/** The waypoint a Service's labels (or else its namespace's) ask for, as "<ns>/<name>"; undefined when none. */
export function requestedWaypoint(svc: KubeObject, namespace: KubeObject | undefined): string | undefined {
  const labels = svc.metadata.labels ?? {};
  // Gateway Services (waypoints, ingress) are never bound to a waypoint themselves.
  if (labels['gateway.istio.io/managed'] || labels['gateway.networking.k8s.io/gateway-name']) return undefined;
  const from = labels['istio.io/use-waypoint'] !== undefined ? labels : (namespace?.metadata.labels ?? {});
  const name = from['istio.io/use-waypoint'];
  if (!name || name === 'none') return undefined;
  return `${from['istio.io/use-waypoint-namespace'] ?? svc.metadata.namespace}/${name}`;
}

/**
 * Services that ask for a waypoint carry istio.io/WaypointBound naming that waypoint, whether
 * bound (True) or refused (False: not ready, attachment denied, wrong traffic type). Waiting for
 * it means istiod has processed the latest labels (istio pilot/pkg/serviceregistry/ambient/status.go;
 * written by default, AMBIENT_ENABLE_STATUS in pilot/pkg/features/ambient.go).
 */
export async function waitWaypointBoundReported(cluster: Cluster, namespace: string, timing: Timing): Promise<void> {
  let pending: string[] = [];
  await waitFor(`Services in ${namespace} report istio.io/WaypointBound`, async () => {
    const ns = await cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
    const services = await cluster.list('v1', 'Service', { namespace });
    pending = [];
    for (const svc of services) {
      const want = requestedWaypoint(svc, ns);
      if (!want) continue;
      const cond = conditionOf(svc, 'istio.io/WaypointBound');
      if (!namesWaypoint(cond?.message, want)) pending.push(`${svc.metadata.name} (wants ${want}; ${cond ? `says "${cond.message}"` : 'no condition'})`);
    }
    return pending.length === 0 ? true : undefined;
  }, timing, () => `not reported: ${pending.join(', ')} (an istiod with AMBIENT_ENABLE_STATUS=false writes none: ` +
    'leave WaypointBoundStatus out of --features)', timing.readyTimeoutMs, changesOf(cluster, 'v1', 'Service', namespace));
}

/** "ns/waypoint" appears in the message as a whole name (not as the start of "ns/waypoint-2"). */
function namesWaypoint(message: string | undefined, want: string): boolean {
  if (!message) return false;
  const at = message.indexOf(want);
  return at >= 0 && !/[a-z0-9-]/.test(message.charAt(at + want.length));
}
