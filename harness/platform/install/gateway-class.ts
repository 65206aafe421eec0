/**
 * The GatewayClass gate, before any scenario: the class the waypoints will use exists, is Accepted,
 * and is handled by the controller expected for it. Otherwise every scenario would time out on
 * "not Programmed"; one configuration error says why instead.
 * Controllers: istio-waypoint → istio.io/mesh-controller (istio pilot/pkg/config/kube/gateway/
 * deploymentcontroller.go getBuiltinClasses: WaypointGatewayClassName → ManagedGatewayMeshController,
 * pkg/config/constants/constants.go); istio-agentgateway-waypoint →
 * istio.io/agentgateway-waypoint-controller (istio.io content/en/docs/ambient/usage/agentgateway:
 * the two GatewayClasses that enabling agentgateway registers).
 */
import type { Cluster, KubeObject } from '../../cluster/types.ts';
import { conditionOf } from '../../cluster/types.ts';
import { UserError } from '../../errors.ts';
import { waitFor, WaitTimeout, type Timing } from '../../wait.ts';

export const EXPECTED_CONTROLLERS: Readonly<Record<string, string>> = {
  'istio-waypoint': 'istio.io/mesh-controller',
  'istio-agentgateway-waypoint': 'istio.io/agentgateway-waypoint-controller',
};

export interface GatewayClassInfo {
  name: string;
  controllerName: string;
}

const REF = (name: string) => ({ apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', name });

function describeClasses(classes: KubeObject[]): string {
  return classes.map((c) => `${c.metadata.name} (${c.spec?.controllerName})`).join(', ') || 'none';
}

/** The controller a class must have: the known one, else the implementation file's, else any. */
export function expectedController(name: string, fromImplementation?: string): string | undefined {
  return fromImplementation ?? EXPECTED_CONTROLLERS[name];
}

function judge(gc: KubeObject, want: string | undefined): { ok: true } | { ok: false; why: string; fatal: boolean } {
  const controller = gc.spec?.controllerName;
  if (want && controller !== want) {
    return { ok: false, fatal: true, why: `is handled by controller ${controller}, not ${want} as expected for this implementation` };
  }
  const accepted = conditionOf(gc, 'Accepted');
  if (accepted?.status !== 'True') {
    return {
      ok: false,
      fatal: false,
      why: `is not Accepted (${accepted ? `${accepted.status}/${accepted.reason}: ${accepted.message}` : 'no Accepted condition yet'})`,
    };
  }
  return { ok: true };
}

/**
 * Waits (bounded by timeoutMs; istiod writes its classes shortly after it starts) for the class to
 * exist and be Accepted by the expected controller; a wrong controller fails at once.
 */
export async function checkGatewayClass(
  cluster: Cluster,
  name: string,
  want: string | undefined,
  timing: Timing,
  timeoutMs = 60_000,
): Promise<GatewayClassInfo> {
  let last = 'does not exist';
  const fix = `pass --gateway-class with a class of your waypoint implementation (present: %CLASSES%), or an --implementation file naming it and its controllerName`;
  const fail = async (why: string) => {
    const classes = await cluster.list('gateway.networking.k8s.io/v1', 'GatewayClass');
    return new UserError(`GatewayClass ${name} ${why}`, fix.replace('%CLASSES%', describeClasses(classes)));
  };
  try {
    return await waitFor(
      `GatewayClass ${name} Accepted`,
      async () => {
        const gc = await cluster.get(REF(name));
        if (!gc) return undefined;
        const verdict = judge(gc, want);
        if (verdict.ok) return { name, controllerName: String(gc.spec?.controllerName) };
        last = verdict.why;
        if (verdict.fatal) throw await fail(verdict.why);
        return undefined;
      },
      timing,
      () => last,
      timeoutMs,
    );
  } catch (err) {
    if (err instanceof WaitTimeout) throw await fail(`${last} (waited ${Math.round(err.elapsedMs / 1000)}s)`);
    throw err;
  }
}
