/**
 * A real worker node joined to the real control plane (npm run controlplane -- up --real-node):
 * containerd + runc + CNI bridge from Debian packages, kubelet and kube-proxy from the Kubernetes
 * wrapper module, pod images made here (images.ts), cluster DNS (dns.ts), and Istio's istio-cni on
 * it for real, with ztunnel and waypoints when their images are supplied (mesh.ts). It is where new
 * pods land: the simulated nodes are cordoned. Test equipment, not product.
 *
 * Network safety: pods live on their own bridge; an nftables table drops every packet forwarded
 * from that bridge to any other interface, so pod traffic never leaves this machine.
 *
 * What had to be worked around (issue 17's findings, re-checked here): kwok manages only nodes
 * with its annotation (controlplane.ts), so never this one; the host's cgroups are v1
 * (failCgroupV1: false); no CAP_SYS_RESOURCE (containerd restrict_oom_score_adj); kubelet refuses
 * a loopback node IP (the node's address is on the pod bridge); the apiserver dials the kubelet by
 * node name (a hosts entry) without a client certificate (kubelet anonymous + AlwaysAllow: test
 * equipment only); kubelet changes host sysctls (restored by down); istio-cni mounts the netns
 * directory HostToContainer, which containerd allows only from a shared mount (made here, as
 * `ip netns add` does, and undone by down); istio-cni needs the host's network namespace at
 * /proc/1/ns/net (hostProcView where that is unreadable).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { UserError } from '../../harness/errors.ts';
import { KubeCluster } from '../../harness/cluster/kube.ts';
import { loadKubeConfig } from '../../harness/cluster/kubeconfig.ts';
import { conditionOf, type KubeObject } from '../../harness/cluster/types.ts';
import { CLUSTER_TIMING, waitFor } from '../../harness/wait.ts';
import { binaryPath, ensureBinary } from '../host/gobuild.ts';
import { addHosts } from '../host/hosts.ts';
import { NODE_BINARIES, NODE_PACKAGES, type NodeBinaries } from '../host/pins.ts';
import { cmdlineOf, isRunning, records, startDaemon, stopDaemon, waitExited } from '../host/processes.ts';
import { applyDnsService, CLUSTER_DOMAIN, DNS_SERVICE_IP, startCoreDns } from './dns.ts';
import { ipsetNames, removableTable, removeNewChains, removeNewIpsets, saveAll } from './hostrules.ts';
import { archiveImageName, debianImage, echoStandinImage, installCniImage, pauseImage, PAUSE_IMAGE, readArchiveIndex } from './images.ts';
import {
  cordonSimulatedNodes,
  hostProcFrom,
  istioImageRefs,
  keepZtunnelOff,
  pointIstiodServicesAt,
  requireArchive,
  type MeshArchive,
} from './mesh.ts';

export const NODE = {
  name: 'wpt-real-node',
  bridge: 'wptbr0',
  podCidr: '10.244.0.0/24',
  address: '10.244.0.1',
  nftTable: 'wpt_node_guard',
  label: 'waypoint-conformance.dev/real-node',
};

/** Host sysctls the node's components change; saved before, restored by down. */
export const SYSCTLS = [
  'kernel.panic',
  'kernel.panic_on_oops',
  'vm.overcommit_memory',
  'net.ipv4.ip_forward',
  'net.bridge.bridge-nf-call-iptables',
  'net.bridge.bridge-nf-call-ip6tables',
  'net.netfilter.nf_conntrack_max',
  'net.netfilter.nf_conntrack_tcp_timeout_established',
  'net.netfilter.nf_conntrack_tcp_timeout_close_wait',
  'net.ipv4.tcp_early_demux',
];

/** The CNI network's name (its host-local IPAM state and libcni's result cache are keyed by it). */
export const CNI_NETWORK = 'wpt-pods';
/** The netns directory containerd uses and istio-cni mounts (istio-cni chart cniNetnsDir). */
export const NETNS_DIR = '/var/run/netns';
/** NETNS_DIR with its parent's symlinks resolved (/var/run → /run): the path as mounts show it. */
export function netnsHostDir(): string {
  return path.join(realpathSync(path.dirname(NETNS_DIR)), path.basename(NETNS_DIR));
}

