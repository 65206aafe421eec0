/**
 * npm run e2e: parse → bring up the cluster → install → gate → run the scenarios → report → tear down.
 * Exit codes: harness/errors.ts EXIT (README "Exit codes").
 */
import type { E2eOptions } from './args.ts';
import { EXIT, InfraError } from '../errors.ts';
import { Progress } from './progress.ts';
import { prepareReportDir } from './report-dir.ts';
import { reportSetupFailure } from './run-report.ts';
import { decide } from './select.ts';
import { KubeCluster } from '../cluster/kube.ts';
import { checkReachable, useExisting } from '../platform/cluster/bringup.ts';
import { findLeftovers, leftoverLines, removeLeftovers } from '../platform/cluster/cleanup.ts';
import { MANAGED_BY } from '../manifests/manifests.ts';
import { plan } from '../platform/plan.ts';
import { rbacManifest } from '../platform/rbac.ts';
import { Teardown } from '../undo.ts';
import { checkForcedTools, type ForcedTools } from '../platform/tools/tools.ts';
import { checkCacheDir } from '../platform/tools/download.ts';
import { sealBundle } from '../report/seal.ts';
import { CATALOGUE } from '../../suites/index.ts';
import { evidenceOfFailure, interruption, runScenarios, setUp, type Run } from './e2e-run.ts';

function listing(json: boolean): string {
  const rows = CATALOGUE.map((s) => ({
    id: s.id,
    area: s.area,
    description: s.description,
    features: s.features,
    profile: s.profile,
    source: s.source,
  }));
  if (json) return JSON.stringify(rows, null, 2);
  return rows.map((r) => `${r.id.padEnd(46)} ${r.profile.padEnd(9)} ${r.description}`).join('\n');
}

/**
 * Everything local, before the report directory exists and before any request to the cluster: the
 * download cache, and --kind/--istioctl run with a deadline. Each failure is a UserError (exit 2).
 */
async function checkLocal(o: E2eOptions): Promise<ForcedTools> {
  checkCacheDir();
  return checkForcedTools(o);
}

function toolLines(t: ForcedTools): string[] {
  return Object.entries(t)
    .filter(([, tool]) => tool)
    .map(([name, tool]) => `${name}: ${tool!.path} (forced, ${tool!.version})`);
}

/** --cleanup: lists what earlier runs left, then deletes it; nothing else is touched. */
async function cleanUp(o: E2eOptions): Promise<number> {
  const teardown = new Teardown();
  try {
    const access = useExisting(o, teardown);
    const cluster = new KubeCluster(access.kc);
    await checkReachable(cluster, access.kc.getCurrentCluster()?.server ?? 'unknown server', o.connectTimeoutMs);
    const left = await findLeftovers(cluster);
    if (left.length === 0) {
      console.log(`nothing left by earlier runs on ${cluster.description} (no namespace labelled ${MANAGED_BY.key}=${MANAGED_BY.value})`);
      return EXIT.ok;
    }
    console.log(
      `left by earlier runs on ${cluster.description}, deleting:\n${leftoverLines(left)
        .map((l) => `  ${l}`)
        .join('\n')}`,
    );
    const still = await removeLeftovers(cluster, left, o.timing);
    if (still.length > 0)
      throw new InfraError(
        `namespaces still present after deletion: ${still.join(', ')}`,
        'look at their finalizers: kubectl get namespace NAME -o yaml',
      );
    console.log(`deleted ${left.length} namespace${left.length === 1 ? '' : 's'}`);
    return EXIT.ok;
  } finally {
    await teardown.runAll(() => {});
  }
}

/** The whole e2e command, given its parsed command line. */
export async function runE2e(o: E2eOptions): Promise<number> {
  if (o.cleanup) return cleanUp(o);
  if (o.printRbac) {
    process.stdout.write(rbacManifest());
    return EXIT.ok;
  }
  const sel = decide(o, CATALOGUE);
  if (o.list || o.plan) {
    console.log(
      o.list
        ? listing(o.json)
        : [...plan({ ...o, gatewayClass: sel.gatewayClass }, sel.scenarios), `features: ${sel.featuresFrom}`].join('\n'),
    );
    return EXIT.ok;
  }
  const tools = await checkLocal(o);
  prepareReportDir(o.reportDir);
  const r: Run = {
    o,
    sel,
    tools,
    progress: new Progress(o.reportDir),
    teardown: new Teardown(),
    facts: { kubernetesVersion: 'unknown', gatewayApi: { version: 'unknown', channel: 'unknown' } },
  };
  const interrupted = interruption(r);
  const removeSignals = r.teardown.onSignals(r.progress.line, () => {
    if (r.finishing) r.progress.line('the run has ended: its report is written first');
    else void interrupted();
  });
  r.progress.line(`GatewayClass ${sel.gatewayClass}, features: ${sel.featuresFrom}`);
  for (const l of toolLines(tools)) r.progress.line(l);
  let outcome: { exitCode: number; writeReport: () => Promise<void> };
  let failure: unknown;
  try {
    outcome = await runScenarios(r, await setUp(r));
  } catch (err) {
    // A step stopped by SIGINT/SIGTERM fails too: that is the interruption, not a setup failure.
    if (r.teardown.interrupted) return interrupted();
    await evidenceOfFailure(r, true);
    failure = err;
    outcome = {
      exitCode: EXIT.infrastructure,
      writeReport: () => reportSetupFailure(o, sel, r.facts, r.progress.failedStep ?? 'setup', err),
    };
  }
  for (const f of await r.teardown.runAll(r.progress.line)) r.progress.line(`teardown failed: ${f}`);
  if (r.teardown.interrupted) return interrupted();
  r.finishing = true;
  // Written last, then sealed: evidence.json covers every file, run.log with the teardown included.
  await outcome.writeReport();
  sealBundle(o.reportDir);
  removeSignals();
  console.log(`report in ${o.reportDir}`);
  if (failure) throw failure;
  return outcome.exitCode;
}
