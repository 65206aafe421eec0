/** One run on a cluster: its environment, then the shared clients up, the scenarios (runInParallel), the clients down. */
import { randomBytes } from 'node:crypto';
import type { Cluster } from '../cluster/types.ts';
import { PLANES, type Plane } from '../checks/check.ts';
import type { Feature } from '../scenario/types.ts';
import type { Scenario } from '../record/record.ts';
import { DEFAULT_SPLIT_CONFIG } from '../stats/split-config.ts';
import type { OutsideClient } from '../traffic/outside.ts';
import { ENVOY_SIGNALS, type WaypointSignals } from '../traffic/verdict.ts';
import { clockOf, type Timing } from '../wait.ts';
import { Stopwatch } from './stopwatch.ts';
import { IMAGES, type Images } from '../versions/images.ts';
import { DEFAULT_MESH, type MeshFacts } from '../mesh/mesh.ts';
import type { PodSecurityLevel } from '../manifests/pod-security.ts';
import type { Dumper, RunEnv } from './env.ts';
import type { RunResult, ScenarioResult } from './results.ts';
import { deployClients, removeClients } from './clients.ts';
import { sharedClientsUsed, notRunAll } from './plan.ts';
import { runInParallel } from './pool.ts';

export interface RunOptions {
  timing: Timing;
  supported: ReadonlySet<Feature>;
  gatewayClass: string;
  /** The implementation's signals (ImplementationClaim.signals); Istio's Envoy waypoint when absent. */
  signals?: WaypointSignals;
  outside: OutsideClient;
  log: (line: string) => void;
  planes?: ReadonlySet<Plane>;
  batchSize?: number;
  maxTimeSec?: number;
  runId?: string;
  dumpers?: Dumper[];
  /** false: every scenario waits for its own cleanup (the behaviour before deferred cleanup; for npm run bench). */
  deferCleanup?: boolean;
  images?: Images;
  /** The mesh read from the cluster (harness/mesh/mesh.ts readMesh); Istio's defaults when absent. */
  mesh?: MeshFacts;
  /** The Pod Security level the run's namespaces enforce; restricted when absent. */
  podSecurity?: PodSecurityLevel;
}

export function makeEnv(cluster: Cluster, o: RunOptions): RunEnv {
  const runId = o.runId ?? randomBytes(3).toString('hex');
  return {
    cluster,
    timing: o.timing,
    runId,
    clientNamespace: `wpt-clients-${runId}`,
    gatewayClass: o.gatewayClass,
    splitConfig: DEFAULT_SPLIT_CONFIG,
    batchSize: o.batchSize ?? 5,
    maxTimeSec: o.maxTimeSec ?? 6,
    supported: o.supported,
    signals: o.signals ?? ENVOY_SIGNALS,
    planes: o.planes ?? new Set(PLANES),
    outside: o.outside,
    log: o.log,
    dumpers: o.dumpers ?? [],
    cleanup: [],
    deferCleanup: o.deferCleanup ?? true,
    images: o.images ?? IMAGES,
    deployed: new Set(),
    mesh: o.mesh ?? DEFAULT_MESH,
    podSecurity: o.podSecurity ?? 'restricted',
  };
}

/**
 * Clients that never come up are a setup failure of the run: every scenario is reported as not run.
 * A control-plane-only run sends no traffic, so it deploys no clients.
 */
export async function runWithClients(
  env: RunEnv,
  scenarios: Scenario[],
  parallel: number,
  onResult: (r: ScenarioResult) => void = () => {},
): Promise<RunResult> {
  const watch = new Stopwatch(clockOf(env.timing));
  const { laps } = watch;
  if (!env.planes.has('data')) return { results: await runInParallel(env, scenarios, parallel, onResult, watch), laps };
  try {
    const clients = await watch.time('run', 'apply', 'deploy the clients', () => deployClients(env, scenarios));
    env.log(`clients: ${clients.join(', ') || 'none (no check of this run sends traffic from a shared client)'}`);
  } catch (err) {
    const setup = { step: `deploy the clients ${sharedClientsUsed(env, scenarios).join(', ')}`, message: (err as Error).message };
    await removeClients(env).catch(() => undefined);
    return { results: notRunAll(scenarios, `setup failed: ${setup.step}`), setup, laps };
  }
  try {
    return { results: await runInParallel(env, scenarios, parallel, onResult, watch), laps };
  } finally {
    await watch.time('run', 'cleanup', 'remove the clients', () => removeClients(env));
  }
}