/** Host directories istio-cni and ztunnel use (hard-coded host paths in their charts); removed by down if up created them. */
export const ISTIO_HOST_DIRS = ['/var/run/istio-cni', '/var/run/ztunnel'];
/** libcni's result cache (containerd 1.6 does not move it), and its parent, which libcni creates. */
export const CNI_RESULTS_DIR = '/var/lib/cni/results';
export const CNI_STATE_DIR = '/var/lib/cni';

type Log = (line: string) => void;

export const nodePaths = (state: string) => ({
  dir: path.join(state, 'node'),
  containerdConfig: path.join(state, 'node', 'containerd.toml'),
  containerdRoot: path.join(state, 'node', 'containerd'),
  containerdState: '/run/wpt-containerd',
  socket: '/run/wpt-containerd/containerd.sock',
  cniConf: path.join(state, 'node', 'cni', 'net.d'),
  cniBin: path.join(state, 'node', 'cni', 'bin'),
  ipam: path.join(state, 'node', 'cni', 'ipam'),
  corefile: path.join(state, 'node', 'Corefile'),
  before: path.join(state, 'node', 'host-before.json'),
  hostProc: path.join(state, 'node', 'host-proc'),
  /** The data-plane images --mesh-images imported: [{ component, image, ref }]. */
  meshImages: path.join(state, 'node', 'mesh-images.json'),
  hostNs: path.join(state, 'node', 'host-ns'),
  kubeletRoot: path.join(state, 'node', 'kubelet'),
  kubeletConfig: path.join(state, 'node', 'kubelet.yaml'),
  kubeProxyConfig: path.join(state, 'node', 'kube-proxy.yaml'),
  resolvConf: path.join(state, 'node', 'resolv.conf'),
  sysctls: path.join(state, 'node', 'sysctls.json'),
});

export function containerdConfig(p: ReturnType<typeof nodePaths>): string {
  return `version = 2
root = "${p.containerdRoot}"
state = "${p.containerdState}"
[grpc]
  address = "${p.socket}"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "${PAUSE_IMAGE}"
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "${p.cniBin}"
    conf_dir = "${p.cniConf}"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
`;
}

/** bridge + host-local on the node's own bridge; no masquerade, nothing routed off the machine; IPAM state under the node's directory. */
export function cniConfig(ipamDir: string): object {
  return {
    cniVersion: '0.4.0',
    name: CNI_NETWORK,
    plugins: [
      {
        type: 'bridge',
        bridge: NODE.bridge,
        isGateway: true,
        ipMasq: false,
        hairpinMode: true,
        ipam: {
          type: 'host-local',
          dataDir: ipamDir,
          ranges: [[{ subnet: NODE.podCidr, gateway: NODE.address }]],
          routes: [{ dst: '0.0.0.0/0' }],
        },
      },
      { type: 'loopback' },
    ],
  };
}

