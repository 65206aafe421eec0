/**
 * A real control plane on this machine (test equipment): Kubernetes from source under kwok with
 * simulated nodes, Istio ambient installed by istioctl, istiod as a local process whose admission
 * webhooks are live, a supervisor that restarts any of these that exits (supervisor.ts), and either
 * a stand-in for istio-cni's enrollment mark (limits: cni-rules.ts) or, with --real-node, a real
 * node running istio-cni (equipment/real-node/node.ts). `down` fails unless the host is as `up` found it.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { UserError } from '../../harness/errors.ts';
import { KubeCluster } from '../../harness/cluster/kube.ts';
import { loadKubeConfig } from '../../harness/cluster/kubeconfig.ts';
import type { KubeObject } from '../../harness/cluster/types.ts';
import { sha256File } from '../../harness/digest.ts';
import { cacheDir, cachePathFor } from '../../harness/platform/tools/download.ts';
import { installGatewayApi } from '../../harness/platform/install/install.ts';
import { DEFAULT_ISTIO_NAMESPACE, REV_LABEL, WAYPOINT_SECCOMP_SETTING } from '../../harness/mesh/mesh.ts';
import { Teardown } from '../../harness/undo.ts';
import { gatewayApiFor } from '../../harness/versions/versions.ts';
import { CLUSTER_TIMING, waitFor } from '../../harness/wait.ts';
import { binaryPath, downloadModule, ensureBinary, goDirective, goVersionAtLeast, installedGo } from '../host/gobuild.ts';
import { captureHost, hostDifferences, type HostSnapshot } from './hoststate.ts';
import { addHosts, removeHosts } from '../host/hosts.ts';
import { configMapFiles, istiodProcess, readinessUrl } from './istiod.ts';
import { BINARIES, ISTIO_SOURCE, type Binaries, type BinaryKey } from '../host/pins.ts';
import { cmdlineOf, isRunning, records, startDaemon, stopDaemon, waitExited } from '../host/processes.ts';
import { SUPERVISOR } from './supervisor.ts';
import { rewriteWebhooks, webhookHosts } from './webhooks.ts';
import { istioCniValues, KWOK_NODE_ANNOTATION, readMeshImages } from '../real-node/mesh.ts';
import { downNode, netnsHostDir, NODE, nodePaths, SYSCTLS, upNode } from '../real-node/node.ts';
import { istiodSelector, meshSettings, type MeshShape } from './mesh-options.ts';

export const CLUSTER_NAME = 'wpt-cp';
const SIMULATED_NODES = 2;
const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function stateDir(): string {
  return process.env.WPT_CONTROLPLANE_STATE ?? path.join(os.homedir(), '.local', 'state', 'waypoint-conformance', 'controlplane');
}

const paths = (state = stateDir()) => ({
  kubeconfig: path.join(state, 'kubeconfig'),
  kwokctlConfig: path.join(state, 'kwokctl.yaml'),
  hostBefore: path.join(state, 'host-before.json'),
  kwokWorkdir: path.join(state, 'kwok'),
  kwokCluster: path.join(state, 'kwok', 'clusters', CLUSTER_NAME),
  istiodWorkdir: path.join(state, 'istiod'),
});

type Log = (line: string) => void;

/** Refuses where it cannot run, before anything is built or changed. */
export async function preflight(): Promise<void> {
  if (process.platform !== 'linux')
    throw new UserError(`the real control plane runs on Linux only (this is ${process.platform})`, 'use a Linux machine or VM');
  if (process.getuid?.() !== 0)
    throw new UserError(
      'the real control plane needs root (it edits /etc/hosts so the webhooks reach the local istiod)',
      'run it as root, e.g. in a CI container or with sudo',
    );
  const have = await installedGo();
  const need = goDirective(readFileSync((await downloadModule(ISTIO_SOURCE)).GoMod, 'utf8'));
  if (!goVersionAtLeast(have, need))
    throw new UserError(`Go ${have} is too old: the pinned modules need Go >= ${need}`, `install Go ${need} or newer`);
}

