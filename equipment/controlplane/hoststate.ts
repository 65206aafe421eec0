/**
 * What the control plane and its real node may change on this machine, as a snapshot: `up` takes
 * one before it changes anything, and `down` fails unless the machine is back to it (network
 * interfaces and routes, nftables chains, iptables-legacy rules, ipsets, mounts, network
 * namespaces, CNI state directories, the hosts file, sysctls, and processes of ours).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { cmdlineOf } from '../host/processes.ts';

export interface HostSnapshot {
  links: string[];
  routes: string[];
  /** "table <family> <name>: chain <name>" and "table <family> <name>" lines. */
  nftChains: string[];
  /** Normalised iptables-legacy-save and ip6tables-legacy-save lines (undefined: no iptables-legacy here). */
  iptablesLegacy?: string[];
  ipsets?: string[];
  mounts: string[];
  netns: string[];
  /** Entries of directories CNI plugins and istio-cni keep state in ("<dir>/<entry>", or "<dir>" alone). */
  cniState: string[];
  hosts: string;
  sysctls: Record<string, string>;
  /** Command lines of processes that belong to the control plane (see `ours`). */
  processes: string[];
}

/** Host directories a CNI plugin, istio-cni or ztunnel write to (istio manifests/charts/istio-cni, ztunnel). */
export const CNI_STATE_DIRS = [
  '/var/lib/cni/networks',
  '/var/lib/cni/results',
  '/var/run/istio-cni',
  '/var/run/ztunnel',
  '/etc/cni/net.d',
  '/opt/cni/bin',
];

/** Interface names of `ip -o link show` ("3: wptbr0: <...>" or "5: veth1@if2: <...>"). */
export function linkNames(listing: string): string[] {
  return listing
    .split('\n')
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l)?.[1])
    .filter((n): n is string => !!n)
    .sort();
}

/** Tables and their chains from `nft list chains` (chain bodies hold only hooks and policies there). */
export function nftChainList(listing: string): string[] {
  const out: string[] = [];
  let table = '';
  for (const raw of listing.split('\n')) {
    const l = raw.trim();
    const t = /^table (\S+ \S+) \{/.exec(l);
    const c = /^chain (\S+) \{/.exec(l);
    if (t) {
      table = `table ${t[1]}`;
      out.push(table);
    } else if (c && table) {
      out.push(`${table}: chain ${c[1]}`);
    }
  }
  return out.sort();
}

/**
 * iptables-save output without comments and counters; a table holding nothing but its built-in
 * chains at policy ACCEPT counts as absent (once loaded, a legacy table stays until the module goes).
 */
export function normaliseIptablesSave(dump: string): string[] {
  const out: string[] = [];
  let table: string[] = [];
  let keep = false;
  for (const raw of dump.split('\n')) {
    const l = raw.trim().replace(/\s*\[\d+:\d+\]$/, '');
    if (!l || l.startsWith('#')) continue;
    if (l.startsWith('*')) {
      table = [l];
      keep = false;
    } else if (l === 'COMMIT') {
      if (keep) out.push(...table, l);
      table = [];
    } else {
      table.push(l);
      // A user chain (":NAME - "), a rule, or a built-in chain whose policy is not ACCEPT.
      if (!/^:\S+ ACCEPT$/.test(l)) keep = true;
    }
  }
  return out;
}

/** Mount points from /proc/self/mountinfo, in order. */
export function mountPoints(mountinfo: string): string[] {
  return mountinfo
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((m): m is string => !!m)
    .map((m) => m.replace(/\\040/g, ' '));
}

/** A process of the control plane: its command line names one of the markers (the state directory, the node's containerd state). */
export function ours(argv: string[], markers: string[]): boolean {
  const line = argv.join(' ');
  return markers.some((m) => line.includes(m));
}

function listDir(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const entries = readdirSync(dir);
  return entries.length ? entries.map((e) => path.join(dir, e)) : [dir];
}

async function run(cmd: string, args: string[]): Promise<string | undefined> {
  const r = await execa(cmd, args, { reject: false, all: true });
  return r.exitCode === 0 ? r.stdout : undefined;
}

export async function captureHost(sysctlNames: string[], markers: string[]): Promise<HostSnapshot> {
  const legacy = await Promise.all(['iptables-legacy-save', 'ip6tables-legacy-save'].map((c) => run(c, [])));
  const ipsets = await run('ipset', ['list', '-n']);
  const sysctls: Record<string, string> = {};
  for (const s of sysctlNames) {
    const file = path.join('/proc/sys', ...s.split('.'));
    if (existsSync(file)) sysctls[s] = readFileSync(file, 'utf8').trim();
  }
  const processes = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)
    .map((d) => cmdlineOf(Number(d)) ?? [])
    .filter((a) => a.length > 0 && ours(a, markers))
    .map((a) => a.join(' '));
  return {
    links: linkNames((await run('ip', ['-o', 'link', 'show'])) ?? ''),
    routes: ((await run('ip', ['route', 'show', 'table', 'all'])) ?? '').split('\n').filter(Boolean).sort(),
    nftChains: nftChainList((await run('nft', ['list', 'chains'])) ?? ''),
    iptablesLegacy: legacy.every((d) => d === undefined) ? undefined : legacy.flatMap((d) => normaliseIptablesSave(d ?? '')),
    ipsets: ipsets === undefined ? undefined : ipsets.split('\n').filter(Boolean).sort(),
    mounts: mountPoints(readFileSync('/proc/self/mountinfo', 'utf8')),
    netns: listDir('/var/run/netns'),
    cniState: CNI_STATE_DIRS.flatMap(listDir),
    hosts: readFileSync(process.env.WPT_HOSTS_FILE ?? '/etc/hosts', 'utf8'),
    sysctls,
    processes: processes.sort(),
  };
}

/** What differs, one line per item ("+ added", "- removed", "~ changed"); empty when the host is as before. */
export function hostDifferences(before: HostSnapshot, after: HostSnapshot): string[] {
  const out: string[] = [];
  const lists: (keyof HostSnapshot)[] = [
    'links',
    'routes',
    'nftChains',
    'iptablesLegacy',
    'ipsets',
    'mounts',
    'netns',
    'cniState',
    'processes',
  ];
  for (const key of lists) {
    const b = before[key] as string[] | undefined;
    const a = after[key] as string[] | undefined;
    if (!a || !b) continue;
    for (const x of a.filter((v) => !b.includes(v))) out.push(`${key}: + ${x}`);
    for (const x of b.filter((v) => !a.includes(v))) out.push(`${key}: - ${x}`);
  }
  if (before.hosts !== after.hosts) out.push('hosts: the hosts file changed');
  for (const [k, v] of Object.entries(before.sysctls)) if (after.sysctls[k] !== v) out.push(`sysctls: ~ ${k} ${v} -> ${after.sysctls[k]}`);
  return out;
}
