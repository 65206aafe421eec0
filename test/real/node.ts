/**
 * A real worker node joined to the real control plane (npm run controlplane -- up --real-node):
 * containerd + runc + CNI bridge from Debian packages, kubelet and kube-proxy from the Kubernetes
 * wrapper module, pod images made here (images.ts). Test equipment, not product.
 *
 * Network safety: pods live on their own bridge; an nftables table drops every packet forwarded
 * from that bridge to any other interface, so pod traffic never leaves this machine. Pod DNS is
 * an empty resolv.conf: there is no cluster DNS, the tests address Services by ClusterIP.
 *
 * What had to be worked around (issue 17's findings, re-checked here): kwok adopts every new
 * Node (--manage-all-nodes) unless the node's Lease already names the node as holder; the host's
 * cgroups are v1 (failCgroupV1: false); no CAP_SYS_RESOURCE (containerd restrict_oom_score_adj);
 * kubelet refuses a loopback node IP (the node's address is on the pod bridge); the apiserver
 * dials the kubelet by node name (a hosts entry) without a client certificate (kubelet anonymous
 * + AlwaysAllow: test equipment only); Istio's istio-cni-node and ztunnel DaemonSets tolerate
 * every taint (kept off the node by node affinity); kubelet changes host sysctls (restored by down).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { execa } from 'execa';
import { stringify } from 'yaml';
import { UserError } from '../../harness/cli/errors.ts';
import { CLUSTER_TIMING, waitFor } from '../../harness/wait.ts';
import { binaryPath, ensureBinary } from '../controlplane/gobuild.ts';
import { addHosts } from '../controlplane/hosts.ts';
import { NODE_BINARIES, NODE_PACKAGES, type NodeBinaries } from '../controlplane/pins.ts';
import { cmdlineOf, isRunning, records, startDaemon, stopDaemon } from '../controlplane/processes.ts';
import { debianImage, echoStandinImage, pauseImage, PAUSE_IMAGE } from './images.ts';

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
  'kernel.panic', 'kernel.panic_on_oops', 'vm.overcommit_memory', 'net.ipv4.ip_forward',
  'net.bridge.bridge-nf-call-iptables', 'net.bridge.bridge-nf-call-ip6tables',
  'net.netfilter.nf_conntrack_max', 'net.netfilter.nf_conntrack_tcp_timeout_established', 'net.netfilter.nf_conntrack_tcp_timeout_close_wait',
];

type Log = (line: string) => void;

export const nodePaths = (state: string) => ({
  dir: path.join(state, 'node'),
  containerdConfig: path.join(state, 'node', 'containerd.toml'),
  containerdRoot: path.join(state, 'node', 'containerd'),
  containerdState: '/run/wpt-containerd',
  socket: '/run/wpt-containerd/containerd.sock',
  cniConf: path.join(state, 'node', 'cni', 'net.d'),
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
    bin_dir = "/usr/lib/cni"
    conf_dir = "${p.cniConf}"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
    runtime_type = "io.containerd.runc.v2"
`;
}

/** bridge + host-local on the node's own bridge; no masquerade, nothing routed off the machine. */
export function cniConfig(): object {
  return {
    cniVersion: '0.4.0', name: 'wpt-pods',
    plugins: [
      { type: 'bridge', bridge: NODE.bridge, isGateway: true, ipMasq: false, hairpinMode: true, ipam: { type: 'host-local', ranges: [[{ subnet: NODE.podCidr, gateway: NODE.address }]], routes: [{ dst: '0.0.0.0/0' }] } },
      { type: 'loopback' },
    ],
  };
}