export async function buildAll(log: Log): Promise<Binaries> {
  const out = {} as Binaries;
  for (const key of Object.keys(BINARIES) as BinaryKey[]) out[key] = await ensureBinary(BINARIES[key], log);
  return out;
}

function kwokctl(bin: Binaries, args: string[]) {
  return execa(bin.kwokctl, ['--name', CLUSTER_NAME, ...args], { env: { ...process.env, KWOK_WORKDIR: paths().kwokWorkdir }, all: true });
}

/** The binaries' version as the Istio build stamped it ("1.31-dev"). */
async function istioVersion(bin: Binaries): Promise<string> {
  const { stdout } = await execa(bin.istioctl, ['version', '--remote=false', '-o', 'json']);
  return (JSON.parse(stdout) as { clientVersion: { version: string } }).clientVersion.version;
}

/**
 * The harness installs the pinned, checksummed Gateway API CRDs from its download cache. They are
 * put there from the Go module proxy's copy of the same release (the bytes the pins were made
 * from, scripts/pin-upstream.ts); the harness verifies them against the pins before use.
 */
export async function seedGatewayApiCache(version: string, dir = cacheDir()): Promise<void> {
  const pin = gatewayApiFor(version);
  const mod = await downloadModule({ module: 'sigs.k8s.io/gateway-api', version: pin.version });
  for (const f of pin.files) {
    const target = cachePathFor(f.url, dir);
    if (existsSync(target)) continue;
    const source = path.join(mod.Dir, 'config/crd/experimental', path.basename(target));
    if (sha256File(source) !== f.sha256) throw new Error(`${source} does not match its pin ${f.sha256}`);
    mkdirSync(path.dirname(target), { recursive: true });
    copyFileSync(source, target);
  }
}

async function replaceObject(kc: k8s.KubeConfig, obj: KubeObject): Promise<void> {
  await k8s.KubernetesObjectApi.makeApiClient(kc).replace(obj as k8s.KubernetesObject);
}

async function pointWebhooksAtLocalIstiod(cluster: KubeCluster, kc: k8s.KubeConfig, istioNamespace: string, log: Log): Promise<void> {
  const rewritten: KubeObject[] = [];
  for (const kind of ['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']) {
    for (const cfg of await cluster.list('admissionregistration.k8s.io/v1', kind)) {
      const next = rewriteWebhooks(cfg, istioNamespace);
      if (!next) continue;
      await replaceObject(kc, next);
      rewritten.push(next);
      log(
        `${kind} ${cfg.metadata.name} → ${(next.webhooks as { clientConfig: { url: string } }[]).map((w) => w.clientConfig.url).join(', ')}`,
      );
    }
  }
  addHosts(webhookHosts(rewritten));
}

async function startIstiod(cluster: KubeCluster, bin: Binaries, shape: MeshShape, log: Log): Promise<void> {
  const namespace = shape.istioNamespace ?? DEFAULT_ISTIO_NAMESPACE;
  const [deployment, ...more] = await cluster.list('apps/v1', 'Deployment', { namespace, labelSelector: istiodSelector(shape) });
  if (!deployment || more.length)
    throw new Error(
      `istioctl install created ${more.length + (deployment ? 1 : 0)} istiod Deployments in ${namespace} (${istiodSelector(shape)}), not one`,
    );
  const configMaps = await cluster.list('v1', 'ConfigMap', { namespace });
  const dir = paths().istiodWorkdir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(configMapFiles(deployment, configMaps))) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  const spec = istiodProcess(deployment, paths().kubeconfig);
  if (spec.skipped.length) log(`istiod env not set outside a pod: ${spec.skipped.join(', ')}`);
  const rec = startDaemon(stateDir(), 'istiod', bin.pilotDiscovery, spec.args, {
    cwd: dir,
    env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), ...spec.env },
  });
  const url = readinessUrl(deployment);
  await waitFor(
    `istiod ready (${url}; log ${rec.log})`,
    async () => {
      if (!isRunning(rec)) throw new Error(`istiod exited; see ${rec.log}`);
      const res = await fetch(url).catch(() => undefined);
      return res?.ok ? true : undefined;
    },
    CLUSTER_TIMING,
  );
}