export function kubeletConfig(p: ReturnType<typeof nodePaths>): object {
  return {
    apiVersion: 'kubelet.config.k8s.io/v1beta1',
    kind: 'KubeletConfiguration',
    authentication: { anonymous: { enabled: true }, webhook: { enabled: false } },
    authorization: { mode: 'AlwaysAllow' },
    address: NODE.address,
    readOnlyPort: 0,
    healthzBindAddress: '127.0.0.1',
    healthzPort: 10248,
    cgroupDriver: 'cgroupfs',
    failCgroupV1: false,
    cgroupsPerQOS: false,
    enforceNodeAllocatable: [],
    containerRuntimeEndpoint: `unix://${p.socket}`,
    podCIDR: NODE.podCidr,
    resolvConf: p.resolvConf,
    clusterDNS: [DNS_SERVICE_IP],
    clusterDomain: CLUSTER_DOMAIN,
    failSwapOn: false,
    localStorageCapacityIsolation: false,
    protectKernelDefaults: false,
    evictionHard: { 'memory.available': '1Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
    imageGCHighThresholdPercent: 100,
    imageGCLowThresholdPercent: 99,
    serializeImagePulls: false,
  };
}

export function kubeProxyConfig(kubeconfig: string): object {
  return {
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    mode: 'nftables',
    clusterCIDR: NODE.podCidr,
    hostnameOverride: NODE.name,
    clientConnection: { kubeconfig },
    metricsBindAddress: '127.0.0.1:10249',
    healthzBindAddress: '127.0.0.1:10256',
    // 0: leave the host's conntrack sysctls alone.
    conntrack: { maxPerCore: 0, min: 0, tcpEstablishedTimeout: '0s', tcpCloseWaitTimeout: '0s' },
  };
}

/** Drops whatever the pod bridge would forward anywhere but back onto itself. */
export function guardRuleset(): string {
  return `table inet ${NODE.nftTable} {
  chain forward {
    type filter hook forward priority -200; policy accept;
    iifname "${NODE.bridge}" oifname != "${NODE.bridge}" drop
  }
}
`;
}

async function sh(cmd: string, args: string[], opts: { reject?: boolean; input?: string } = {}) {
  return execa(cmd, args, { reject: opts.reject ?? true, input: opts.input, all: true });
}

export async function installPackages(log: Log): Promise<void> {
  if ((await sh('sh', ['-c', 'command -v apt-get && command -v dpkg-query'], { reject: false })).exitCode !== 0) {
    throw new UserError(
      'the real node installs its runtime from Debian packages, and this machine has no apt-get',
      'use a Debian or Ubuntu machine (or container) for --real-node',
    );
  }
  const missing: string[] = [];
  for (const pkg of NODE_PACKAGES)
    if ((await sh('dpkg-query', ['-W', '-f=${Status}', pkg], { reject: false })).stdout !== 'install ok installed') missing.push(pkg);
  if (missing.length === 0) return;
  log(`apt-get install ${missing.join(' ')}`);
  await execa('apt-get', ['update', '-qq'], { all: true });
  await execa('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], {
    env: { DEBIAN_FRONTEND: 'noninteractive' },
    all: true,
  });
}

