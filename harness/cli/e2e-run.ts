/**
 * One e2e run on a cluster: bring it up, check it answers, install, gate, run the scenarios, and
 * decide what the report says; on SIGINT/SIGTERM, a sealed record of the interrupted run.
 */
import { type E2eOptions } from './args.ts';
import { EXIT, Interrupted } from '../errors.ts';
import { exitWith } from './main.ts';

export const E2E_HELP = 'npm run e2e -- --help';
import { Progress } from './progress.ts';
import { resultLine } from '../runner/results.ts';
import { failureEvidence, report, reportInterrupted, type Facts } from './run-report.ts';
import type { Selection } from './select.ts';
import { KubeCluster } from '../cluster/kube.ts';
import { ContainerClient, fromHost, hostRoutesToKind } from '../traffic/outside.ts';
import { checkReachable, type ClusterAccess } from '../platform/cluster/bringup.ts';
import { checkGatewayClass, expectedController } from '../platform/install/gateway-class.ts';
import { readInstalled, type InstallContext } from '../platform/install/install.ts';
import { istioctlDumper } from '../platform/tools/istioctl-dumps.ts';
import { checkWaypointsAdmitted, meshLine, readMesh } from '../mesh/mesh.ts';
import { bringUp, install } from '../platform/setup.ts';
import { Teardown } from '../undo.ts';
import { resolveIstioctl, type ForcedTools, type Tool } from '../platform/tools/tools.ts';
import type { RunEnv } from '../runner/env.ts';
import { countOutcomes } from '../runner/results.ts';
import { exitCodeOf } from '../runner/outcome.ts';
import { makeEnv, runWithClients } from '../runner/run.ts';
import { chooseParallelism } from '../runner/parallelism.ts';
import { sealBundle } from '../report/seal.ts';
import { profileLines } from '../report/profile.ts';

/** One run's shared state: what it decided, logs, undoes, and learnt so far. */
export interface Run {
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
  return (version) =>
    (found ??= r.progress.step(`istioctl ${version}`, async () => {
      const t = await resolveIstioctl(version, r.o.istioctl);
      r.progress.line(`istioctl: ${t.path} (${t.origin}${t.version ? `, ${t.version}` : ''})`);
      return t;
    }));
}

/** Bring up, check the cluster answers, install, gate: everything before the first scenario. */
export async function setUp(r: Run): Promise<RunEnv> {
  const { o, sel, progress, teardown, facts } = r;
  const access = (r.access = await bringUp({ ...o, kindTool: r.tools.kind }, (n, f) => progress.step(n, f), progress.line, teardown));
  const cluster = (r.cluster = new KubeCluster(access.kc));
  const server = access.kc.getCurrentCluster()?.server ?? 'unknown server';
  facts.kubernetesVersion = await progress.step(`cluster answers (${cluster.description}, ${server})`, () =>
    checkReachable(cluster, server, o.connectTimeoutMs),
  );
  const outsideContainer = new ContainerClient(o.images.curl);
  teardown.add('stop the outside client', () => outsideContainer.stop());
  const env = makeEnv(cluster, {
    timing: o.timing,
    supported: sel.supported,
    gatewayClass: sel.gatewayClass,
    signals: sel.signals,
    outside: fromHost,
    log: progress.line,
    planes: new Set(o.planes),
    images: o.images,
    podSecurity: o.podSecurity,
  });
  // Where the host cannot reach kind's network, a curl container there sends the outside requests.
  if (o.cluster === 'kind' && !hostRoutesToKind())
    env.outside = (q) => {
      env.deployed.add(o.images.curl);
      return outsideContainer.request(q);
    };
  const ictx: InstallContext = {
    cluster,
    kubeconfig: access.kubeconfig,
    context: access.context,
    istioVersion: o.istioVersion,
    kindNetwork: o.cluster === 'kind',
    teardown,
    timing: o.timing,
    runId: env.runId,
    log: progress.line,
    istioSettings: sel.istioSettings,
    mesh: { istioNamespace: o.istioNamespace, revision: o.revision },
  };
  const istioctl = istioctlOnce(r);
  await install(
    o,
    ictx,
    (n, f) => progress.step(n, f),
    () => istioctl(o.istioVersion),
  );
  Object.assign(facts, await readInstalled(cluster, ictx.mesh));
  env.mesh = facts.mesh = await progress.step('read the mesh: istiod, trust domain, DNS domain', () => readMesh(cluster, ictx.mesh));
  progress.line(meshLine(env.mesh));
  await checkWaypointsAdmitted(cluster, env.mesh, o.podSecurity);
  facts.gatewayClass = await progress.step(`GatewayClass ${sel.gatewayClass} Accepted`, () =>
    checkGatewayClass(cluster, sel.gatewayClass, expectedController(sel.gatewayClass, sel.controllerName), o.timing),
  );
  await istioctl(facts.istioVersion!).then(
    (t) => env.dumpers.push(istioctlDumper(t.path, ictx.kubeconfig, ictx.context)),
    (err) => progress.line(`istioctl unavailable, diagnostics without it: ${(err as Error).message}`),
  );
  return env;
}