/** Labelled with the revision, which a revisioned istiod's webhook validates alone (harness/mesh/mesh.ts forRevision). */
function invalidVirtualService(revision?: string) {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: {
      name: 'wpt-controlplane-validation-probe',
      namespace: 'default',
      ...(revision ? { labels: { [REV_LABEL]: revision } } : {}),
    },
    spec: { hosts: ['probe.example'], http: [{ route: [{ destination: { host: '' } }] }] },
  };
}

/** Server-side dry run of an invalid VirtualService: the rejection message, or undefined if accepted. */
export async function validationRejection(kc: k8s.KubeConfig, revision?: string): Promise<string | undefined> {
  try {
    await k8s.KubernetesObjectApi.makeApiClient(kc).create(invalidVirtualService(revision), undefined, 'All');
    return undefined;
  } catch (err) {
    const body = (err as { body?: string }).body;
    const message = body ? (JSON.parse(body) as { message?: string }).message : (err as Error).message;
    return message ?? String(err);
  }
}

/** istiod switches its validation webhooks to failurePolicy Fail once it has seen itself reject config. */
export async function validationFailsClosed(cluster: KubeCluster): Promise<boolean> {
  const cfgs = await cluster.list('admissionregistration.k8s.io/v1', 'ValidatingWebhookConfiguration');
  const hooks = cfgs
    .flatMap((c) => (c.webhooks ?? []) as { name: string; failurePolicy?: string }[])
    .filter((w) => w.name.endsWith('validation.istio.io'));
  return hooks.length > 0 && hooks.every((w) => w.failurePolicy === 'Fail');
}

/**
 * Names the API server's certificate must carry for in-cluster clients: the kubernetes Service's
 * IP (the first of the Service range) and DNS names. kwokctl adds the host's own addresses itself.
 */
export const APISERVER_CERT_SANS = [
  '10.0.0.1',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];

export function kwokctlConfiguration(): string {
  return stringify({
    apiVersion: 'config.kwok.x-k8s.io/v1alpha1',
    kind: 'KwokctlConfiguration',
    options: { kubeApiserverCertSANs: APISERVER_CERT_SANS },
  });
}

/**
 * kwok-controller flags: manage only the nodes kwokctl's node template annotates (kwok
 * kustomize/kwokctl/resource/node.yaml), never a real node. kwokctl's binary runtime passes
 * --manage-all-nodes=true; a later flag wins.
 */
export function kwokControllerArgs(): string[] {
  return ['manage-all-nodes=false', `manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}`].flatMap((a) => [
    '--extra-args',
    `kwok-controller=${a}`,
  ]);
}

/**
 * Addresses of the simulated nodes and their pods. kwokctl's defaults (pods from 10.0.0.0/24 up, nodes
 * from 192.0.2.1 up; kwok kustomize/kwokctl/resource/node.yaml) overlap the Service range and can be a
 * real address of this machine; istiod indexes those pods as workloads, which a real ztunnel then sees.
 */
export const SIMULATED_POD_CIDR = '10.128.0.0/24';
export const SIMULATED_NODE_IP = '198.51.100.1';

export function simulatedNodeParams(): string[] {
  return [`.podCIDRs=["${SIMULATED_POD_CIDR}"]`, `.nodeIPs=["${SIMULATED_NODE_IP}"]`].flatMap((p) => ['--param', p]);
}

/**
 * Processes of ours, for the host snapshot: every process up starts names the state directory
 * (kwokctl runs its components from a copy there) or, for containerd's shims, the node's socket.
 */
function processMarkers(): string[] {
  return [stateDir(), nodePaths(stateDir()).containerdState];
}

function startSupervisor(): void {
  const script = path.join(REPO, 'equipment/controlplane/supervisor.ts');
  const p = paths();
  startDaemon(stateDir(), SUPERVISOR, process.execPath, [script, stateDir(), binaryPath(BINARIES.kwokctl), p.kwokWorkdir, CLUSTER_NAME], {
    cwd: REPO,
    env: { ...process.env } as Record<string, string>,
  });
}

