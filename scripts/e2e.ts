/**
 * npm run e2e: parse → bring up the cluster → install → gate → run the scenarios → report → tear down.
 * Exit codes: harness/cli/errors.ts EXIT (README "Exit codes").
 */
import '../harness/cli/require-node.ts';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CommanderError } from 'commander';
import { stringify } from 'yaml';
import { parseE2eArgs, type E2eOptions } from '../harness/cli/args.ts';
import { EXIT, Interrupted, reportError } from '../harness/cli/errors.ts';
import { Progress, resultLine } from '../harness/cli/progress.ts';
import { prepareReportDir } from '../harness/cli/report-dir.ts';
import { decide, type Selection } from '../harness/cli/select.ts';
import { KubeCluster } from '../harness/cluster/kube.ts';
import { ContainerClient, fromHost, hostRoutesToKind } from '../harness/traffic/outside.ts';
import { bringUpKind, checkReachable, kindPreflight, useExisting, type ClusterAccess } from '../harness/platform/bringup.ts';
import { withDeadline } from '../harness/platform/deadline.ts';
import { checkGatewayClass, expectedController } from '../harness/platform/gateway-class.ts';
import { checkInstalled, installGatewayApi, installIstio, installMetallb, readInstalled, type InstallContext } from '../harness/platform/install.ts';
import { istioctlDumper } from '../harness/platform/istioctl-dumps.ts';
import { plan } from '../harness/platform/plan.ts';
import { setupDiagnostics } from '../harness/platform/setup-diagnostics.ts';
import { Teardown } from '../harness/platform/teardown.ts';
import { resolveIstioctl, type Tool } from '../harness/platform/tools.ts';
import { KIND } from '../harness/platform/versions.ts';
import { makeEnv, runCatalogue } from '../harness/runner/run.ts';
import { countOutcomes, type RunResult } from '../harness/runner/results.ts';
import { unrunSuite } from '../harness/runner/suite-runner.ts';
import { writeReportBundle } from '../harness/report/bundle.ts';
import { CATALOGUE } from '../suites/index.ts';
import type { Cluster } from '../harness/cluster/types.ts';

function listing(json: boolean): string {
  const rows = CATALOGUE.map((s) => ({ id: s.id, area: s.area, description: s.description, features: s.features, tier: s.tier, source: s.source }));
  if (json) return JSON.stringify(rows, null, 2);
  return rows.map((r) => `${r.id.padEnd(46)} ${r.tier.padEnd(9)} ${r.description}`).join('\n');
}

/** Each install step is bounded as a whole: a request the API server never answers cannot hang the run. */
const INSTALL_DEADLINE_MS = 20 * 60_000;

async function install(o: E2eOptions, ictx: InstallContext, progress: Progress, istioctl: () => Promise<Tool>): Promise<void> {
  const step = (name: string, fn: () => Promise<void>) => progress.step(name, () => withDeadline(name, INSTALL_DEADLINE_MS, fn));
  if (o.skipInstall) {
    await step('Gateway API CRDs, istiod, istio-cni and ztunnel present and ready', () => checkInstalled(ictx));
    return;
  }
  if (o.cluster === 'kind') await step('MetalLB', () => installMetallb(ictx));
  await step('Gateway API CRDs', () => installGatewayApi(ictx));
  await step(`Istio ${o.istioVersion} ambient`, () => installIstio(ictx, istioctl));
}

/** What the run learnt about the cluster so far: the report of a failed setup says as much as is known. */
interface Facts {
  kubernetesVersion: string;
  istioVersion?: string;
  gatewayApi: { version: string; channel: string };
  gatewayClass?: { name: string; controllerName: string };
}

async function report(o: E2eOptions, sel: Selection, facts: Facts, run: RunResult): Promise<void> {
  await writeReportBundle(o.reportDir, {
    results: run.results, scenarios: sel.scenarios, setup: run.setup,
    implementation: sel.claim?.implementation ?? { organization: 'istio', project: 'istio', version: facts.istioVersion ?? 'unknown', url: 'https://istio.io', contact: [], gatewayClassName: sel.gatewayClass },
    environment: { ...facts, kindNodeImage: o.cluster === 'kind' ? KIND.nodeImage : undefined, commandLine: `npm run e2e -- ${process.argv.slice(2).join(' ')}`.trim() },
    mode: o.certify ? 'certification' : 'e2e',
    claimedFeatures: o.certify && sel.claim ? [...sel.claim.features] : undefined,
    claimedProfiles: o.certify ? sel.claim?.profiles : undefined,
  });
}

/** A setup step broke: the bundle records the step, what broke and the fix; every scenario is not run. */
async function reportSetupFailure(o: E2eOptions, sel: Selection, facts: Facts, step: string, err: unknown): Promise<void> {
  const setup = { step, message: (err as Error).message, fix: (err as { fix?: string }).fix };
  await report(o, sel, facts, { results: unrunSuite(sel.scenarios, `setup failed: ${step}`), setup }).catch((e) => {
    console.error(`could not write the report of the failed setup: ${(e as Error).message}`);
  });
}

/** Checked before any download or change: the kubeconfig and its context, or Docker for kind. */
async function bringUp(o: E2eOptions, progress: Progress, teardown: Teardown): Promise<ClusterAccess> {
  if (o.cluster === 'existing') return progress.step('kubeconfig and context', async () => useExisting(o, teardown));
  await progress.step('Docker reachable, with the resources kind needs', kindPreflight);
  return bringUpKind(o, { teardown, step: (n, f) => progress.step(n, f), log: progress.line });
}

