/**
 * Host firewall state the real node's components add and `down` removes: chains kubelet (KUBE-*)
 * and istio-cni's node agent (ISTIO-*) create through iptables, in iptables-legacy or through
 * iptables-nft (istio-cni picks the backend that already holds rules, so it has used either here:
 * istio tools/istio-iptables/pkg/dependencies), istio-cni's ipsets, and nftables tables new since `up`.
 * Only chains and sets that are new since `up` and carry those prefixes are touched.
 */
import { execa } from 'execa';

/** Chain prefixes: kubelet's, and istio-cni's host chain (istio cni/pkg/iptables/iptables.go ChainHostPostrouting). */
export const RULE_OWNERS = ['KUBE-', 'ISTIO_', 'ISTIO-'];
/** istio-cni's own tables when it runs on nftables (istio cni/pkg/nftables/nftables.go). */
export const NFT_TABLE_PREFIX = 'istio-';
/** istio-cni's host address sets (istio cni/pkg/nodeagent: istio-inpod-probes-v4/-v6). */
export const IPSET_PREFIX = 'istio-';

export interface SavedTable {
  name: string;
  chains: string[];
  /** "-A CHAIN ..." lines as iptables-save prints them. */
  rules: string[];
}

/** Tables of an iptables-save dump. */
export function parseIptablesSave(dump: string): SavedTable[] {
  const tables: SavedTable[] = [];
  let t: SavedTable | undefined;
  for (const raw of dump.split('\n')) {
    const l = raw.trim();
    if (l.startsWith('*')) tables.push((t = { name: l.slice(1), chains: [], rules: [] }));
    else if (t && l.startsWith(':')) t.chains.push(l.slice(1).split(' ')[0]);
    else if (t && l.startsWith('-A ')) t.rules.push(l);
  }
  return tables;
}

/**
 * iptables-restore --noflush input that removes the chains of `now` that `before` lacked and that
 * carry an owner prefix: first every rule jumping to them from other chains, then the chains.
 */
export function removalScript(before: SavedTable[], now: SavedTable[], owners = RULE_OWNERS): string {
  const out: string[] = [];
  for (const t of now) {
    const had = before.find((b) => b.name === t.name)?.chains ?? [];
    const added = t.chains.filter((c) => !had.includes(c) && owners.some((o) => c.startsWith(o)));
    if (added.length === 0) continue;
    const target = new RegExp(`\\s-[jg]\\s+(${added.map((c) => c.replace(/[^\w-]/g, '\\$&')).join('|')})(\\s|$)`);
    const jumps = t.rules.filter((r) => !added.includes(r.split(/\s+/)[1]) && target.test(r));
    out.push(
      `*${t.name}`,
      ...jumps.map((r) => `-D${r.slice(2)}`),
      ...added.map((c) => `-F ${c}`),
      ...added.map((c) => `-X ${c}`),
      'COMMIT',
    );
  }
  return out.length ? `${out.join('\n')}\n` : '';
}

/** "table/chain" for each chain a removal script deletes. */
export function removedChains(script: string): string[] {
  let table = '';
  const out: string[] = [];
  for (const l of script.split('\n')) {
    if (l.startsWith('*')) table = l.slice(1);
    else if (l.startsWith('-X ')) out.push(`${table}/${l.slice(3)}`);
  }
  return out;
}

/** iptables variants whose rules are saved at up and cleaned at down. */
export const IPTABLES = ['iptables-legacy', 'ip6tables-legacy', 'iptables-nft', 'ip6tables-nft'];

export async function saveAll(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const bin of IPTABLES) {
    const r = await execa(`${bin}-save`, [], { reject: false });
    if (r.exitCode === 0) out[bin] = r.stdout;
  }
  return out;
}

/** Removes what removalScript names, per variant; returns what it removed, one line per variant. */
export async function removeNewChains(before: Record<string, string>): Promise<string[]> {
  const done: string[] = [];
  for (const bin of IPTABLES) {
    const now = await execa(`${bin}-save`, [], { reject: false });
    if (now.exitCode !== 0) continue;
    const script = removalScript(parseIptablesSave(before[bin] ?? ''), parseIptablesSave(now.stdout));
    if (!script) continue;
    await execa(`${bin}-restore`, ['--noflush'], { input: script });
    done.push(`${bin}: removed ${removedChains(script).join(', ')}`);
  }
  return done;
}

export async function ipsetNames(): Promise<string[] | undefined> {
  const r = await execa('ipset', ['list', '-n'], { reject: false });
  return r.exitCode === 0 ? r.stdout.split('\n').filter(Boolean) : undefined;
}

/** Destroys the ipsets istio-cni made since up (after the rules that match on them are gone). */
export async function removeNewIpsets(before: string[]): Promise<string[]> {
  const added = ((await ipsetNames()) ?? []).filter((s) => !before.includes(s) && s.startsWith(IPSET_PREFIX));
  for (const s of added) await execa('ipset', ['destroy', s]);
  return added;
}

/**
 * kubelet writes iptables canary and firewall chains (KUBE-IPTABLES-HINT, KUBE-KUBELET-CANARY,
 * KUBE-FIREWALL and jumps to it), istio-cni ISTIO_* chains; iptables-nft gives each table its
 * base chains. A table that is new since up and holds nothing else is removed, as is one of
 * istio-cni's own nftables tables.
 */
export function removableTable(tableListing: string, owners = RULE_OWNERS): boolean {
  const name = /^table \S+ (\S+)/m.exec(tableListing)?.[1] ?? '';
  return name.startsWith(NFT_TABLE_PREFIX) || onlyOwnedChains(tableListing, owners);
}

export function onlyOwnedChains(tableListing: string, owners = RULE_OWNERS): boolean {
  let chain = '';
  for (const raw of tableListing.split('\n')) {
    const l = raw.replace(/#.*$/, '').trim();
    if (!l || l === '}' || l.startsWith('table ') || l.startsWith('type ')) continue;
    const m = /^chain (\S+) \{/.exec(l);
    if (m) chain = m[1];
    else if (!owners.some((o) => chain.startsWith(o)) && !new RegExp(` (jump|goto) (${owners.join('|')})\\S+$`).test(l)) return false;
  }
  return true;
}