function startCniStandin(istioNamespace: string): void {
  const script = path.join(REPO, 'equipment/controlplane/cni-standin.ts');
  startDaemon(stateDir(), 'cni-standin', process.execPath, [script, paths().kubeconfig, istioNamespace], {
    cwd: REPO,
    env: { ...process.env } as Record<string, string>,
  });
}

/** The Service IP range of the control plane's API server. */
export const SERVICE_CIDR = '10.0.0.0/16';

export interface UpOptions {
  realNode?: boolean;
  /** With realNode: a directory of data-plane images (OCI layout archives) to run ztunnel and waypoints with. */
  meshImages?: string;
  /** The mesh's trust domain, revision and namespace (Istio's defaults when absent). */
  mesh?: MeshShape;
}

export async function up(log: Log, step: <T>(name: string, fn: () => Promise<T>) => Promise<T>, opts: UpOptions = {}): Promise<string> {
  if (opts.meshImages && !opts.realNode)
    throw new UserError('--mesh-images needs --real-node: the images run on the real node', 'add --real-node');
  const shape = opts.mesh ?? {};
  if (opts.realNode && (shape.revision || shape.istioNamespace)) {
    // equipment/real-node/mesh.ts wires istio-cni, ztunnel and istiod's Service in istio-system, unrevisioned.
    throw new UserError(
      "--real-node runs Istio's node components for an unrevisioned istiod in istio-system",
      'drop --revision and --istio-namespace with --real-node',
    );
  }
  const istioNamespace = shape.istioNamespace ?? DEFAULT_ISTIO_NAMESPACE;
  const mesh = opts.meshImages
    ? { dir: path.resolve(opts.meshImages), archives: await readMeshImages(path.resolve(opts.meshImages)) }
    : undefined;
  await preflight();
  // A crashed run is cleaned up; a live one belongs to someone and is left alone.
  const live = [
    ...records(stateDir())
      .filter(isRunning)
      .map((r) => `${r.name} (pid ${r.pid})`),
    ...kwokPids().map((k) => `${path.basename(k.argv[0])} (pid ${k.pid})`),
  ];
  if (live.length > 0) {
    throw new UserError(
      `a control plane is already up: ${live.join(', ')}`,
      'use it (npm run controlplane -- status), or stop it first with npm run controlplane -- down',
    );
  }
  if (existsSync(stateDir())) await down(log, { quiet: true });
  const hostBefore = await captureHost(SYSCTLS, processMarkers());
  mkdirSync(stateDir(), { recursive: true });
  writeFileSync(paths().hostBefore, JSON.stringify(hostBefore));
  const bin = await step('binaries (built from the Go module proxy, cached)', () => buildAll(log));
  const version = await istioVersion(bin);
  const p = paths();
  await step(
    `kwok cluster ${CLUSTER_NAME} (kube-apiserver ${BINARIES.kubeApiserver.pin.version}, ${SIMULATED_NODES} simulated nodes)`,
    async () => {
      // Without client rate limits: the controllers serve a dozen scenarios at once on one machine, and
      // at the default 20 qps the Deployment controller, not the implementation, set the pace. kwok's
      // Service range is a /24, which a parallel catalogue fills ("range is full"); a /16 keeps the
      // kubernetes Service at 10.0.0.1, as real clusters have a /12.
      writeFileSync(p.kwokctlConfig, kwokctlConfiguration());
      await kwokctl(bin, [
        'create',
        'cluster',
        '--config',
        p.kwokctlConfig,
        '--runtime',
        'binary',
        '--kubeconfig',
        p.kubeconfig,
        '--wait',
        '120s',
        '--disable-qps-limits',
        '--extra-args',
        `kube-apiserver=service-cluster-ip-range=${SERVICE_CIDR}`,
        ...kwokControllerArgs(),
        '--etcd-binary',
        bin.etcd,
        '--kube-apiserver-binary',
        bin.kubeApiserver,
        '--kube-controller-manager-binary',
        bin.kubeControllerManager,
        '--kube-scheduler-binary',
        bin.kubeScheduler,
        '--kwok-controller-binary',
        bin.kwok,
      ]);
      await kwokctl(bin, ['scale', 'node', '--replicas', String(SIMULATED_NODES), ...simulatedNodeParams()]);
    },
  );
  const kc = loadKubeConfig(p.kubeconfig, undefined);
  const cluster = new KubeCluster(kc);
  await step("Gateway API CRDs (the harness's pinned set)", async () => {
    await seedGatewayApiCache(version);
    await installGatewayApi({
      cluster,
      kubeconfig: p.kubeconfig,
      context: kc.getCurrentContext(),
      istioVersion: version,
      kindNetwork: false,
      teardown: new Teardown(),
      timing: CLUSTER_TIMING,
      runId: 'controlplane',
      log,
    });
  });
  const node = nodePaths(stateDir());
  const cniValues = opts.realNode ? istioCniValues(node.cniBin, node.cniConf, netnsHostDir()) : [];
  const shaped = meshSettings(shape);
  await step(`istioctl install --set profile=ambient${shaped.length ? ` ${shaped.join(' ')}` : ''} (Istio ${version})`, () =>
    execa(
      bin.istioctl,
      [
        'install',
        '--kubeconfig',
        p.kubeconfig,
        '--set',
        'profile=ambient',
        '--set',
        'values.pilot.env.PILOT_ENABLE_AGENTGATEWAY=true',
        '--set',
        WAYPOINT_SECCOMP_SETTING,
        ...shaped,
        ...cniValues,
        '-y',
      ],
      { all: true },
    ),
  );
  if (shape.revision) {
    // istioctl makes the first revision installed the default (a `default` revision tag: webhooks that take
    // unlabelled namespaces and configuration). Without it the revision has only what is labelled with it,
    // as when it runs beside another control plane: the suite must label what it makes.
    await step(`istioctl tag remove default (revision ${shape.revision} alone, as beside another control plane)`, () =>
      execa(bin.istioctl, ['tag', 'remove', 'default', '--kubeconfig', p.kubeconfig, '--istioNamespace', istioNamespace, '-y'], {
        all: true,
      }),
    );
  }
  await step('admission webhooks → local istiod', () => pointWebhooksAtLocalIstiod(cluster, kc, istioNamespace, log));
  await step('istiod as a local process', () => startIstiod(cluster, bin, shape, log));
  if (!opts.realNode) await step('istio-cni stand-in (enrollment mark only)', async () => startCniStandin(istioNamespace));
  const message = await step('validation fails closed (invalid VirtualService rejected by istiod)', async () => {
    const rejected = await waitFor(
      'istiod rejects an invalid VirtualService',
      () => validationRejection(kc, shape.revision),
      CLUSTER_TIMING,
    );
    await waitFor(
      'validation webhook failurePolicy Fail',
      async () => ((await validationFailsClosed(cluster)) ? true : undefined),
      CLUSTER_TIMING,
    );
    return rejected;
  });
  log(`  ${message}`);
  if (opts.realNode) {
    const what = mesh ? 'istio-cni, ztunnel' : 'istio-cni';
    await step(`real node ${NODE.name} (containerd, kubelet, kube-proxy, CoreDNS, ${what})`, () =>
      upNode(stateDir(), p.kubeconfig, log, { mesh }),
    );
  }
  await step('supervisor (restarts what exits)', async () => startSupervisor());
  return p.kubeconfig;
}