export function kubeletConfig(p: ReturnType<typeof nodePaths>): object {
  return {
    apiVersion: 'kubelet.config.k8s.io/v1beta1', kind: 'KubeletConfiguration',
    authentication: { anonymous: { enabled: true }, webhook: { enabled: false } },
    authorization: { mode: 'AlwaysAllow' },
    address: NODE.address, readOnlyPort: 0, healthzBindAddress: '127.0.0.1', healthzPort: 10248,
    cgroupDriver: 'cgroupfs', failCgroupV1: false, cgroupsPerQOS: false, enforceNodeAllocatable: [],
    containerRuntimeEndpoint: `unix://${p.socket}`, podCIDR: NODE.podCidr, resolvConf: p.resolvConf,
    failSwapOn: false, localStorageCapacityIsolation: false, protectKernelDefaults: false,
    evictionHard: { 'memory.available': '1Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
    imageGCHighThresholdPercent: 100, imageGCLowThresholdPercent: 99, serializeImagePulls: false,
  };
}

export function kubeProxyConfig(kubeconfig: string): object {
  return {
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1', kind: 'KubeProxyConfiguration',
    mode: 'nftables', clusterCIDR: NODE.podCidr, hostnameOverride: NODE.name,
    clientConnection: { kubeconfig },
    metricsBindAddress: '127.0.0.1:10249', healthzBindAddress: '127.0.0.1:10256',
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
    throw new UserError('the real node installs its runtime from Debian packages, and this machine has no apt-get', 'use a Debian or Ubuntu machine (or container) for --real-node');
  }
  const missing: string[] = [];
  for (const pkg of NODE_PACKAGES) if ((await sh('dpkg-query', ['-W', '-f=${Status}', pkg], { reject: false })).stdout !== 'install ok installed') missing.push(pkg);
  if (missing.length === 0) return;
  log(`apt-get install ${missing.join(' ')}`);
  await execa('apt-get', ['update', '-qq'], { all: true });
  await execa('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], { env: { DEBIAN_FRONTEND: 'noninteractive' }, all: true });
}

function readSysctl(name: string): string | undefined {
  const file = path.join('/proc/sys', ...name.split('.'));
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

function writeSysctl(name: string, value: string): void {
  writeFileSync(path.join('/proc/sys', ...name.split('.')), value);
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
  mkdirSync(p.cniConf, { recursive: true });
  writeFileSync(path.join(p.cniConf, '10-wpt.conflist'), JSON.stringify(cniConfig(), null, 2));
  writeFileSync(p.resolvConf, '');
}

async function startContainerd(state: string, p: ReturnType<typeof nodePaths>, log: Log): Promise<void> {
  writeFileSync(p.containerdConfig, containerdConfig(p));
  const rec = startDaemon(state, 'containerd', '/usr/bin/containerd', ['--config', p.containerdConfig], { cwd: p.dir, env: { PATH: process.env.PATH ?? '' } });
  await waitFor('containerd answers', async () => {
    if (!isRunning(rec)) throw new Error(`containerd exited; see ${rec.log}`);
    return (await sh('ctr', ['--address', p.socket, 'version'], { reject: false })).exitCode === 0 ? true : undefined;
  }, CLUSTER_TIMING);
  for (const image of [await pauseImage(log), await debianImage(log), await echoStandinImage(log)]) {
    await sh('ctr', ['--address', p.socket, '-n', 'k8s.io', 'images', 'import', '--no-unpack', image]);
  }
}

/** Keeps kwok off the node: it adopts a Node unless its Lease already names the node as holder. */
async function claimLease(kc: k8s.KubeConfig): Promise<void> {
  const coord = kc.makeApiClient(k8s.CoordinationV1Api);
  await coord.createNamespacedLease({
    namespace: 'kube-node-lease',
    body: { metadata: { name: NODE.name }, spec: { holderIdentity: NODE.name, leaseDurationSeconds: 40, renewTime: new k8s.V1MicroTime() } },
  }).catch((e: { code?: number }) => { if (e.code !== 409) throw e; });
}

/** istio-cni-node and ztunnel tolerate every taint; node affinity keeps them on the simulated nodes. */
async function keepIstioDaemonSetsOff(kc: k8s.KubeConfig): Promise<void> {
  const apps = kc.makeApiClient(k8s.AppsV1Api);
  const affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: NODE.label, operator: 'DoesNotExist' }] }] } } };
  for (const name of ['istio-cni-node', 'ztunnel']) {
    await apps.patchNamespacedDaemonSet({ namespace: 'istio-system', name, body: { spec: { template: { spec: { affinity } } } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch))
      .catch((e: { code?: number }) => { if (e.code !== 404) throw e; });
  }
}

export async function buildNode(log: Log): Promise<NodeBinaries> {
  await installPackages(log);
  return { kubelet: await ensureBinary(NODE_BINARIES.kubelet, log), kubeProxy: await ensureBinary(NODE_BINARIES.kubeProxy, log) };
}

