/** What a scenario needs before its checks: namespaces, workloads and fixtures applied, then everything ready. */
import { markOwned } from '../manifests/manifests.ts';
import type { NsRole, WorkloadSet } from '../scenario/types.ts';
import type { Scenario } from '../record/record.ts';
import { workloadFiles } from '../scenario/workloads.ts';
import { applyAll, fixtureObjects, inNamespace, perform } from './actions.ts';
import { waitDeploymentsAvailable, waitPodsEnrolled, waitWaypointBoundReported, waitWaypointsReady } from './readiness.ts';
import { namespaceLabels, type ScenarioScope } from './scope.ts';

/** Namespaces first; then workloads and fixtures at once (they do not depend on each other); then readiness. */
export async function prepare(scope: ScenarioScope, s: Scenario): Promise<void> {
  const { runId } = scope.env;
  const lap = <T>(name: string, work: () => Promise<T>) => scope.stopwatch.time('setup', 'apply', name, work);
  const namespaces = Object.values(scope.namespaces).map((name) =>
    markOwned({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: namespaceLabels(scope.env) } }, runId),
  );
  await lap('namespaces', () => applyAll(scope, namespaces));
  const workloads = (Object.entries(s.workloads) as [NsRole, WorkloadSet[]][]).flatMap(([role, sets]) => {
    if (!scope.namespaces[role]) throw new Error(`${s.id}: workloads for namespace role "${role}", which the scenario does not declare`);
    return sets.map(
      (set) => () =>
        lap(`workloads ${set} in ${scope.namespaces[role]}`, () =>
          applyAll(
            scope,
            workloadFiles(set)
              .flatMap((f) => fixtureObjects(scope, `workloads/${f}`))
              .map((o) => inNamespace(o, scope.namespaces[role])),
          ),
        ),
    );
  });
  const fixtures = async () => {
    for (const m of s.manifests) await lap(`apply ${m}`, () => perform(scope, { do: 'apply', fixture: m }));
  };
  await allOf([...workloads, fixtures]);
  await settle(scope, 'setup');
  // A scenario's own client is captured like the shared ones before it sends (its namespace is ambient).
  for (const [role, sets] of Object.entries(s.workloads) as [NsRole, string[]][]) {
    if (sets.includes('client')) {
      await scope.stopwatch.time('setup', 'wait', `client enrolled in ${scope.namespaces[role]}`, () =>
        waitPodsEnrolled(scope.env.cluster, scope.namespaces[role], 'app=client', scope.env.timing),
      );
    }
  }
}

/** Before traffic: workloads available, waypoints Programmed with their pods, and (where reported) Services bound. */
export async function settle(scope: ScenarioScope, step: string): Promise<void> {
  const { cluster, timing, gatewayClass, supported } = scope.env;
  const lap = (name: string, work: () => Promise<void>) => () => scope.stopwatch.time(step, 'wait', name, work);
  await allOf(
    Object.values(scope.namespaces).flatMap((ns) => [
      lap(`Deployments Available in ${ns}`, () => waitDeploymentsAvailable(cluster, ns, timing)),
      lap(`waypoints ready in ${ns}`, () => waitWaypointsReady(cluster, ns, gatewayClass, timing)),
      ...(supported.has('WaypointBoundStatus')
        ? [lap(`WaypointBound reported in ${ns}`, () => waitWaypointBoundReported(cluster, ns, timing))]
        : []),
    ]),
  );
}

/** Runs the tasks at once and waits for all of them (none is left running), then throws the first failure. */
async function allOf(tasks: (() => Promise<unknown>)[]): Promise<void> {
  const settled = await Promise.allSettled(tasks.map((t) => t()));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}