/** The PID kwokctl recorded for one of the cluster's components (kube-controller-manager, ...), if any. */
export function kwokComponentPid(component: string): number | undefined {
  const file = path.join(paths().kwokCluster, 'pids', `${component}.pid`);
  return existsSync(file) ? Number(readFileSync(file, 'utf8').trim()) : undefined;
}

/** PIDs kwokctl recorded for the cluster's components, with their command lines. */
function kwokPids(): { pid: number; argv: string[] }[] {
  const dir = path.join(paths().kwokCluster, 'pids');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((f) => Number(readFileSync(path.join(dir, f), 'utf8').trim()))
    .filter(Number.isInteger)
    .map((pid) => ({ pid, argv: cmdlineOf(pid) ?? [] }))
    .filter((p) => p.argv.length > 0);
}

/** Stops everything up started (the supervisor first, so nothing comes back), waiting for each process to exit. */
export async function down(log: Log, opts: { quiet?: boolean } = {}): Promise<string[]> {
  const supervisor = records(stateDir()).find((r) => r.name === SUPERVISOR);
  if (supervisor) log(`supervisor (pid ${supervisor.pid}): ${await stopDaemon(stateDir(), supervisor)}`);
  const failures = existsSync(nodePaths(stateDir()).dir) ? await downNode(stateDir(), paths().kubeconfig, log) : [];
  for (const rec of records(stateDir())) log(`${rec.name} (pid ${rec.pid}): ${await stopDaemon(stateDir(), rec)}`);
  const p = paths();
  if (existsSync(p.kwokCluster)) {
    const before = kwokPids();
    const kwokctlBin = binaryPath(BINARIES.kwokctl);
    const r = await execa(kwokctlBin, ['--name', CLUSTER_NAME, 'delete', 'cluster'], {
      env: { ...process.env, KWOK_WORKDIR: p.kwokWorkdir },
      reject: false,
      all: true,
    });
    log(`kwok cluster ${CLUSTER_NAME}: ${r.exitCode === 0 ? 'deleted' : `delete failed: ${r.all}`}`);
    const left = before.filter((b) => JSON.stringify(cmdlineOf(b.pid)) === JSON.stringify(b.argv));
    try {
      await waitExited(
        left.map((b) => b.pid),
        `${left.length} kwok components`,
      );
    } catch (err) {
      failures.push(`kwok components still running: ${(err as Error).message}`);
    }
  } else if (!opts.quiet) {
    log(`kwok cluster ${CLUSTER_NAME}: not present`);
  }
  if (removeHosts()) log('hosts entries removed');
  if (existsSync(p.hostBefore)) failures.push(...(await hostAsBefore(JSON.parse(readFileSync(p.hostBefore, 'utf8')) as HostSnapshot, log)));
  rmSync(stateDir(), { recursive: true, force: true });
  return failures;
}