/** What a failed run leaves to look at, written before the bundle seals the directory with evidence.json. */
async function failureEvidence(o: E2eOptions, access: ClusterAccess | undefined, cluster: Cluster | undefined, setupFailed: boolean): Promise<void> {
  if (cluster && setupFailed) {
    mkdirSync(path.join(o.reportDir, 'diagnostics'), { recursive: true });
    writeFileSync(path.join(o.reportDir, 'diagnostics', 'setup.yaml'), stringify(await setupDiagnostics(cluster)));
  }
  await access?.collectLogs?.(path.join(o.reportDir, 'kind-logs'));
}

async function run(o: E2eOptions): Promise<number> {
  const sel = decide(o, CATALOGUE);
  if (o.list) {
    console.log(listing(o.json));
    return EXIT.ok;
  }
  if (o.plan) {
    console.log(plan({ ...o, gatewayClass: sel.gatewayClass }, sel.scenarios).join('\n'));
    return EXIT.ok;
  }
  prepareReportDir(o.reportDir);
  const progress = new Progress(o.reportDir);
  const teardown = new Teardown();
  const removeSignals = teardown.onSignals(progress.line);
  const facts: Facts = { kubernetesVersion: 'unknown', gatewayApi: { version: 'unknown', channel: 'unknown' } };
  let access: ClusterAccess | undefined;
  let cluster: KubeCluster | undefined;
  let exitCode: number = EXIT.infrastructure;
  let writeReport: () => Promise<void> = async () => {};
  let failure: unknown;
  try {
    access = await bringUp(o, progress, teardown);
    const kube = new KubeCluster(access.kc);
    cluster = kube;
    const server = access.kc.getCurrentCluster()?.server ?? 'unknown server';
    facts.kubernetesVersion = await progress.step(`cluster answers (${kube.description}, ${server})`, () => checkReachable(kube, server, o.connectTimeoutMs));
    const outsideContainer = new ContainerClient();
    teardown.add('stop the outside client', () => outsideContainer.stop());
    const outside = o.cluster === 'kind' && !hostRoutesToKind() ? (r: Parameters<typeof fromHost>[0]) => outsideContainer.request(r) : fromHost;
    const env = makeEnv(kube, { timing: o.timing, supported: sel.supported, gatewayClass: sel.gatewayClass, outside, log: progress.line });
    const ictx: InstallContext = {
      cluster: kube, kubeconfig: access.kubeconfig, context: access.context, istioVersion: o.istioVersion,
      kindNetwork: o.cluster === 'kind', teardown, timing: o.timing, runId: env.runId, log: progress.line,
    };
    let istioctl: Promise<Tool> | undefined;
    const getIstioctl = (version: string) => (istioctl ??= progress.step(`istioctl ${version}`, async () => {
      const t = await resolveIstioctl(version, o.istioctl);
      progress.line(`istioctl: ${t.path} (${t.origin}${t.version ? `, ${t.version}` : ''})`);
      return t;
    }));
    await install(o, ictx, progress, () => getIstioctl(o.istioVersion));
    Object.assign(facts, await readInstalled(kube));
    facts.gatewayClass = await progress.step(`GatewayClass ${sel.gatewayClass} Accepted`, () =>
      checkGatewayClass(kube, sel.gatewayClass, expectedController(sel.gatewayClass, sel.claim?.controllerName), o.timing));
    const dumper = await getIstioctl(facts.istioVersion!).then((t) => istioctlDumper(t.path, ictx.kubeconfig, ictx.context), (err) => {
      progress.line(`istioctl unavailable, diagnostics without it: ${(err as Error).message}`);
      return undefined;
    });
    if (dumper) env.dumpers.push(dumper);
    const result = await progress.step(`${sel.scenarios.length} scenarios`, () => runCatalogue(env, sel.scenarios, o.parallel, (r) => progress.line(resultLine(r))));
    const n = countOutcomes(result.results);
    exitCode = result.setup || n.error > 0 ? EXIT.infrastructure : n.failed > 0 ? EXIT.scenarioFailed : EXIT.ok;
    if (exitCode !== EXIT.ok) await failureEvidence(o, access, kube, Boolean(result.setup)).catch((e) => progress.line(`failure evidence incomplete: ${(e as Error).message}`));
    progress.line(`${n.passed} passed, ${n.failed} failed, ${n.error} errors, ${n['not-run']} not run, ${n['not-supported']} not supported`);
    writeReport = () => report(o, sel, facts, result);
  } catch (err) {
    // A step stopped by SIGINT/SIGTERM fails too: that is the interruption, not a setup failure.
    if (teardown.interrupted) throw new Interrupted('interrupted: what this run created was torn down', undefined, { cause: err });
    const reached = facts.kubernetesVersion !== 'unknown' ? cluster : undefined;
    await failureEvidence(o, access, reached, true).catch((e) => progress.line(`failure evidence incomplete: ${(e as Error).message}`));
    failure = err;
    writeReport = () => reportSetupFailure(o, sel, facts, progress.failedStep ?? 'setup', err);
  } finally {
    for (const f of await teardown.runAll(progress.line)) progress.line(`teardown failed: ${f}`);
    removeSignals();
  }
  // Written last: evidence.json seals every file, run.log with the teardown included.
  await writeReport();
  console.log(`report in ${o.reportDir}`);
  if (failure) throw failure;
  return exitCode;
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
