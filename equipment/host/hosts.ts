/** The hosts-file entry that makes istiod's service name resolve to the local istiod; removed by down. */
import { readFileSync, writeFileSync } from 'node:fs';

const MARK = '# waypoint-conformance controlplane';

/** Adds one marked line for `names`, replacing a marked line that named any of them. */
export function withEntries(hostsText: string, names: string[], address = '127.0.0.1'): string {
  const kept = hostsText
    .split('\n')
    .filter((l) => !(l.endsWith(MARK) && names.some((n) => l.split(/\s+/).includes(n))))
    .join('\n');
  if (names.length === 0) return kept;
  return `${kept.replace(/\n*$/, '\n')}${address} ${names.join(' ')} ${MARK}\n`;
}

export function withoutEntries(hostsText: string): string {
  return hostsText
    .split('\n')
    .filter((l) => !l.endsWith(MARK))
    .join('\n');
}

export function hostsFile(): string {
  return process.env.WPT_HOSTS_FILE ?? '/etc/hosts';
}

/** Rewrites in place: /etc/hosts may be a bind mount (containers), which a rename would break. */
export function addHosts(names: string[], file = hostsFile(), address = '127.0.0.1'): void {
  writeFileSync(file, withEntries(readFileSync(file, 'utf8'), names, address));
}

export function removeHosts(file = hostsFile()): boolean {
  const text = readFileSync(file, 'utf8');
  const next = withoutEntries(text);
  if (next !== text) writeFileSync(file, next);
  return next !== text;
}