/** Waits (bounded) for the host to match the snapshot up took; the differences left are failures. */
async function hostAsBefore(before: HostSnapshot, log: Log): Promise<string[]> {
  let diff: string[] = [];
  try {
    await waitFor(
      'the host as up found it',
      async () => {
        diff = hostDifferences(before, await captureHost(Object.keys(before.sysctls), processMarkers()));
        return diff.length === 0 ? true : undefined;
      },
      { ...CLUSTER_TIMING, readyTimeoutMs: 30_000 },
      () => diff.join('; '),
    );
    log(
      'host: as up found it (interfaces, routes, nftables, iptables-legacy, ipsets, mounts, netns, CNI state, hosts file, sysctls, processes)',
    );
    return [];
  } catch {
    return diff.map((d) => `host differs from before up: ${d}`);
  }
}

export interface Status {
  lines: string[];
  running: boolean;
}

export async function status(): Promise<Status> {
  const lines: string[] = [];
  const p = paths();
  const daemons = records(stateDir());
  for (const rec of daemons) lines.push(`${rec.name}: ${isRunning(rec) ? `running (pid ${rec.pid}, log ${rec.log})` : 'NOT running'}`);
  const kwok = kwokPids();
  lines.push(
    existsSync(p.kwokCluster)
      ? `kwok cluster ${CLUSTER_NAME}: ${kwok.length} component processes (${kwok.map((k) => path.basename(k.argv[0])).join(', ')})`
      : `kwok cluster ${CLUSTER_NAME}: not present`,
  );
  let answers = false;
  if (existsSync(p.kubeconfig)) {
    const cluster = new KubeCluster(loadKubeConfig(p.kubeconfig, undefined));
    const v = await cluster.serverVersion().catch((e: Error) => `does not answer (${e.message})`);
    answers = v.startsWith('v');
    lines.push(`kube-apiserver: ${v}`);
    if (answers) lines.push(`validation fails closed: ${await validationFailsClosed(cluster)}`);
    lines.push(`export KUBECONFIG=${p.kubeconfig}`);
  }
  return { lines, running: answers && daemons.length > 0 && daemons.every(isRunning) };
}