function readSysctl(name: string): string | undefined {
  const file = path.join('/proc/sys', ...name.split('.'));
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

function writeSysctl(name: string, value: string): void {
  writeFileSync(path.join('/proc/sys', ...name.split('.')), value);
}

/** Everything up found before it changed the host, for down to return to. */
interface NodeBefore {
  netns: string[];
  nftTables: string[];
  iptables: Record<string, string>;
  ipsets: string[];
  /** Host directories up created (down removes them). */
  createdDirs: string[];
  /** What up did to the netns directory's mount: bind-mounted it onto itself, or made an existing mount shared. */
  netnsMount?: 'mounted' | 'made-shared';
}

function readBefore(p: ReturnType<typeof nodePaths>): NodeBefore | undefined {
  return existsSync(p.before) ? (JSON.parse(readFileSync(p.before, 'utf8')) as NodeBefore) : undefined;
}

async function setupNetwork(p: ReturnType<typeof nodePaths>): Promise<void> {
  const saved = Object.fromEntries(SYSCTLS.map((s) => [s, readSysctl(s)]).filter(([, v]) => v !== undefined));
  writeFileSync(p.sysctls, JSON.stringify(saved));
  await sh('nft', ['-f', '-'], { input: guardRuleset() });
  await sh('ip', ['link', 'add', NODE.bridge, 'type', 'bridge']);
  await sh('ip', ['addr', 'add', `${NODE.address}/24`, 'dev', NODE.bridge]);
  await sh('ip', ['link', 'set', NODE.bridge, 'up']);
  // ClusterIP traffic between pods on one bridge is DNATed on the host and must see conntrack both ways.
  writeSysctl('net.ipv4.ip_forward', '1');
  if (readSysctl('net.bridge.bridge-nf-call-iptables') !== undefined) writeSysctl('net.bridge.bridge-nf-call-iptables', '1');
  for (const d of [p.cniConf, p.cniBin, p.ipam]) mkdirSync(d, { recursive: true });
  // The node's own plugin directory: Debian's plugins, and istio-cni's, which its installer copies in.
  for (const plugin of readdirSync('/usr/lib/cni')) symlinkSync(path.join('/usr/lib/cni', plugin), path.join(p.cniBin, plugin));
  writeFileSync(path.join(p.cniConf, '10-wpt.conflist'), JSON.stringify(cniConfig(p.ipam), null, 2));
  writeFileSync(p.resolvConf, '');
}

/** "shared:N" among a mount's optional fields (/proc/self/mountinfo field 7 on). */
export function isSharedMount(mountinfo: string, point: string): boolean | undefined {
  for (const line of mountinfo.split('\n')) {
    const f = line.split(' ');
    if (f[4] !== point) continue;
    return f.slice(6, f.indexOf('-')).some((o) => o.startsWith('shared:'));
  }
  return undefined;
}

/** Makes the netns directory a shared mount, as `ip netns add` does; says what it did. */
async function shareNetnsDir(): Promise<NodeBefore['netnsMount']> {
  const dir = netnsHostDir();
  mkdirSync(dir, { recursive: true });
  const shared = isSharedMount(readFileSync('/proc/self/mountinfo', 'utf8'), dir);
  if (shared === true) return undefined;
  if (shared === undefined) await sh('mount', ['--bind', dir, dir]);
  await sh('mount', ['--make-rshared', dir]);
  return shared === undefined ? 'mounted' : 'made-shared';
}

/** Whether this process may open /proc/1/ns/net (the host's network namespace, where PID 1 is the host's init). */
export function hostNetnsReadable(): boolean {
  try {
    statSync('/proc/1/ns/net');
    return true;
  } catch {
    return false;
  }
}

/**
 * A /proc for istio-cni in which process 1's ns directory holds this host's network namespace: a
 * bind mount of /proc, and over its 1/ns a directory whose `net` is the namespace bind-mounted (as
 * `ip netns add` keeps one). Everything else in it is the host's /proc. Unmounted by down.
 */
async function hostProcView(p: ReturnType<typeof nodePaths>): Promise<void> {
  mkdirSync(p.hostNs, { recursive: true });
  writeFileSync(path.join(p.hostNs, 'net'), '');
  await sh('mount', ['--bind', '/proc/self/ns/net', path.join(p.hostNs, 'net')]);
  mkdirSync(p.hostProc, { recursive: true });
  await sh('mount', ['--bind', '/proc', p.hostProc]);
  await sh('mount', ['--rbind', p.hostNs, path.join(p.hostProc, '1', 'ns')]);
}

interface NodeImage {
  file: string;
  /** References to give the imported image besides the name inside the archive. */
  tags: string[];
}

async function startContainerd(state: string, p: ReturnType<typeof nodePaths>, images: NodeImage[]): Promise<void> {
  writeFileSync(p.containerdConfig, containerdConfig(p));
  const rec = startDaemon(state, 'containerd', '/usr/bin/containerd', ['--config', p.containerdConfig], {
    cwd: p.dir,
    env: { PATH: process.env.PATH ?? '' },
  });
  await waitFor(
    'containerd answers',
    async () => {
      if (!isRunning(rec)) throw new Error(`containerd exited; see ${rec.log}`);
      return (await sh('ctr', ['--address', p.socket, 'version'], { reject: false })).exitCode === 0 ? true : undefined;
    },
    CLUSTER_TIMING,
  );
  const ctr = (args: string[]) => sh('ctr', ['--address', p.socket, '-n', 'k8s.io', 'images', ...args]);
  for (const image of images) {
    const before = new Set((await ctr(['ls', '-q'])).stdout.split('\n'));
    await ctr(['import', '--no-unpack', image.file]);
    const imported = (await ctr(['ls', '-q'])).stdout.split('\n').filter((r) => r && !before.has(r));
    const source = imported[0] ?? (await imageNameIn(image.file));
    for (const tag of image.tags) await ctr(['tag', '--force', source, tag]);
  }
}

async function imageNameIn(file: string): Promise<string> {
  const name = archiveImageName(await readArchiveIndex(file));
  if (!name) throw new Error(`${file}: imported, but it names no image to tag`);
  return name;
}

export async function buildNode(log: Log): Promise<NodeBinaries> {
  await installPackages(log);
  const out = {} as NodeBinaries;
  for (const key of Object.keys(NODE_BINARIES) as (keyof NodeBinaries)[]) out[key] = await ensureBinary(NODE_BINARIES[key], log);
  return out;
}

export interface MeshImage {
  component: string;
  /** The name inside the archive. */
  image: string;
  /** The reference Istio uses for it, if it is one of Istio's. */
  ref?: string;
}

/** The data-plane images this node runs (empty without --mesh-images). */
export function meshImagesOf(state: string): MeshImage[] {
  const file = nodePaths(state).meshImages;
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as MeshImage[]) : [];
}

