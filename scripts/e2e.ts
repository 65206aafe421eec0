/**
 * npm run e2e: create (or use) a cluster, install MetalLB, the Gateway API CRDs and Istio ambient,
 * run the waypoint scenarios with real traffic, write the report, tear down what the run created.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CommanderError } from 'commander';
import { parseE2eArgs, type E2eOptions } from '../harness/cli/args.ts';
import { formatUserError, UserError } from '../harness/cli/errors.ts';
import { Progress, resultLine } from '../harness/cli/progress.ts';
import { loadKubeConfig, KubeCluster, KubeContextError } from '../harness/cluster/kube.ts';
import { ContainerClient, fromHost, hostRoutesToKind } from '../harness/traffic/outside.ts';
import { plan } from '../harness/platform/plan.ts';
import { checkResources, dockerResources } from '../harness/platform/preflight.ts';
import { Teardown } from '../harness/platform/teardown.ts';
import * as kind from '../harness/platform/kind.ts';
import { resolveIstioctl, resolveKind } from '../harness/platform/tools.ts';
import { istioctlDumper } from '../harness/platform/istioctl-dumps.ts';
import { checkIstioReady, detectIstio, installGatewayApi, installIstio, installMetallb, type InstallContext } from '../harness/platform/install.ts';
import { KIND } from '../harness/platform/versions.ts';
import { ISTIO_FEATURES, parseFeatures } from '../harness/runner/features.ts';
import { makeEnv, runCatalogue } from '../harness/runner/run.ts';
import { select } from '../harness/runner/suite-runner.ts';
import { countOutcomes } from '../harness/runner/results.ts';
import { writeReportBundle } from '../harness/report/bundle.ts';
import { loadImplementation } from '../harness/report/implementation.ts';
import { CATALOGUE } from '../suites/index.ts';
import type { Feature } from '../harness/scenario/types.ts';

function listing(json: boolean): string {
  const rows = CATALOGUE.map((s) => ({ id: s.id, area: s.area, description: s.description, features: s.features, tier: s.tier, source: s.source }));
  if (json) return JSON.stringify(rows, null, 2);
  return rows.map((r) => `${r.id.padEnd(46)} ${r.tier.padEnd(9)} ${r.description}`).join('\n');
}

async function run(o: E2eOptions): Promise<number> {
  const claim = o.certify ? loadImplementation(o.implementation!) : undefined;
  const supported: ReadonlySet<Feature> = claim?.features ?? (o.features ? parseFeatures(o.features) : ISTIO_FEATURES);
  let scenarios = select(CATALOGUE, { grep: o.grep });
  if (claim) scenarios = scenarios.filter((s) => claim.profiles.includes(s.tier));
  if (o.list) {
    console.log(listing(o.json));
    return 0;
  }
  if (o.plan) {
    console.log(plan({ ...o, gatewayClass: claim?.implementation.gatewayClassName ?? o.gatewayClass }, scenarios).join('\n'));
    return 0;
  }

  // Preflight: before any download or change.
  let kubeconfigPath = o.kubeconfig ?? '';
  let kc;
  if (o.cluster === 'existing') {
    try {
      kc = loadKubeConfig(o.kubeconfig, o.context);
    } catch (err) {
      if (err instanceof KubeContextError) throw new UserError(err.message);
      throw new UserError(`cannot load the kubeconfig${o.kubeconfig ? ` ${o.kubeconfig}` : ''}: ${(err as Error).message}`, 'pass --kubeconfig with a readable file');
    }
  } else {
    checkResources(await dockerResources());
  }

  const progress = new Progress(o.reportDir);
  const teardown = new Teardown();
  const removeSignals = teardown.onSignals(progress.line);
  let exitCode = 1;
  try {
    if (o.cluster === 'kind') {
      const kindBin = await progress.step(`kind ${KIND.version}`, resolveKind);
      const exists = await kind.clusterExists(kindBin, KIND.clusterName);
      if (exists && !o.reuseCluster) {
        throw new UserError(`a kind cluster named "${KIND.clusterName}" already exists and this run did not create it`, 'pass --reuse-cluster to use it, or delete it with `kind delete cluster --name wpt`');
      }
      if (!exists) {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'wpt-'));
        writeFileSync(path.join(dir, 'kind.yaml'), kind.kindConfig());
        await progress.step(`kind cluster ${KIND.clusterName} (${KIND.nodeImage})`, () => kind.createCluster(kindBin, KIND.clusterName, path.join(dir, 'kind.yaml')));
        if (!o.keepCluster) teardown.add(`delete kind cluster ${KIND.clusterName}`, () => kind.deleteCluster(kindBin, KIND.clusterName));
      }
      kubeconfigPath = path.join(mkdtempSync(path.join(os.tmpdir(), 'wpt-kc-')), 'kubeconfig');
      writeFileSync(kubeconfigPath, await kind.kubeconfigFor(kindBin, KIND.clusterName));
      kc = loadKubeConfig(kubeconfigPath, `kind-${KIND.clusterName}`);
      teardown.add('export kind logs on failure', async () => {
        if (exitCode !== 0) await kind.exportLogs(kindBin, KIND.clusterName, path.join(o.reportDir, 'kind-logs'));
      });
    }
    const outsideContainer = new ContainerClient();
    const outside = o.cluster === 'kind' && !hostRoutesToKind() ? (r: Parameters<typeof fromHost>[0]) => outsideContainer.request(r) : fromHost;
    teardown.add('stop the outside client', () => outsideContainer.stop());
    const cluster = new KubeCluster(kc!);
    const k8sVersion = await progress.step(`cluster answers (${cluster.description})`, () => cluster.serverVersion()).catch((err) => {
      throw new UserError(`the cluster (${cluster.description}) does not answer: ${(err as Error).message}`, 'check the context with `kubectl --context <name> get nodes`');
    });
    const env = makeEnv(cluster, {
      timing: o.timing, supported, gatewayClass: claim?.implementation.gatewayClassName ?? o.gatewayClass, outside, log: progress.line,
    });
    const ictx: InstallContext = {
      cluster, kubeconfig: kubeconfigPath || path.join(os.homedir(), '.kube', 'config'), context: kc!.getCurrentContext(),
      istioVersion: o.istioVersion, kindNetwork: o.cluster === 'kind', teardown, timing: o.timing, runId: env.runId, log: progress.line,
    };
    let gatewayApi = { version: 'unknown', channel: 'unknown' };
    let istioVersion: string | undefined;
    if (o.skipInstall) {
      istioVersion = await detectIstio(cluster);
      if (!istioVersion) throw new UserError('--skip-install: Istio is not installed in this cluster (no istiod in istio-system)', 'drop --skip-install to let the suite install it');
      const crd = await cluster.get({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: 'gateways.gateway.networking.k8s.io' });
      if (!crd) throw new UserError('--skip-install: the Gateway API CRDs are not installed', 'drop --skip-install, or install them first');
      gatewayApi = { version: crd.metadata.annotations?.['gateway.networking.k8s.io/bundle-version'] ?? 'unknown', channel: crd.metadata.annotations?.['gateway.networking.k8s.io/channel'] ?? 'unknown' };
      await progress.step('istiod, istio-cni and ztunnel ready', () => checkIstioReady(ictx));
    } else {
      if (o.cluster === 'kind') await progress.step('MetalLB', () => installMetallb(ictx));
      gatewayApi = await progress.step('Gateway API CRDs', () => installGatewayApi(ictx));
      istioVersion = await progress.step(`Istio ${o.istioVersion} ambient`, () => installIstio(ictx));
    }
    if (istioVersion) {
      const istioctl = await progress.step(`istioctl ${istioVersion} for diagnostics`, () => resolveIstioctl(istioVersion!)).catch(() => undefined);
      if (istioctl) env.dumpers.push(istioctlDumper(istioctl, ictx.kubeconfig, ictx.context));
    }
    const { results, setup } = await progress.step(`${scenarios.length} scenarios`, () => runCatalogue(env, scenarios, o.parallel, (r) => progress.line(resultLine(r))));
    await writeReportBundle(o.reportDir, {
      results, scenarios, setup, planes: [...env.planes],
      implementation: claim?.implementation ?? { organization: 'istio', project: 'istio', version: istioVersion ?? 'unknown', url: 'https://istio.io', contact: [], gatewayClassName: env.gatewayClass },
      environment: { kubernetesVersion: k8sVersion, istioVersion, gatewayApi, kindNodeImage: o.cluster === 'kind' ? KIND.nodeImage : undefined, commandLine: `npm run e2e -- ${process.argv.slice(2).join(' ')}`.trim() },
      mode: claim ? 'certification' : 'e2e',
      claimedFeatures: claim ? [...claim.features] : undefined,
      claimedProfiles: claim?.profiles,
    });
    const n = countOutcomes(results);
    progress.line(`${n.passed} passed, ${n.failed} failed, ${n.error} errors, ${n['not-run']} not run, ${n['not-supported']} not supported; report in ${o.reportDir}`);
    exitCode = setup || n.error > 0 ? 3 : n.failed > 0 ? 1 : 0;
  } finally {
    for (const f of await teardown.runAll(progress.line)) progress.line(`teardown failed: ${f}`);
    removeSignals();
  }
  return exitCode;
}

async function main(): Promise<number> {
  try {
    return await run(parseE2eArgs(process.argv.slice(2)));
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof UserError) {
      console.error(formatUserError(err));
      return 2;
    }
    console.error(`error: ${(err as Error).stack ?? err}`);
    return 1;
  }
}

process.exitCode = await main();
