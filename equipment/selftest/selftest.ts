/**
 * The self-test: the catalogue against the faithful model (every scenario must pass) and against
 * every mutant (each must be failed by a scenario of the area it breaks).
 */
import type { Scenario } from '../../harness/record/record.ts';
import { ISTIO_FEATURES } from '../../harness/scenario/features.ts';
import { makeEnv, runWithClients } from '../../harness/runner/run.ts';
import type { ScenarioResult } from '../../harness/runner/results.ts';
import { ModelCluster, type ModelOptions } from '../model/model-cluster.ts';
import type { Dumper } from '../../harness/runner/env.ts';
import { resultLine } from '../../harness/runner/results.ts';
import { MUTANTS, type MutantName } from '../model/mutations.ts';
import { MODEL_TIMING } from '../model/timing.ts';
import { CURL_EXIT } from '../../harness/traffic/verdict.ts';
import { runOptionsFrom, type ImplementationClaim } from '../../harness/claim/implementation.ts';
import { unsupportedFeatures } from '../../harness/runner/plan.ts';
import type { SetupFailure } from '../../harness/runner/results.ts';
import type { Implementation } from '../../harness/claim/implementation.ts';
import { writeReportBundle } from '../../harness/report/bundle.ts';
import { sealBundle } from '../../harness/report/seal.ts';
import { GATEWAY_API_VERSION } from '../../harness/versions/versions.ts';
import { readMesh } from '../../harness/mesh/mesh.ts';

export interface MutantOutcome {
  name: MutantName;
  area: string;
  killedBy: string[];
}

export interface SelfTestReport {
  seed: number;
  faithful: { passed: number; failed: number; results: ScenarioResult[]; images: string[] };
  mutants: MutantOutcome[];
  /** The faithful run's connections ztunnel closed without a response, by curl exit code (52, 56). */
  l4Closes: Record<number, number>;
}

export const SELFTEST_PARALLEL = 8;

export interface ModelRunOptions {
  mutants?: MutantName[];
  log?: (line: string) => void;
  onResult?: (r: ScenarioResult) => void;
  dumpers?: Dumper[];
  /** Configure the run like this implementation (class, features, signals); Istio's Envoy waypoint otherwise. */
  implementation?: ImplementationClaim;
  /** The mesh the model runs (kind's defaults otherwise); the harness reads it as it reads a cluster's. */
  mesh?: ModelOptions['mesh'];
}

export async function runOnModel(scenarios: Scenario[], seed: number, o: ModelRunOptions = {}): Promise<ScenarioResult[]> {
  return (await runModel(scenarios, seed, o)).results;
}

/** The run's results, and what its data plane did that no result shows (how ztunnel closed connections). */
export async function runModel(
  scenarios: Scenario[],
  seed: number,
  o: ModelRunOptions = {},
): Promise<{ results: ScenarioResult[]; images: string[]; l4Closes: Record<number, number> }> {
  const cluster = new ModelCluster({ seed, mutants: o.mutants, mesh: o.mesh });
  const configured = o.implementation ? runOptionsFrom(o.implementation) : { supported: ISTIO_FEATURES, gatewayClass: 'istio-waypoint' };
  const env = makeEnv(cluster, {
    timing: { ...MODEL_TIMING, clock: cluster.clock },
    outside: cluster.outside,
    ...configured,
    log: o.log ?? (() => {}),
    dumpers: o.dumpers,
    mesh: await readMesh(cluster),
  });
  const run = await runWithClients(env, scenarios, SELFTEST_PARALLEL, o.onResult);
  if (run.setup) throw new Error(`self-test setup failed: ${run.setup.step}: ${run.setup.message}`);
  return { results: run.results, images: [...env.deployed], l4Closes: cluster.l4Closes() };
}

/**
 * Both ways ztunnel closes a refused connection (52 and 56) must have met the catalogue's checks, or
 * a classifier that knows only one could pass: the missing one, or undefined. None is owed when no
 * connection was refused.
 */
export function unseenClose(l4Closes: Record<number, number>): string | undefined {
  const seen = Object.values(l4Closes).reduce((a, b) => a + b, 0);
  const missing = [CURL_EXIT.emptyReply, CURL_EXIT.reset].filter((c) => !l4Closes[c]);
  return seen > 0 && missing.length > 0
    ? `ztunnel's refusals came only as curl exit ${Object.keys(l4Closes).join(', ')}; never ${missing.join(', ')}`
    : undefined;
}

