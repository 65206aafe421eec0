/**
 * npm run e2e: parse → bring up the cluster → install → gate → run the scenarios → report → tear down.
 * Exit codes: harness/errors.ts EXIT (README "Exit codes").
 */
import '../harness/cli/require-node.ts';
import { parseE2eArgs, type E2eOptions } from '../harness/cli/args.ts';
import { EXIT, formatUserError, InfraError, Interrupted } from '../harness/errors.ts';
import { runMain } from '../harness/cli/main.ts';
import { Progress } from '../harness/cli/progress.ts';
import { resultLine } from '../harness/runner/results.ts';
import { prepareReportDir } from '../harness/cli/report-dir.ts';
import { failureEvidence, report, reportInterrupted, reportSetupFailure, type Facts } from '../harness/cli/run-report.ts';
import { decide, type Selection } from '../harness/cli/select.ts';
import { KubeCluster } from '../harness/cluster/kube.ts';
import { ContainerClient, fromHost, hostRoutesToKind } from '../harness/traffic/outside.ts';
import { checkReachable, useExisting, type ClusterAccess } from '../harness/platform/cluster/bringup.ts';
import { findLeftovers, leftoverLines, removeLeftovers } from '../harness/platform/cluster/cleanup.ts';
import { MANAGED_BY } from '../harness/manifests/manifests.ts';
import { checkGatewayClass, expectedController } from '../harness/platform/install/gateway-class.ts';
import { readInstalled, type InstallContext } from '../harness/platform/install/install.ts';
import { istioctlDumper } from '../harness/platform/tools/istioctl-dumps.ts';
import { plan } from '../harness/platform/plan.ts';
import { rbacManifest } from '../harness/platform/rbac.ts';
import { checkWaypointsAdmitted, meshLine, readMesh } from '../harness/mesh/mesh.ts';
import { bringUp, install } from '../harness/platform/setup.ts';
import { Teardown } from '../harness/undo.ts';
import { checkForcedTools, resolveIstioctl, type ForcedTools, type Tool } from '../harness/platform/tools/tools.ts';
import { checkCacheDir } from '../harness/platform/tools/download.ts';
import type { RunEnv } from '../harness/runner/env.ts';
import { countOutcomes } from '../harness/runner/results.ts';
import { exitCodeOf } from '../harness/runner/outcome.ts';
import { makeEnv, runWithClients } from '../harness/runner/run.ts';
import { chooseParallelism } from '../harness/runner/parallelism.ts';
import { sealBundle } from '../harness/report/seal.ts';
import { profileLines } from '../harness/report/profile.ts';
import { CATALOGUE } from '../suites/index.ts';

function listing(json: boolean): string {
  const rows = CATALOGUE.map((s) => ({ id: s.id, area: s.area, description: s.description, features: s.features, profile: s.profile, source: s.source }));
  if (json) return JSON.stringify(rows, null, 2);
  return rows.map((r) => `${r.id.padEnd(46)} ${r.profile.padEnd(9)} ${r.description}`).join('\n');
}

/** One run's shared state: what it decided, logs, undoes, and learnt so far. */
interface Run {
  o: E2eOptions;
  sel: Selection;
  progress: Progress;
  teardown: Teardown;
  facts: Facts;
  access?: ClusterAccess;
  cluster?: KubeCluster;
  /** --kind and --istioctl, checked before anything else. */
  tools: ForcedTools;
  /** The run has torn down and writes its report: a signal now waits for that instead of interrupting it. */
  finishing?: boolean;
}

function istioctlOnce(r: Run): (version: string) => Promise<Tool> {
  let found: Promise<Tool> | undefined = r.tools.istioctl && Promise.resolve(r.tools.istioctl);
  return (version) => (found ??= r.progress.step(`istioctl ${version}`, async () => {
    const t = await resolveIstioctl(version, r.o.istioctl);
    r.progress.line(`istioctl: ${t.path} (${t.origin}${t.version ? `, ${t.version}` : ''})`);
    return t;
  }));
}

/** Bring up, check the cluster answers, install, gate: everything before the first scenario. */
async function setUp(r: Run): Promise<RunEnv> {
  const { o, sel, progress, teardown, facts } = r;
  const access = (r.access = await bringUp({ ...o, kindTool: r.tools.kind }, (n, f) => progress.step(n, f), progress.line, teardown));
  const cluster = (r.cluster = new KubeCluster(access.kc));
  const server = access.kc.getCurrentCluster()?.server ?? 'unknown server';
  facts.kubernetesVersion = await progress.step(`cluster answers (${cluster.description}, ${server})`, () => checkReachable(cluster, server, o.connectTimeoutMs));
  const outsideContainer = new ContainerClient(o.images.curl);
  teardown.add('stop the outside client', () => outsideContainer.stop());
  const outside = o.cluster === 'kind' && !hostRoutesToKind() ? (q: Parameters<typeof fromHost>[0]) => outsideContainer.request(q) : fromHost;
  const env = makeEnv(cluster, {
    timing: o.timing, supported: sel.supported, gatewayClass: sel.gatewayClass, signals: sel.signals, outside, log: progress.line, planes: new Set(o.planes), images: o.images, podSecurity: o.podSecurity,
  });
  const ictx: InstallContext = {
    cluster, kubeconfig: access.kubeconfig, context: access.context, istioVersion: o.istioVersion,
    kindNetwork: o.cluster === 'kind', teardown, timing: o.timing, runId: env.runId, log: progress.line, istioSettings: sel.istioSettings,
    mesh: { istioNamespace: o.istioNamespace, revision: o.revision },
  };
  const istioctl = istioctlOnce(r);
  await install(o, ictx, (n, f) => progress.step(n, f), () => istioctl(o.istioVersion));
  Object.assign(facts, await readInstalled(cluster, ictx.mesh));
  env.mesh = facts.mesh = await progress.step('read the mesh: istiod, trust domain, DNS domain', () => readMesh(cluster, ictx.mesh));
  progress.line(meshLine(env.mesh));
  await checkWaypointsAdmitted(cluster, env.mesh, o.podSecurity);
  facts.gatewayClass = await progress.step(`GatewayClass ${sel.gatewayClass} Accepted`, () =>
    checkGatewayClass(cluster, sel.gatewayClass, expectedController(sel.gatewayClass, sel.controllerName), o.timing));
  await istioctl(facts.istioVersion!).then(
    (t) => env.dumpers.push(istioctlDumper(t.path, ictx.kubeconfig, ictx.context)),
    (err) => progress.line(`istioctl unavailable, diagnostics without it: ${(err as Error).message}`),
  );
  return env;
}