export function evidenceOfFailure(r: Run, setupFailed: boolean): Promise<void> {
  const reached = r.facts.kubernetesVersion !== 'unknown' ? r.cluster : undefined;
  return failureEvidence(r.o, r.access, reached, setupFailed).catch((e) =>
    r.progress.line(`failure evidence incomplete: ${(e as Error).message}`),
  );
}

/** The scenarios, then what the report will say: the exit code and the function that writes it. */
export async function runScenarios(r: Run, env: RunEnv): Promise<{ exitCode: number; writeReport: () => Promise<void> }> {
  const parallel = r.o.parallel ?? chooseParallelism(await env.cluster.list('v1', 'Node'));
  const what = `${r.sel.scenarios.length} scenarios, ${parallel} at once${r.o.parallel ? '' : " (from the nodes' CPUs)"}${r.o.planes.length === 1 ? ', control-plane checks only' : ''}`;
  const result = await r.progress.step(what, () => runWithClients(env, r.sel.scenarios, parallel, (x) => r.progress.line(resultLine(x))));
  const n = countOutcomes(result.results);
  const exitCode = exitCodeOf(result);
  if (exitCode !== EXIT.ok) await evidenceOfFailure(r, Boolean(result.setup));
  r.progress.line(
    `${n.passed} passed, ${n.failed} failed, ${n.error} errors, ${n['not-run']} not run, ${n['not-supported']} not supported`,
  );
  if (r.o.profile) for (const l of profileLines(result.results, parallel, result.laps)) r.progress.line(l);
  return { exitCode, writeReport: () => report(r.o, r.sel, r.facts, result, [...env.planes], [...env.deployed]) };
}

/**
 * A SIGINT or SIGTERM: tear down (done by Teardown.onSignals), then leave a sealed record of the
 * interrupted run that report:verify accepts as such, and exit 130. Runs once, whichever of the
 * signal handler and the run's own catch gets here first.
 */
export function interruption(r: Run): () => Promise<never> {
  let once: Promise<never> | undefined;
  return () =>
    (once ??= (async () => {
      await r.teardown.runAll(r.progress.line); // started by the signal handler, which logs what failed
      const signal = r.teardown.received ?? 'a signal';
      const step = [...r.progress.running][0] ?? r.progress.failedStep ?? 'before the first step';
      await reportInterrupted(r.o, r.sel, r.facts, step, signal);
      sealBundle(r.o.reportDir);
      exitWith(
        new Interrupted(
          `interrupted by ${signal} at "${step}": what this run created was torn down`,
          `the report in ${r.o.reportDir} records the interruption; run again`,
        ),
        E2E_HELP,
      );
    })());
}