/** The images the node imports: its own, istio-cni's, and the supplied data-plane images under the references Istio uses. */
async function nodeImages(
  bin: NodeBinaries,
  cluster: KubeCluster,
  mesh: { dir: string; archives: MeshArchive[] } | undefined,
  log: Log,
  record: string,
): Promise<NodeImage[]> {
  const refs = await istioImageRefs(cluster);
  const cni = await installCniImage(bin.installCni, bin.istioCni, log);
  const images: NodeImage[] = [await pauseImage(log), await debianImage(log), await echoStandinImage(log)].map((file) => ({
    file,
    tags: [],
  }));
  images.push({ file: cni.file, tags: [refs['install-cni']] });
  if (mesh) {
    requireArchive(mesh.archives, 'ztunnel', mesh.dir, 'ambient runs ztunnel on every node');
    const imported: MeshImage[] = [];
    for (const a of mesh.archives) {
      const ref = (refs as Record<string, string>)[a.component];
      images.push({ file: a.file, tags: ref ? [ref] : [] });
      imported.push({ component: a.component, image: a.image, ...(ref ? { ref } : {}) });
      log(`${path.basename(a.file)}: ${a.image}${ref ? ` → ${ref}` : ' (imported under its own name)'}`);
    }
    writeFileSync(record, JSON.stringify(imported));
  }
  return images;
}

/** The taints the node lifecycle controller sets while a node is not Ready or not heard from. */
export function lifecycleTaints(node: KubeObject | undefined): { key: string; effect: string }[] {
  const taints: { key: string; effect: string }[] = node?.spec?.taints ?? [];
  return taints.filter((t) => t.key === 'node.kubernetes.io/not-ready' || t.key === 'node.kubernetes.io/unreachable');
}

/** Pods of a DaemonSet on the real node, Ready. */
async function daemonPodReady(cluster: KubeCluster, selector: string): Promise<true | undefined> {
  const pods = await cluster.list('v1', 'Pod', { namespace: 'istio-system', labelSelector: selector });
  const mine = pods.filter((p) => p.spec?.nodeName === NODE.name);
  return mine.length === 1 && conditionOf(mine[0], 'Ready')?.status === 'True' ? true : undefined;
}

/** The node's CNI network with istio-cni's plugin chained in (its installer edits the node's conflist). */
export function chainsIstioCni(conflist: string): boolean {
  const c = JSON.parse(conflist) as { plugins?: { type: string }[] };
  return (c.plugins ?? []).some((x) => x.type === 'istio-cni');
}

export interface NodeOptions {
  /** --mesh-images: the directory and the archives found there. */
  mesh?: { dir: string; archives: MeshArchive[] };
}

export async function upNode(state: string, kubeconfig: string, log: Log, opts: NodeOptions = {}): Promise<void> {
  const bin = await buildNode(log);
  const p = nodePaths(state);
  mkdirSync(p.dir, { recursive: true });
  if ((await sh('ip', ['link', 'show', NODE.bridge], { reject: false })).exitCode === 0) {
    throw new UserError(
      `a network interface ${NODE.bridge} already exists and this run did not create it`,
      'run npm run controlplane -- down, or remove it',
    );
  }
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  const cluster = new KubeCluster(kc);
  const images = await nodeImages(bin, cluster, opts.mesh, log, p.meshImages);
  const before = await recordBefore(p);
  await setupNetwork(p);
  before.netnsMount = await shareNetnsDir();
  writeFileSync(p.before, JSON.stringify(before));
  await applyDnsService(cluster, NODE.address);
  await startCoreDns(state, p.dir, bin.coredns, NODE.address, kubeconfig, p.corefile);
  await startContainerd(state, p, images);
  await fitIstio(kc, cluster, p, !!opts.mesh, log);
  startKubelet(state, p, bin, kubeconfig);
  // Ready is not enough: the node lifecycle controller may have tainted the node not-ready (NoExecute)
  // before kubelet's first Ready status, and lifts the taint only on its next pass; until then pods
  // without a toleration are neither scheduled there nor safe from eviction.
  await waitFor(
    `node ${NODE.name} Ready, without not-ready or unreachable taints`,
    async () => {
      const node = await cluster.get({ apiVersion: 'v1', kind: 'Node', name: NODE.name });
      return conditionOf(node, 'Ready')?.status === 'True' && lifecycleTaints(node).length === 0 ? true : undefined;
    },
    CLUSTER_TIMING,
  );
  const conflist = path.join(p.cniConf, '10-wpt.conflist');
  await waitFor(
    `istio-cni Ready on ${NODE.name}, chained into ${conflist}`,
    async () =>
      (await daemonPodReady(cluster, 'k8s-app=istio-cni-node')) && chainsIstioCni(readFileSync(conflist, 'utf8')) ? true : undefined,
    CLUSTER_TIMING,
  );
  if (opts.mesh) await waitFor(`ztunnel Ready on ${NODE.name}`, () => daemonPodReady(cluster, 'app=ztunnel'), CLUSTER_TIMING);
}