function evidenceOfFailure(r: Run, setupFailed: boolean): Promise<void> {
  const reached = r.facts.kubernetesVersion !== 'unknown' ? r.cluster : undefined;
  return failureEvidence(r.o, r.access, reached, setupFailed).catch((e) => r.progress.line(`failure evidence incomplete: ${(e as Error).message}`));
}

/** The scenarios, then what the report will say: the exit code and the function that writes it. */
async function runScenarios(r: Run, env: RunEnv): Promise<{ exitCode: number; writeReport: () => Promise<void> }> {
  const parallel = r.o.parallel ?? chooseParallelism(await env.cluster.list('v1', 'Node'));
  const what = `${r.sel.scenarios.length} scenarios, ${parallel} at once${r.o.parallel ? '' : ' (from the nodes\' CPUs)'}${r.o.planes.length === 1 ? ', control-plane checks only' : ''}`;
  const result = await r.progress.step(what, () => runWithClients(env, r.sel.scenarios, parallel, (x) => r.progress.line(resultLine(x))));
  const n = countOutcomes(result.results);
  const exitCode = exitCodeOf(result);
  if (exitCode !== EXIT.ok) await evidenceOfFailure(r, Boolean(result.setup));
  r.progress.line(`${n.passed} passed, ${n.failed} failed, ${n.error} errors, ${n['not-run']} not run, ${n['not-supported']} not supported`);
  if (r.o.profile) for (const l of profileLines(result.results, parallel, result.laps)) r.progress.line(l);
  return { exitCode, writeReport: () => report(r.o, r.sel, r.facts, result, [...env.planes]) };
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
  return Object.entries(t).filter(([, tool]) => tool).map(([name, tool]) => `${name}: ${tool!.path} (forced, ${tool!.version})`);
}

/**
 * A SIGINT or SIGTERM: tear down (done by Teardown.onSignals), then leave a sealed record of the
 * interrupted run that report:verify accepts as such, and exit 130. Runs once, whichever of the
 * signal handler and the run's own catch gets here first.
 */
function interruption(r: Run): () => Promise<never> {
  let once: Promise<never> | undefined;
  return () => (once ??= (async () => {
    await r.teardown.runAll(r.progress.line); // started by the signal handler, which logs what failed
    const signal = r.teardown.received ?? 'a signal';
    const step = [...r.progress.running][0] ?? r.progress.failedStep ?? 'before the first step';
    await reportInterrupted(r.o, r.sel, r.facts, step, signal);
    sealBundle(r.o.reportDir);
    console.error(formatUserError(new Interrupted(`interrupted by ${signal} at "${step}": what this run created was torn down`, `the report in ${r.o.reportDir} records the interruption; run again`)));
    process.exit(EXIT.interrupted);
  })());
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
    console.log(`left by earlier runs on ${cluster.description}, deleting:\n${leftoverLines(left).map((l) => `  ${l}`).join('\n')}`);
    const still = await removeLeftovers(cluster, left, o.timing);
    if (still.length > 0) throw new InfraError(`namespaces still present after deletion: ${still.join(', ')}`, 'look at their finalizers: kubectl get namespace NAME -o yaml');
    console.log(`deleted ${left.length} namespace${left.length === 1 ? '' : 's'}`);
    return EXIT.ok;
  } finally {
    await teardown.runAll(() => {});
  }
}

async function run(o: E2eOptions): Promise<number> {
  if (o.cleanup) return cleanUp(o);
  if (o.printRbac) {
    process.stdout.write(rbacManifest());
    return EXIT.ok;
  }
  const sel = decide(o, CATALOGUE);
  if (o.list || o.plan) {
    console.log(o.list ? listing(o.json) : [...plan({ ...o, gatewayClass: sel.gatewayClass }, sel.scenarios), `features: ${sel.featuresFrom}`].join('\n'));
    return EXIT.ok;
  }
  const tools = await checkLocal(o);
  prepareReportDir(o.reportDir);
  const r: Run = { o, sel, tools, progress: new Progress(o.reportDir), teardown: new Teardown(), facts: { kubernetesVersion: 'unknown', gatewayApi: { version: 'unknown', channel: 'unknown' } } };
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
    outcome = { exitCode: EXIT.infrastructure, writeReport: () => reportSetupFailure(o, sel, r.facts, r.progress.failedStep ?? 'setup', err) };
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

await runMain('npm run e2e -- --help', () => run(parseE2eArgs(process.argv.slice(2))));