export async function upNode(state: string, kubeconfig: string, log: Log): Promise<void> {
  const bin = await buildNode(log);
  const p = nodePaths(state);
  mkdirSync(p.dir, { recursive: true });
  if ((await sh('ip', ['link', 'show', NODE.bridge], { reject: false })).exitCode === 0) {
    throw new UserError(`a network interface ${NODE.bridge} already exists and this run did not create it`, 'run npm run controlplane -- down, or remove it');
  }
  writeFileSync(path.join(p.dir, 'netns-before.json'), JSON.stringify(netnsList()));
  writeFileSync(path.join(p.dir, 'nft-tables-before.json'), JSON.stringify(nftTables((await sh('nft', ['list', 'tables'])).stdout)));
  await setupNetwork(p);
  await startContainerd(state, p, log);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfig);
  await keepIstioDaemonSetsOff(kc);
  await claimLease(kc);
  addHosts([NODE.name], undefined, NODE.address);
  writeFileSync(p.kubeletConfig, stringify(kubeletConfig(p)));
  startDaemon(state, 'kubelet', bin.kubelet, [
    '--config', p.kubeletConfig, '--kubeconfig', kubeconfig, '--hostname-override', NODE.name, '--node-ip', NODE.address,
    '--root-dir', p.kubeletRoot, '--cert-dir', path.join(p.dir, 'pki'), `--node-labels=${NODE.label}=true`,
    // Only pods that ask for the real node land on it: the suite's e2e pods stay on the simulated ones.
    `--register-with-taints=${NODE.label}=true:NoSchedule`,
  ], { cwd: p.dir, env: { PATH: process.env.PATH ?? '' } });
  writeFileSync(p.kubeProxyConfig, stringify(kubeProxyConfig(kubeconfig)));
  startDaemon(state, 'kube-proxy', bin.kubeProxy, ['--config', p.kubeProxyConfig], { cwd: p.dir, env: { PATH: process.env.PATH ?? '' } });
  const core = kc.makeApiClient(k8s.CoreV1Api);
  await waitFor(`node ${NODE.name} Ready`, async () => {
    const node = await core.readNode({ name: NODE.name }).catch(() => undefined);
    return node?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True' ? true : undefined;
  }, CLUSTER_TIMING);
}

/** Mount points at or under `dirs`, deepest first (/proc/self/mountinfo field 5). */
export function mountsUnder(mountinfo: string, dirs: string[]): string[] {
  const points = mountinfo.split('\n').map((l) => l.split(' ')[4]).filter((m): m is string => !!m)
    .map((m) => m.replace(/\\040/g, ' '))
    .filter((m) => dirs.some((d) => m === d || m.startsWith(`${d}/`)));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}

/** "table ip filter" lines of `nft list tables`. */
export function nftTables(listing: string): string[] {
  return listing.split('\n').map((l) => l.trim()).filter((l) => l.startsWith('table '));
}

/**
 * kubelet writes iptables canary and firewall chains (KUBE-IPTABLES-HINT, KUBE-KUBELET-CANARY,
 * KUBE-FIREWALL and jumps to it). A table that is new since up and holds nothing else is removed.
 */