/** What down returns the host to, saved before up changes anything. */
async function recordBefore(p: ReturnType<typeof nodePaths>): Promise<NodeBefore> {
  const before: NodeBefore = {
    netns: netnsList(),
    nftTables: nftTables((await sh('nft', ['list', 'tables'])).stdout),
    iptables: await saveAll(),
    ipsets: (await ipsetNames()) ?? [],
    createdDirs: [NETNS_DIR, ...ISTIO_HOST_DIRS, CNI_STATE_DIR].filter((d) => !existsSync(d)),
  };
  writeFileSync(p.before, JSON.stringify(before));
  return before;
}

/** Istio's install fitted to this node, before the kubelet registers it (see mesh.ts). */
async function fitIstio(
  kc: k8s.KubeConfig,
  cluster: KubeCluster,
  p: ReturnType<typeof nodePaths>,
  ztunnel: boolean,
  log: Log,
): Promise<void> {
  log(`Services ${(await pointIstiodServicesAt(kc, cluster, NODE.address)).join(', ')} → the local istiod at ${NODE.address}`);
  log(`cordoned the simulated nodes (${(await cordonSimulatedNodes(kc)).join(', ')}): new pods land on ${NODE.name}`);
  if (!hostNetnsReadable()) {
    await hostProcView(p);
    await hostProcFrom(kc, p.hostProc);
    log(`/proc/1/ns/net is not readable here: istio-cni reads the host's network namespace from ${p.hostProc}`);
  }
  if (!ztunnel) await keepZtunnelOff(kc, NODE.label);
}

function startKubelet(state: string, p: ReturnType<typeof nodePaths>, bin: NodeBinaries, kubeconfig: string): void {
  addHosts([NODE.name], undefined, NODE.address);
  writeFileSync(p.kubeletConfig, stringify(kubeletConfig(p)));
  startDaemon(
    state,
    'kubelet',
    bin.kubelet,
    [
      '--config',
      p.kubeletConfig,
      '--kubeconfig',
      kubeconfig,
      '--hostname-override',
      NODE.name,
      '--node-ip',
      NODE.address,
      '--root-dir',
      p.kubeletRoot,
      '--cert-dir',
      path.join(p.dir, 'pki'),
      `--node-labels=${NODE.label}=true`,
    ],
    { cwd: p.dir, env: { PATH: process.env.PATH ?? '' } },
  );
  writeFileSync(p.kubeProxyConfig, stringify(kubeProxyConfig(kubeconfig)));
  startDaemon(state, 'kube-proxy', bin.kubeProxy, ['--config', p.kubeProxyConfig], { cwd: p.dir, env: { PATH: process.env.PATH ?? '' } });
}

/** Mount points at or under `dirs`, deepest first (/proc/self/mountinfo field 5). */
export function mountsUnder(mountinfo: string, dirs: string[]): string[] {
  const points = mountinfo
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => !!m)
    .map((m) => m.replace(/\\040/g, ' '))
    .filter((m) => dirs.some((d) => m === d || m.startsWith(`${d}/`)));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** "table ip filter" lines of `nft list tables`. */
export function nftTables(listing: string): string[] {
  return listing
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('table '));
}

function netnsList(): string[] {
  return existsSync('/var/run/netns') ? readdirSync('/var/run/netns') : [];
}

