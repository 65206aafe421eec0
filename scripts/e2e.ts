/**
 * npm run e2e: parse → bring up the cluster → install → gate → run the scenarios → report → tear down.
 * Exit codes: harness/cli/errors.ts EXIT (README "Exit codes").
 */
import '../harness/cli/require-node.ts';
import { CommanderError } from 'commander';
import { parseE2eArgs, type E2eOptions } from '../harness/cli/args.ts';
import { EXIT, reportError } from '../harness/cli/errors.ts';
import { Progress, resultLine } from '../harness/cli/progress.ts';
import { prepareReportDir } from '../harness/cli/report-dir.ts';
import { selectScenarios } from '../harness/cli/select.ts';
import { KubeCluster } from '../harness/cluster/kube.ts';
import { ContainerClient, fromHost, hostRoutesToKind } from '../harness/cluster/outside.ts';
import { bringUpKind, checkReachable, kindPreflight, useExisting, type ClusterAccess } from '../harness/platform/bringup.ts';
import { checkGatewayClass, expectedController } from '../harness/platform/gateway-class.ts';
import { checkInstalled, installGatewayApi, installIstio, installMetallb, readInstalled, type InstallContext } from '../harness/platform/install.ts';
import { istioctlDumper } from '../harness/platform/istioctl-dumps.ts';
import { plan } from '../harness/platform/plan.ts';
import { Teardown } from '../harness/platform/teardown.ts';
import { resolveIstioctl, type Tool } from '../harness/platform/tools.ts';
import { KIND } from '../harness/platform/versions.ts';
import { ISTIO_FEATURES, parseFeatures } from '../harness/runner/features.ts';
import { makeEnv, runCatalogue } from '../harness/runner/run.ts';
import { writeReportBundle } from '../harness/report/bundle.ts';
import { loadImplementation, type ImplementationClaim } from '../harness/report/implementation.ts';
import { CATALOGUE } from '../suites/index.ts';
import type { Feature, Scenario } from '../harness/scenario/types.ts';

function listing(json: boolean): string {
  const rows = CATALOGUE.map((s) => ({ id: s.id, area: s.area, description: s.description, features: s.features, tier: s.tier, source: s.source }));
  if (json) return JSON.stringify(rows, null, 2);
  return rows.map((r) => `${r.id.padEnd(46)} ${r.tier.padEnd(9)} ${r.description}`).join('\n');
}

/** What the command line and the implementation file decide before anything is touched. */
interface Selection {
  claim?: ImplementationClaim;
  supported: ReadonlySet<Feature>;
  gatewayClass: string;
  scenarios: Scenario[];
}

function decide(o: E2eOptions): Selection {
  const claim = o.implementation ? loadImplementation(o.implementation) : undefined;
  let scenarios = selectScenarios(CATALOGUE, o.grep);
  if (claim && o.certify) scenarios = scenarios.filter((s) => claim.profiles.includes(s.tier));
  return {
    claim,
    supported: claim?.features ?? (o.features ? parseFeatures(o.features) : ISTIO_FEATURES),
    gatewayClass: claim?.implementation.gatewayClassName ?? o.gatewayClass,
    scenarios,
  };
}

async function install(o: E2eOptions, ictx: InstallContext, progress: Progress, istioctl: () => Promise<Tool>): Promise<void> {
  if (o.skipInstall) {
    await progress.step('Gateway API CRDs, istiod, istio-cni and ztunnel present and ready', () => checkInstalled(ictx));
    return;
  }
  if (o.cluster === 'kind') await progress.step('MetalLB', () => installMetallb(ictx));
  await progress.step('Gateway API CRDs', () => installGatewayApi(ictx));
  await progress.step(`Istio ${o.istioVersion} ambient`, () => installIstio(ictx, istioctl));
}