export function onlyKubeletChains(tableListing: string): boolean {
  let chain = '';
  for (const raw of tableListing.split('\n')) {
    const l = raw.replace(/#.*$/, '').trim();
    if (!l || l === '}' || l.startsWith('table ') || l.startsWith('type ')) continue;
    const m = /^chain (\S+) \{/.exec(l);
    if (m) chain = m[1];
    else if (!chain.startsWith('KUBE-') && !/ jump KUBE-\S+$/.test(l)) return false;
  }
  return true;
}

function netnsList(): string[] {
  return existsSync('/var/run/netns') ? readdirSync('/var/run/netns') : [];
}

/** Undoes upNode completely; each step runs even if an earlier one failed, and failures are reported. */
export async function downNode(state: string, kubeconfig: string | undefined, log: Log): Promise<string[]> {
  const p = nodePaths(state);
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
  const ctr = (args: string[]) => sh('ctr', ['--address', p.socket, '-n', 'k8s.io', ...args], { reject: false });
  if (existsSync(p.socket)) {
    const tasks = (await ctr(['tasks', 'ls', '-q'])).stdout.split('\n').filter(Boolean);
    for (const t of tasks) await ctr(['tasks', 'kill', '-s', 'SIGKILL', t]);
    for (const t of tasks) await waitFor(`task ${t} stopped`, async () => ((await ctr(['tasks', 'delete', t])).exitCode === 0 || !(await ctr(['tasks', 'ls', '-q'])).stdout.includes(t) ? true : undefined), CLUSTER_TIMING).catch(() => undefined);
    const containers = (await ctr(['containers', 'ls', '-q'])).stdout.split('\n').filter(Boolean);
    for (const c of containers) await ctr(['containers', 'rm', c]);
    log(`containerd: removed ${tasks.length} tasks, ${containers.length} containers`);
  }
  const owned = existsSync(path.join(p.dir, 'netns-before.json')) ? (JSON.parse(readFileSync(path.join(p.dir, 'netns-before.json'), 'utf8')) as string[]) : undefined;
  if (owned) for (const ns of netnsList().filter((n) => n.startsWith('cni-') && !owned.includes(n))) await attempt(`delete netns ${ns}`, () => sh('ip', ['netns', 'delete', ns]));
  const containerd = records(state).find((r) => r.name === 'containerd');
  if (containerd) await attempt('stop containerd', async () => log(`containerd (pid ${containerd.pid}): ${await stopDaemon(state, containerd)}`));
  // Shims outlive containerd; ours are the ones started with our socket.
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number)) {
    const argv = cmdlineOf(pid);
    if (argv?.[0]?.includes('containerd-shim') && argv.includes(p.socket)) await attempt(`kill shim ${pid}`, async () => process.kill(pid, 'SIGKILL'));
  }
  for (const m of mountsUnder(existsSync('/proc/self/mountinfo') ? readFileSync('/proc/self/mountinfo', 'utf8') : '', [p.dir, p.containerdState])) {
    await attempt(`umount ${m}`, () => sh('umount', ['-l', m]));
  }
  const kubeProxy = path.join(path.dirname(binaryPath(NODE_BINARIES.kubeProxy)), 'kube-proxy');
  if (existsSync(kubeProxy) && existsSync(p.kubeProxyConfig)) await attempt('kube-proxy --cleanup', () => sh(kubeProxy, ['--cleanup', '--config', p.kubeProxyConfig], { reject: false }));
  await attempt(`nft table ${NODE.nftTable}`, () => sh('nft', ['delete', 'table', 'inet', NODE.nftTable], { reject: false }));
  const tablesBefore = path.join(p.dir, 'nft-tables-before.json');
  if (existsSync(tablesBefore)) {
    const before = JSON.parse(readFileSync(tablesBefore, 'utf8')) as string[];
    for (const t of nftTables((await sh('nft', ['list', 'tables'], { reject: false })).stdout).filter((x) => !before.includes(x))) {
      const [, family, name] = t.split(/\s+/);
      const listing = (await sh('nft', ['list', 'table', family, name], { reject: false })).stdout;
      if (onlyKubeletChains(listing)) await attempt(`nft delete ${t}`, () => sh('nft', ['delete', 'table', family, name]));
      else failures.push(`${t} is new since up and holds more than kubelet's chains: left alone`);
    }
  }
  await attempt(`bridge ${NODE.bridge}`, () => sh('ip', ['link', 'del', NODE.bridge], { reject: false }));
  if (existsSync(p.sysctls)) {
    const saved = JSON.parse(readFileSync(p.sysctls, 'utf8')) as Record<string, string>;
    for (const [k, v] of Object.entries(saved)) await attempt(`restore ${k}`, async () => { if (readSysctl(k) !== v) writeSysctl(k, v); });
    log(`sysctls restored: ${Object.keys(saved).join(', ')}`);
  }
  if (kubeconfig && existsSync(kubeconfig)) {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(kubeconfig);
    const ignore404 = (e: { code?: number }) => { if (e.code !== 404) throw e; };
    await attempt(`delete Node ${NODE.name}`, () => kc.makeApiClient(k8s.CoreV1Api).deleteNode({ name: NODE.name }).catch(ignore404));
    await attempt(`delete Lease ${NODE.name}`, () => kc.makeApiClient(k8s.CoordinationV1Api).deleteNamespacedLease({ namespace: 'kube-node-lease', name: NODE.name }).catch(ignore404));
  }
  rmSync(p.containerdState, { recursive: true, force: true });
  await attempt(`remove ${p.dir}`, async () => rmSync(p.dir, { recursive: true, force: true }));
  log(`real node ${NODE.name}: ${failures.length === 0 ? 'removed' : `removed with ${failures.length} failures`}`);
  return failures;
}