/** Undoes upNode completely; each step runs even if an earlier one failed, and failures are reported. */
export async function downNode(state: string, kubeconfig: string | undefined, log: Log): Promise<string[]> {
  const p = nodePaths(state);
  const before = readBefore(p);
  const failures: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      failures.push(`${what}: ${(err as Error).message.split('\n')[0]}`);
    }
  };
  for (const name of ['kubelet', 'kube-proxy']) {
    const rec = records(state).find((r) => r.name === name);
    if (rec) await attempt(`stop ${name}`, async () => log(`${name} (pid ${rec.pid}): ${await stopDaemon(state, rec)}`));
  }
  let containerIds: string[] = [];
  await attempt('stop the containers', async () => (containerIds = await stopContainers(p, log)));
  const containerd = records(state).find((r) => r.name === 'containerd');
  if (containerd)
    await attempt('stop containerd', async () => log(`containerd (pid ${containerd.pid}): ${await stopDaemon(state, containerd)}`));
  // Shims outlive containerd; ours are the ones started with our socket. down returns once they are gone.
  const shims = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((pid) => {
      const argv = cmdlineOf(pid);
      return argv?.[0]?.includes('containerd-shim') && argv.includes(p.socket);
    });
  for (const pid of shims) await attempt(`kill shim ${pid}`, async () => process.kill(pid, 'SIGKILL'));
  await attempt('shims exit', () => waitExited(shims, `${shims.length} containerd shims`));
  if (before)
    for (const ns of netnsList().filter((n) => n.startsWith('cni-') && !before.netns.includes(n)))
      await attempt(`delete netns ${ns}`, () => sh('ip', ['netns', 'delete', ns]));
  for (const m of mountsUnder(existsSync('/proc/self/mountinfo') ? readFileSync('/proc/self/mountinfo', 'utf8') : '', [
    p.dir,
    p.containerdState,
  ])) {
    await attempt(`umount ${m}`, () => sh('umount', ['-l', m]));
  }
  if (before?.netnsMount === 'mounted') await attempt(`umount ${netnsHostDir()}`, () => sh('umount', [netnsHostDir()]));
  if (before?.netnsMount === 'made-shared')
    await attempt(`make ${netnsHostDir()} private again`, () => sh('mount', ['--make-rprivate', netnsHostDir()]));
  await removeHostRules(p, before, attempt, failures, log);
  await attempt(`bridge ${NODE.bridge}`, () => sh('ip', ['link', 'del', NODE.bridge], { reject: false }));
  if (existsSync(p.sysctls)) {
    const saved = JSON.parse(readFileSync(p.sysctls, 'utf8')) as Record<string, string>;
    for (const [k, v] of Object.entries(saved))
      await attempt(`restore ${k}`, async () => {
        if (readSysctl(k) !== v) writeSysctl(k, v);
      });
    log(`sysctls restored: ${Object.keys(saved).join(', ')}`);
  }
  if (existsSync(CNI_RESULTS_DIR)) {
    for (const f of readdirSync(CNI_RESULTS_DIR).filter((x) => ownCniResult(x, containerIds)))
      await attempt(`remove ${f}`, async () => rmSync(path.join(CNI_RESULTS_DIR, f)));
  }
  for (const d of before?.createdDirs ?? []) await attempt(`remove ${d}`, async () => rmSync(d, { recursive: true, force: true }));
  if (kubeconfig && existsSync(kubeconfig)) {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    const ignore404 = (e: { code?: number }) => {
      if (e.code !== 404) throw e;
    };
    await attempt(`delete Node ${NODE.name}`, () => kc.makeApiClient(k8s.CoreV1Api).deleteNode({ name: NODE.name }).catch(ignore404));
    await attempt(`delete Lease ${NODE.name}`, () =>
      kc.makeApiClient(k8s.CoordinationV1Api).deleteNamespacedLease({ namespace: 'kube-node-lease', name: NODE.name }).catch(ignore404),
    );
  }
  rmSync(p.containerdState, { recursive: true, force: true });
  await attempt(`remove ${p.dir}`, async () => rmSync(p.dir, { recursive: true, force: true }));
  log(`real node ${NODE.name}: ${failures.length === 0 ? 'removed' : `removed with ${failures.length} failures`}`);
  return failures;
}

/**
 * libcni's cached results (<network>-<container id>-<interface>) of the node's pod network, and of
 * the loopback network containerd adds to every sandbox (cni-loopback-<id>-lo) for the node's
 * containers; left behind when a sandbox is killed rather than torn down through CNI.
 */
