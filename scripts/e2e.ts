/**
 * npm run e2e: parse → bring up the cluster → install → gate → run the scenarios → report → tear down.
 * Exit codes: harness/cli/errors.ts EXIT (README "Exit codes").
 */
import '../harness/cli/require-node.ts';
import { CommanderError } from 'commander';
import { parseE2eArgs, type E2eOptions } from '../harness/cli/args.ts';
import { EXIT, InfraError, Interrupted, reportError } from '../harness/cli/errors.ts';
import { Progress, resultLine } from '../harness/cli/progress.ts';
import { prepareReportDir } from '../harness/cli/report-dir.ts';
import { failureEvidence, report, reportSetupFailure, type Facts } from '../harness/cli/run-report.ts';
import { decide, type Selection } from '../harness/cli/select.ts';
import { KubeCluster } from '../harness/cluster/kube.ts';
import { ContainerClient, fromHost, hostRoutesToKind } from '../harness/traffic/outside.ts';
import { checkReachable, useExisting, type ClusterAccess } from '../harness/platform/bringup.ts';
import { findLeftovers, leftoverLines, removeLeftovers } from '../harness/platform/cleanup.ts';
import { MANAGED_BY } from '../harness/manifests/manifests.ts';
import { checkGatewayClass, expectedController } from '../harness/platform/gateway-class.ts';
import { readInstalled, type InstallContext } from '../harness/platform/install.ts';
import { istioctlDumper } from '../harness/platform/istioctl-dumps.ts';
import { plan } from '../harness/platform/plan.ts';
import { rbacManifest } from '../harness/platform/rbac.ts';
import { checkWaypointsAdmitted, meshLine, readMesh } from '../harness/platform/mesh.ts';
import { bringUp, install } from '../harness/platform/setup.ts';
import { Teardown } from '../harness/platform/teardown.ts';
import { resolveIstioctl, type Tool } from '../harness/platform/tools.ts';
import type { RunEnv } from '../harness/runner/env.ts';
import { countOutcomes } from '../harness/runner/results.ts';
import { makeEnv, runCatalogue } from '../harness/runner/run.ts';
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
}

function istioctlOnce(r: Run): (version: string) => Promise<Tool> {
  let found: Promise<Tool> | undefined;
  return (version) => (found ??= r.progress.step(`istioctl ${version}`, async () => {
    const t = await resolveIstioctl(version, r.o.istioctl);
    r.progress.line(`istioctl: ${t.path} (${t.origin}${t.version ? `, ${t.version}` : ''})`);
    return t;
  }));
}

/** Bring up, check the cluster answers, install, gate: everything before the first scenario. */
async function setUp(r: Run): Promise<RunEnv> {
  const { o, sel, progress, teardown, facts } = r;
  const access = (r.access = await bringUp(o, (n, f) => progress.step(n, f), progress.line, teardown));
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
  const result = await r.progress.step(what, () => runCatalogue(env, r.sel.scenarios, parallel, (x) => r.progress.line(resultLine(x))));
  const n = countOutcomes(result.results);
  const exitCode = result.setup || n.error > 0 ? EXIT.infrastructure : n.failed > 0 ? EXIT.scenarioFailed : EXIT.ok;
  if (exitCode !== EXIT.ok) await evidenceOfFailure(r, Boolean(result.setup));
  r.progress.line(`${n.passed} passed, ${n.failed} failed, ${n.error} errors, ${n['not-run']} not run, ${n['not-supported']} not supported`);
  if (r.o.profile) for (const l of profileLines(result.results, parallel, result.laps)) r.progress.line(l);
  return { exitCode, writeReport: () => report(r.o, r.sel, r.facts, result, [...env.planes]) };
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
  prepareReportDir(o.reportDir);
  const r: Run = { o, sel, progress: new Progress(o.reportDir), teardown: new Teardown(), facts: { kubernetesVersion: 'unknown', gatewayApi: { version: 'unknown', channel: 'unknown' } } };
  const removeSignals = r.teardown.onSignals(r.progress.line);
  r.progress.line(`GatewayClass ${sel.gatewayClass}, features: ${sel.featuresFrom}`);
  let outcome: { exitCode: number; writeReport: () => Promise<void> };
  let failure: unknown;
  try {
    outcome = await runScenarios(r, await setUp(r));
  } catch (err) {
    // A step stopped by SIGINT/SIGTERM fails too: that is the interruption, not a setup failure.
    if (r.teardown.interrupted) throw new Interrupted('interrupted: what this run created was torn down', undefined, { cause: err });
    await evidenceOfFailure(r, true);
    failure = err;
    outcome = { exitCode: EXIT.infrastructure, writeReport: () => reportSetupFailure(o, sel, r.facts, r.progress.failedStep ?? 'setup', err) };
  } finally {
    for (const f of await r.teardown.runAll(r.progress.line)) r.progress.line(`teardown failed: ${f}`);
    removeSignals();
  }
  // Written last, then sealed: evidence.json covers every file, run.log with the teardown included.
  await outcome.writeReport();
  sealBundle(o.reportDir);
  console.log(`report in ${o.reportDir}`);
  if (failure) throw failure;
  return outcome.exitCode;
}

async function main(argv: string[]): Promise<number> {
  try {
    return await run(parseE2eArgs(argv));
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    return reportError(err, argv.includes('--debug'));
  }
}

const code = await main(process.argv.slice(2));
// A request still in flight (a cluster that never answered) must not keep the process alive.
process.exit(code);
