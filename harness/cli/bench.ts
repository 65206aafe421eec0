/**
 * npm run bench: times the catalogue's control-plane half on a cluster with the previous settings and
 * the current ones, side by side (scripts/bench.ts says what it compares).
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { KubeCluster } from '../cluster/kube.ts';
import type { Cluster } from '../cluster/types.ts';
import { makeEnv, runWithClients } from '../runner/run.ts';
import { loadImplementation, runOptionsFrom, type ImplementationClaim } from '../claim/implementation.ts';
import { chooseParallelism } from '../runner/parallelism.ts';
import { countOutcomes } from '../runner/results.ts';
import type { Scenario } from '../record/record.ts';
import { fromHost } from '../traffic/outside.ts';
import { CLUSTER_TIMING } from '../wait.ts';
import { Interrupted, UserError } from '../errors.ts';
import { exitWith } from './main.ts';
import { selectScenarios } from './select.ts';
import { checkReachable } from '../platform/cluster/bringup.ts';
import { loadUserKubeconfig } from '../platform/cluster/kubeconfig.ts';
import { Teardown } from '../undo.ts';
import { CATALOGUE } from '../../suites/index.ts';

export const BENCH_HELP = 'npm run bench -- --help';
const HELP = BENCH_HELP;

function seconds(name: string, max: number) {
  return (v: string) => {
    const n = Number(v);
    if (!(n > 0 && n <= max)) throw new InvalidArgumentError(`${name} takes a number of seconds above 0 and at most ${max}, got "${v}"`);
    return n;
  };
}

interface Setting {
  name: string;
  /** The changes of #18: watches, setup at once, deferred cleanup. */
  current: boolean;
  parallel: number;
}

/** The previous settings' cluster: no watches (polling), and one object applied at a time (each awaited, as before). */
function previousCluster(cluster: KubeCluster): Cluster {
  let queue: Promise<unknown> = Promise.resolve();
  const apply: Cluster['apply'] = (o) => {
    const next = queue.then(() => cluster.apply(o));
    queue = next.catch(() => {});
    return next;
  };
  return Object.assign(Object.create(cluster) as Cluster, { nextChange: undefined, apply });
}

async function timeRun(cluster: KubeCluster, claim: ImplementationClaim, scenarios: Scenario[], s: Setting) {
  const env = makeEnv(s.current ? cluster : previousCluster(cluster), {
    ...runOptionsFrom(claim),
    timing: CLUSTER_TIMING,
    outside: fromHost,
    log: () => {},
    planes: new Set(['control']),
    deferCleanup: s.current,
  });
  const started = Date.now();
  const run = await runWithClients(env, scenarios, s.parallel);
  const checks = run.results.flatMap((r) => r.checks).filter((c) => c.plane === 'control');
  return { seconds: (Date.now() - started) / 1000, checks: countOutcomes(checks), setup: run.setup };
}

function implementations(files: string): ImplementationClaim[] {
  try {
    return files.split(',').map(loadImplementation);
  } catch (err) {
    if (err instanceof UserError)
      throw new UserError(err.message, 'pass --implementations with files that npm run e2e -- --implementation accepts');
    throw err;
  }
}

/** The bench's body for runMain: parses the command line, runs, prints; its exit code. */
export async function benchMain(): Promise<number> {
  const program = new Command('bench')
    .option('--kubeconfig <file>')
    .option('--context <name>')
    .option('--grep <regex>')
    .option(
      '--implementations <files>',
      'implementation files, comma-separated',
      'implementations/istio-envoy-waypoint.yaml,implementations/istio-agentgateway-waypoint.yaml',
    )
    .addOption(new Option('--target <seconds>', 'the most a current run may take').argParser(seconds('--target', 86_400)).default(60))
    .addOption(
      new Option('--connect-timeout <seconds>', 'how long the cluster may take to answer its first request')
        .argParser(seconds('--connect-timeout', 3600))
        .default(30),
    )
    .option('--debug', 'print stack traces with errors')
    .exitOverride()
    .configureOutput({ writeErr: () => {} });
  const o = program
    .parse(process.argv)
    .opts<{ kubeconfig?: string; context?: string; grep?: string; implementations: string; target: number; connectTimeout: number }>();
  const claims = implementations(o.implementations);
  const scenarios = selectScenarios(CATALOGUE, o.grep);
  // Checked like e2e checks it, before any request: the kubeconfig, its context, then a bounded first answer.
  const teardown = new Teardown();
  // SIGINT or SIGTERM: what the teardown holds (a merged kubeconfig's private copy) goes, and the exit is
  // 130 with the discipline's two lines, as for e2e. The scenarios' namespaces are the catalogue's own
  // (labelled as every run's), which e2e --cleanup finds and deletes.
  teardown.onSignals(
    () => {},
    () => {
      exitWith(
        new Interrupted(
          `interrupted by ${teardown.received ?? 'a signal'}`,
          'namespaces a scenario had made may remain: `npm run e2e -- --cleanup --cluster existing` (with the same --kubeconfig and --context) lists and deletes them; then run again',
        ),
        HELP,
      );
    },
  );
  const { kc } = loadUserKubeconfig(o.kubeconfig, o.context, teardown);
  const cluster = new KubeCluster(kc);
  try {
    await checkReachable(cluster, kc.getCurrentCluster()?.server ?? 'unknown server', o.connectTimeout * 1000);
    const parallel = chooseParallelism(await cluster.list('v1', 'Node'));
    const settings: Setting[] = [
      { name: 'previous', current: false, parallel: 4 },
      { name: 'current', current: true, parallel },
    ];
    let ok = true;
    console.log(`catalogue, control-plane checks only, on ${cluster.description}; current parallelism ${parallel} (from the nodes)`);
    for (const claim of claims) {
      const gatewayClass = claim.implementation.gatewayClassName;
      const [before, after] = [
        await timeRun(cluster, claim, scenarios, settings[0]),
        await timeRun(cluster, claim, scenarios, settings[1]),
      ];
      for (const [s, r] of [
        [settings[0], before],
        [settings[1], after],
      ] as const) {
        console.log(
          `${gatewayClass.padEnd(30)} ${s.name.padEnd(9)} ${r.seconds.toFixed(1).padStart(6)}s  control checks: ${r.checks.passed} passed, ${r.checks.failed} failed, ${r.checks.error} errors${r.setup ? `; SETUP FAILED: ${r.setup.message}` : ''}`,
        );
        ok &&= !r.setup && r.checks.failed === 0 && r.checks.error === 0;
      }
      const met = after.seconds <= o.target;
      console.log(
        `${gatewayClass.padEnd(30)} ratio     ${(after.seconds / before.seconds).toFixed(2)} (current / previous); target ${o.target}s ${met ? 'met' : 'MISSED'}`,
      );
      ok &&= met;
    }
    return ok ? 0 : 1;
  } finally {
    cluster.close();
    await teardown.runAll();
  }
}