export function ownCniResult(file: string, containerIds: string[]): boolean {
  return file.startsWith(`${CNI_NETWORK}-`) || containerIds.some((id) => file.includes(`-${id}-`));
}

type Attempt = (what: string, fn: () => Promise<unknown>) => Promise<void>;

/** kube-proxy's rules, the chains and ipsets kubelet and istio-cni added, the guard, and nftables tables new since up. */
async function removeHostRules(
  p: ReturnType<typeof nodePaths>,
  before: NodeBefore | undefined,
  attempt: Attempt,
  failures: string[],
  log: Log,
): Promise<void> {
  const kubeProxy = binaryPath(NODE_BINARIES.kubeProxy);
  if (existsSync(kubeProxy) && existsSync(p.kubeProxyConfig))
    await attempt('kube-proxy --cleanup', () => sh(kubeProxy, ['--cleanup', '--config', p.kubeProxyConfig], { reject: false }));
  if (before) {
    await attempt('iptables chains', async () => {
      for (const l of await removeNewChains(before.iptables)) log(l);
    });
    await attempt('ipsets', async () => {
      const gone = await removeNewIpsets(before.ipsets);
      if (gone.length) log(`ipsets destroyed: ${gone.join(', ')}`);
    });
  }
  await attempt(`nft table ${NODE.nftTable}`, () => sh('nft', ['delete', 'table', 'inet', NODE.nftTable], { reject: false }));
  if (before) {
    for (const t of nftTables((await sh('nft', ['list', 'tables'], { reject: false })).stdout).filter(
      (x) => !before.nftTables.includes(x),
    )) {
      const [, family, name] = t.split(/\s+/);
      const listing = (await sh('nft', ['list', 'table', family, name], { reject: false })).stdout;
      if (removableTable(listing)) await attempt(`nft delete ${t}`, () => sh('nft', ['delete', 'table', family, name]));
      else failures.push(`${t} is new since up and holds more than kubelet's and istio-cni's chains: left alone`);
    }
  }
}

/** SIGKILL to every task of the node's containerd, and waits until each is gone; then removes the containers. Returns their IDs. */
async function stopContainers(p: ReturnType<typeof nodePaths>, log: Log): Promise<string[]> {
  if (!existsSync(p.socket)) return [];
  const ctr = (args: string[]) => sh('ctr', ['--address', p.socket, '-n', 'k8s.io', ...args], { reject: false });
  const tasks = (await ctr(['tasks', 'ls'])).stdout
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 2)
    .map(([id, pid]) => ({ id, pid: Number(pid) }));
  for (const t of tasks) await ctr(['tasks', 'kill', '-a', '-s', 'SIGKILL', t.id]);
  await waitExited(
    tasks.map((t) => t.pid).filter((pid) => pid > 0),
    `${tasks.length} container tasks`,
  );
  for (const t of tasks)
    await waitFor(
      `task ${t.id} deleted`,
      async () =>
        (await ctr(['tasks', 'delete', t.id])).exitCode === 0 || !(await ctr(['tasks', 'ls', '-q'])).stdout.includes(t.id)
          ? true
          : undefined,
      CLUSTER_TIMING,
    );
  const containers = (await ctr(['containers', 'ls', '-q'])).stdout.split('\n').filter(Boolean);
  for (const c of containers) await ctr(['containers', 'rm', c]);
  log(`containerd: removed ${tasks.length} tasks, ${containers.length} containers`);
  return containers;
}

/** The real control plane's cluster with its real node Ready, or an error saying what to run first. */
export async function readyRealNode(kubeconfig: string): Promise<KubeCluster> {
  if (!existsSync(kubeconfig))
    throw new Error(`no kubeconfig at ${kubeconfig}: run npm run controlplane -- up --real-node first (or set KUBECONFIG)`);
  const cluster = new KubeCluster(loadKubeConfig(kubeconfig, undefined));
  const node = await cluster.get({ apiVersion: 'v1', kind: 'Node', name: NODE.name });
  if (conditionOf(node, 'Ready')?.status !== 'True')
    throw new Error(`node ${NODE.name} is not Ready: run npm run controlplane -- up --real-node first`);
  return cluster;
}
