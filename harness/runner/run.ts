/** One run of the catalogue on a cluster: clients up, scenarios, clients down. */
import { randomBytes } from 'node:crypto';
import type { Cluster } from '../cluster/types.ts';
import type { Feature, Scenario } from '../scenario/types.ts';
import { DEFAULT_SPLIT_CONFIG } from '../stats/split-test.ts';
import type { Timing } from '../wait.ts';
import type { Dumper, RunEnv } from './env.ts';
import type { ScenarioResult } from './scenario-runner.ts';
import { deployClients, removeClients, runSuite } from './suite-runner.ts';

export interface RunOptions {
  timing: Timing;
  supported: ReadonlySet<Feature>;
  gatewayClass: string;
  parallel: number;
  log: (line: string) => void;
  batchSize?: number;
  maxTimeSec?: number;
  runId?: string;
  dumpers?: Dumper[];
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
    log: o.log,
    dumpers: o.dumpers ?? [],
  };
}

export async function runCatalogue(
  env: RunEnv, scenarios: Scenario[], parallel: number, onResult?: (r: ScenarioResult) => void,
): Promise<ScenarioResult[]> {
  await deployClients(env);
  try {
    return await runSuite(env, scenarios, parallel, onResult);
  } finally {
    await removeClients(env);
  }
}