/** The faithful run's progress goes to `log` (the bundle's run.log), one line per scenario. */
export async function selfTest(
  catalogue: Scenario[],
  seed: number,
  onlyMutants?: MutantName[],
  log?: (line: string) => void,
): Promise<SelfTestReport> {
  const { results, images, l4Closes } = await runModel(catalogue, seed, { log, onResult: log && ((r) => log(resultLine(r))) });
  const faithful = {
    passed: results.filter((r) => r.outcome === 'passed').length,
    failed: results.filter((r) => r.outcome !== 'passed').length,
    results,
    images,
  };
  const names = onlyMutants ?? (Object.keys(MUTANTS) as MutantName[]);
  const mutants = await Promise.all(
    names.map(async (name, i) => {
      const area = MUTANTS[name].area;
      const scenarios = catalogue.filter((s) => s.area === area);
      const outcome = await runOnModel(scenarios, seed + i + 1, { mutants: [name] });
      return { name, area, killedBy: outcome.filter((r) => r.outcome === 'failed').map((r) => r.id) };
    }),
  );
  return { seed, faithful, mutants, l4Closes };
}

export function survivors(r: SelfTestReport): MutantOutcome[] {
  return r.mutants.filter((m) => m.killedBy.length === 0);
}

/** What a scenario must end as on the model configured like a claimed implementation. */
export type Expected = 'passed' | 'not-supported' | 'failed';

export interface ClaimVerdict {
  id: string;
  expected: Expected;
  outcome: string;
  ok: boolean;
  /** Why it is expected (the claim's finding or the unclaimed features), and the run's reason. */
  why: string;
  reason?: string;
}

/**
 * Exactly the unclaimed features not supported, exactly the expected findings failed, everything
 * else passed: anything else is a discrepancy between the claim file and the catalogue on the model.
 */
export function judgeAgainstClaim(catalogue: Scenario[], results: ScenarioResult[], claim: ImplementationClaim): ClaimVerdict[] {
  const byId = new Map(results.map((r) => [r.id, r]));
  return catalogue.map((s) => {
    const r = byId.get(s.id)!;
    const finding = claim.expectedFindings.find((f) => f.scenario === s.id);
    const unclaimed = unsupportedFeatures(s, claim.features);
    const expected: Expected = unclaimed.length > 0 ? 'not-supported' : finding ? 'failed' : 'passed';
    const why = unclaimed.length > 0 ? `unclaimed: ${unclaimed.join(', ')}` : finding ? `expected finding: ${finding.reason}` : 'claimed';
    // A predicted finding must be measured by a check, not stand in for a setup that broke.
    const ok = r.outcome === expected && (expected !== 'failed' || r.checks.some((c) => c.outcome === 'failed'));
    return { id: s.id, expected, outcome: r.outcome, ok, why, ...(r.reason ? { reason: r.reason } : {}) };
  });
}

const MODEL_IMPLEMENTATION: Implementation = {
  organization: 'istio',
  project: 'ambient model (self-test)',
  version: 'model',
  url: 'https://istio.io',
  contact: [],
  gatewayClassName: 'istio-waypoint',
};

/**
 * The self-test's report bundle, sealed: its environment names the model (Istio version "model"),
 * which report:verify holds to mode selftest whatever the mode field says.
 */
export async function writeSelftestBundle(
  dir: string,
  o: {
    scenarios: Scenario[];
    results: ScenarioResult[];
    /** The images of the workloads the model applied. */
    images: string[];
    claim?: ImplementationClaim;
    setup?: SetupFailure;
    commandLine: string;
  },
): Promise<void> {
  await writeReportBundle(dir, {
    results: o.results,
    scenarios: o.scenarios,
    images: o.images,
    setup: o.setup,
    implementation: o.claim ? { ...o.claim.implementation, version: `${o.claim.implementation.version} (model)` } : MODEL_IMPLEMENTATION,
    environment: {
      kubernetesVersion: 'v1.34.0',
      istioVersion: 'model',
      gatewayApi: { version: GATEWAY_API_VERSION, channel: 'experimental' },
      kindNodeImage: undefined,
      commandLine: o.commandLine,
    },
    mode: 'selftest',
    planes: ['control', 'data'],
    // Only a certification run claims features; the self-test records the class it was configured like.
    claimedFeatures: undefined,
  });
  sealBundle(dir);
}
