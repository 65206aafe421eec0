/**
 * npm run bench -- [--kubeconfig F] [--context C] [--grep RE] [--classes A,B]
 * Times the catalogue's control-plane half on a cluster, for each waypoint class, with the previous
 * settings (polling only, every scenario waits for its own cleanup, --parallel 4) and the current ones
 * (watches, cleanup verified at the end, parallelism from the cluster), side by side in one session.
 */
import { Command } from 'commander';
import { KubeCluster, loadKubeConfig } from '../harness/cluster/kube.ts';
import type { Cluster } from '../harness/cluster/types.ts';
import { makeEnv, runCatalogue } from '../harness/runner/run.ts';
import { ISTIO_FEATURES } from '../harness/scenario/features.ts';
import { chooseParallelism } from '../harness/runner/parallelism.ts';
import { countOutcomes } from '../harness/runner/results.ts';
import { select } from '../harness/runner/suite-runner.ts';
import { fromHost } from '../harness/traffic/outside.ts';
import { CLUSTER_TIMING } from '../harness/wait.ts';
import { exitWithUsageError } from '../harness/cli/errors.ts';
import { CATALOGUE } from '../suites/index.ts';

interface Setting {
  name: string;
  watch: boolean;
  deferCleanup: boolean;
  parallel: number;
}

async function timeRun(cluster: KubeCluster, gatewayClass: string, grep: string | undefined, s: Setting) {
  const seen: Cluster = s.watch ? cluster : Object.assign(Object.create(cluster) as Cluster, { nextChange: undefined });
  const env = makeEnv(seen, {
    timing: CLUSTER_TIMING, supported: ISTIO_FEATURES, gatewayClass, outside: fromHost, log: () => {}, planes: new Set(['control']), deferCleanup: s.deferCleanup,
  });
  const started = Date.now();
  const run = await runCatalogue(env, select(CATALOGUE, { grep }), s.parallel);
  const checks = run.results.flatMap((r) => r.checks).filter((c) => c.plane === 'control');
  return { seconds: (Date.now() - started) / 1000, checks: countOutcomes(checks), setup: run.setup };
}

async function main(): Promise<number> {
  const program = new Command('bench')
    .option('--kubeconfig <file>').option('--context <name>').option('--grep <regex>')
    .option('--classes <list>', 'waypoint classes', 'istio-waypoint,istio-agentgateway-waypoint')
    .exitOverride().configureOutput({ writeErr: () => {} });
  let o;
  try {
    o = program.parse(process.argv).opts<{ kubeconfig?: string; context?: string; grep?: string; classes: string }>();
  } catch (err) {
    return exitWithUsageError(err, 'npm run bench -- --help');
  }
  const cluster = new KubeCluster(loadKubeConfig(o.kubeconfig, o.context));
  try {
    const parallel = chooseParallelism(await cluster.list('v1', 'Node'));
    const settings: Setting[] = [
      { name: 'previous', watch: false, deferCleanup: false, parallel: 4 },
      { name: 'current', watch: true, deferCleanup: true, parallel },
    ];
    let ok = true;
    console.log(`catalogue, control-plane checks only, on ${cluster.description}; current parallelism ${parallel} (from the nodes)`);
    for (const gatewayClass of o.classes.split(',')) {
      const [before, after] = [await timeRun(cluster, gatewayClass, o.grep, settings[0]), await timeRun(cluster, gatewayClass, o.grep, settings[1])];
      for (const [s, r] of [[settings[0], before], [settings[1], after]] as const) {
        console.log(`${gatewayClass.padEnd(30)} ${s.name.padEnd(9)} ${r.seconds.toFixed(1).padStart(6)}s  control checks: ${r.checks.passed} passed, ${r.checks.failed} failed, ${r.checks.error} errors${r.setup ? `; SETUP FAILED: ${r.setup.message}` : ''}`);
        ok &&= !r.setup && r.checks.failed === 0 && r.checks.error === 0;
      }
      console.log(`${gatewayClass.padEnd(30)} ratio     ${(after.seconds / before.seconds).toFixed(2)} (current / previous)`);
    }
    return ok ? 0 : 1;
  } finally {
    cluster.close();
  }
}

process.exitCode = await main();
