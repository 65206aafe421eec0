/** Waits for what must be true before traffic is sent: workloads available, waypoints Programmed with their pods. */
import { conditionOf, type Cluster, type KubeObject } from '../cluster/types.ts';
import { waitFor, type Timing } from '../wait.ts';
import { anyChange, changesOf } from '../cluster/watch.ts';

export async function waitDeploymentsAvailable(cluster: Cluster, namespace: string, timing: Timing): Promise<void> {
  let pending: string[] = [];
  await waitFor(
    `Deployments in ${namespace} available`,
    async () => {
      const deps = await cluster.list('apps/v1', 'Deployment', { namespace });
      pending = deps.filter((d) => !isAvailable(d)).map((d) => d.metadata.name);
      return pending.length === 0 ? true : undefined;
    },
    timing,
    () => `not available: ${pending.join(', ')}`,
    timing.readyTimeoutMs,
    changesOf(cluster, 'apps/v1', 'Deployment', namespace),
  );
}

function isAvailable(d: KubeObject): boolean {
  const want = d.spec?.replicas ?? 1;
  return (d.status?.availableReplicas ?? 0) >= want && conditionOf(d, 'Available')?.status === 'True';
}

const GATEWAY_NAME = 'gateway.networking.k8s.io/gateway-name';

/**
 * Gateways of the waypoint class in the namespace were Programmed (istio.io docs wait on
 * Programmed=True) and have their pods. Programmed is not enough: a real istiod kept a waypoint
 * Programmed, and the Services bound to it, while its pod never ran, and ztunnel refused the traffic
 * (docs/real-data-plane.md). Nor is it always current: istiod recomputes it on configuration changes,
 * not when pods come and go, so a waypoint whose pods came back can still say False
 * (AddressNotAssigned, "no instances found") while it serves. Its addresses, set once it was first
 * ready and never removed (istio pilot/pkg/config/kube/gateway/conversion.go), stand for "was
 * Programmed"; its pods say whether it can serve now.
 */
export async function waitWaypointsReady(cluster: Cluster, namespace: string, gatewayClass: string, timing: Timing): Promise<void> {
  let pending: string[] = [];
  await waitFor(
    `waypoints in ${namespace} Programmed, with their pods`,
    async () => {
      const gws = (await cluster.list('gateway.networking.k8s.io/v1', 'Gateway', { namespace })).filter(
        (g) => g.spec?.gatewayClassName === gatewayClass,
      );
      const deployments = gws.length ? await cluster.list('apps/v1', 'Deployment', { namespace }) : [];
      const pods = gws.length ? await cluster.list('v1', 'Pod', { namespace }) : [];
      pending = gws.flatMap((g) => {
        // Scaled to zero by the scenario: ready once its pods are gone, whatever istiod then says of it.
        const down = scaledToZero(g.metadata.name, deployments);
        if (down)
          return down.some((d) => (d.status?.availableReplicas ?? 0) > 0)
            ? [`${g.metadata.name} (scaled to zero, pods still available)`]
            : [];
        const programmed = conditionOf(g, 'Programmed');
        if (programmed?.status !== 'True' && !(g.status?.addresses?.length > 0))
          return [`${g.metadata.name} (${JSON.stringify(programmed ?? 'no Programmed condition')})`];
        const why = waypointPodsMissing(g.metadata.name, deployments, pods);
        return why ? [`${g.metadata.name} (${why})`] : [];
      });
      return pending.length === 0 ? true : undefined;
    },
    timing,
    () => `not ready: ${pending.join(', ')}`,
    timing.readyTimeoutMs,
    anyChange(
      changesOf(cluster, 'gateway.networking.k8s.io/v1', 'Gateway', namespace),
      changesOf(cluster, 'apps/v1', 'Deployment', namespace),
    ),
  );
}

/** The waypoint's Deployments when every one is scaled to zero, else undefined. */
function scaledToZero(gateway: string, deployments: KubeObject[]): KubeObject[] | undefined {
  const own = deployments.filter((d) => d.metadata.labels?.[GATEWAY_NAME] === gateway);
  return own.length > 0 && own.every((d) => d.spec?.replicas === 0) ? own : undefined;
}

/**
 * Why a waypoint's pods are not there, or undefined when they are. Istio's waypoint Deployment carries
 * the Gateway API label gateway-name (istio manifests/charts/istio-control/istio-discovery/files/waypoint.yaml):
 * each such Deployment must have what it asks for (a scenario may scale one to zero). An implementation
 * that deploys otherwise needs one Ready pod with the label.
 */
export function waypointPodsMissing(gateway: string, deployments: KubeObject[], pods: KubeObject[]): string | undefined {
  const own = deployments.filter((d) => d.metadata.labels?.[GATEWAY_NAME] === gateway);
  if (own.length > 0) {
    const short = own.filter((d) => !isAvailable(d));
    return short.length
      ? `Deployment ${short.map((d) => `${d.metadata.name} has ${d.status?.availableReplicas ?? 0}/${d.spec?.replicas ?? 1} available`).join(', ')}`
      : undefined;
  }
  const ready = pods.filter((p) => p.metadata.labels?.[GATEWAY_NAME] === gateway && conditionOf(p, 'Ready')?.status === 'True');
  return ready.length ? undefined : `no Deployment or Ready pod labelled ${GATEWAY_NAME}=${gateway}`;
}

/** Ambient enrollment as istio-cni reports it on each pod (istio.io docs ambient/usage/add-workloads). */
export async function waitPodsEnrolled(cluster: Cluster, namespace: string, labelSelector: string, timing: Timing): Promise<void> {
  let pending: string[] = [];
  await waitFor(
    `pods ${labelSelector} in ${namespace} enrolled in ambient`,
    async () => {
      const pods = await cluster.list('v1', 'Pod', { namespace, labelSelector });
      pending = pods.filter((p) => p.metadata.annotations?.['ambient.istio.io/redirection'] !== 'enabled').map((p) => p.metadata.name);
      return pods.length > 0 && pending.length === 0 ? true : undefined;
    },
    timing,
    () => `without ambient.istio.io/redirection=enabled: ${pending.join(', ') || 'no pods yet'}`,
    timing.readyTimeoutMs,
    changesOf(cluster, 'v1', 'Pod', namespace),
  );
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
  await waitFor(
    `Services in ${namespace} report istio.io/WaypointBound`,
    async () => {
      const ns = await cluster.get({ apiVersion: 'v1', kind: 'Namespace', name: namespace });
      const services = await cluster.list('v1', 'Service', { namespace });
      pending = [];
      for (const svc of services) {
        const want = requestedWaypoint(svc, ns);
        if (!want) continue;
        const cond = conditionOf(svc, 'istio.io/WaypointBound');
        if (!namesWaypoint(cond?.message, want))
          pending.push(`${svc.metadata.name} (wants ${want}; ${cond ? `says "${cond.message}"` : 'no condition'})`);
      }
      return pending.length === 0 ? true : undefined;
    },
    timing,
    () =>
      `not reported: ${pending.join(', ')} (an istiod with AMBIENT_ENABLE_STATUS=false writes none: ` +
      'leave WaypointBoundStatus out of --features)',
    timing.readyTimeoutMs,
    changesOf(cluster, 'v1', 'Service', namespace),
  );
}

/** "ns/waypoint" appears in the message as a whole name (not as the start of "ns/waypoint-2"). */
function namesWaypoint(message: string | undefined, want: string): boolean {
  if (!message) return false;
  const at = message.indexOf(want);
  return at >= 0 && !/[a-z0-9-]/.test(message.charAt(at + want.length));
}