async function run(o: E2eOptions): Promise<number> {
  const sel = decide(o);
  if (o.list) {
    console.log(listing(o.json));
    return EXIT.ok;
  }
  if (o.plan) {
    console.log(plan({ ...o, gatewayClass: sel.gatewayClass }, sel.scenarios).join('\n'));
    return EXIT.ok;
  }
  prepareReportDir(o.reportDir);
  const teardown = new Teardown();
  // Checked before any download or change: the kubeconfig and its context, or Docker for kind.
  let access: ClusterAccess | undefined = o.cluster === 'existing' ? useExisting(o, teardown) : undefined;
  if (o.cluster === 'kind') await kindPreflight();

  const progress = new Progress(o.reportDir);
  const removeSignals = teardown.onSignals(progress.line);
  let exitCode: number = EXIT.infrastructure;
  try {
    access ??= await bringUpKind(o, { teardown, step: (n, f) => progress.step(n, f), log: progress.line, failed: () => exitCode !== EXIT.ok, reportDir: o.reportDir });
    const outsideContainer = new ContainerClient();
    teardown.add('stop the outside client', () => outsideContainer.stop());
    const outside = o.cluster === 'kind' && !hostRoutesToKind() ? (r: Parameters<typeof fromHost>[0]) => outsideContainer.request(r) : fromHost;
    const cluster = new KubeCluster(access.kc, outside);
    const server = access.kc.getCurrentCluster()?.server ?? 'unknown server';
    const k8sVersion = await progress.step(`cluster answers (${cluster.description}, ${server})`, () => checkReachable(cluster, server, o.connectTimeoutMs));
    const env = makeEnv(cluster, { timing: o.timing, supported: sel.supported, gatewayClass: sel.gatewayClass, parallel: o.parallel, log: progress.line });
    const ictx: InstallContext = {
      cluster, kubeconfig: access.kubeconfig, context: access.context, istioVersion: o.istioVersion,
      kindNetwork: o.cluster === 'kind', teardown, timing: o.timing, runId: env.runId, log: progress.line,
    };
    let istioctl: Promise<Tool> | undefined;
    const getIstioctl = (version: string) => (istioctl ??= progress.step(`istioctl ${version}`, () => resolveIstioctl(version, o.istioctl)));
    await install(o, ictx, progress, () => getIstioctl(o.istioVersion));
    const installed = await readInstalled(cluster);
    const gatewayClass = await progress.step(`GatewayClass ${sel.gatewayClass} Accepted`, () =>
      checkGatewayClass(cluster, sel.gatewayClass, expectedController(sel.gatewayClass, sel.claim?.controllerName), o.timing));
    const dumper = await getIstioctl(installed.istioVersion).then((t) => istioctlDumper(t.path, ictx.kubeconfig, ictx.context), (err) => {
      progress.line(`istioctl unavailable, diagnostics without it: ${(err as Error).message}`);
      return undefined;
    });
    if (dumper) env.dumpers.push(dumper);
    const results = await progress.step(`${sel.scenarios.length} scenarios`, () => runCatalogue(env, sel.scenarios, o.parallel, (r) => progress.line(resultLine(r))));
    await writeReportBundle(o.reportDir, {
      results, scenarios: sel.scenarios,
      implementation: sel.claim?.implementation ?? { organization: 'istio', project: 'istio', version: installed.istioVersion, url: 'https://istio.io', contact: [], gatewayClassName: sel.gatewayClass },
      environment: {
        kubernetesVersion: k8sVersion, istioVersion: installed.istioVersion, gatewayApi: installed.gatewayApi, gatewayClass,
        kindNodeImage: o.cluster === 'kind' ? KIND.nodeImage : undefined, commandLine: `npm run e2e -- ${process.argv.slice(2).join(' ')}`.trim(),
      },
      mode: o.certify ? 'certification' : 'e2e',
      claimedFeatures: o.certify && sel.claim ? [...sel.claim.features] : undefined,
      claimedProfiles: o.certify ? sel.claim?.profiles : undefined,
    });
    const failed = results.filter((r) => r.status === 'failed').length;
    progress.line(`${results.filter((r) => r.status === 'passed').length} passed, ${failed} failed, ${results.filter((r) => r.status === 'skipped').length} skipped; report in ${o.reportDir}`);
    exitCode = failed === 0 ? EXIT.ok : EXIT.scenarioFailed;
  } finally {
    for (const f of await teardown.runAll(progress.line)) progress.line(`teardown failed: ${f}`);
    removeSignals();
  }
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
