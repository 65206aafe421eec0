/**
 * The one place where the curl command is built and its output parsed.
 *
 * One exec runs a batch: a shell loop sending N requests, a new curl process (so a new connection)
 * each, printing one machine-readable line per request:
 *   WPT seq=3 rc=0 code=200 time=0.012 err=<b64> m.<marker>=<b64 of first match>
 * rc is curl's exit code (56 = connection reset, 28 = timeout), code the HTTP status (000 when no
 * response). Markers are extended regular expressions grepped in the body or the response headers;
 * only the first match is kept, so a page that prints a value twice still counts once.
 */
import { quote } from 'shell-quote';

export interface Marker {
  name: string;
  pattern: string; // POSIX ERE, as grep -E takes it
  in: 'body' | 'headers';
}

export interface RequestSpec {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  maxTimeSec: number;
  markers: Marker[];
}

export interface RequestRecord {
  seq: number;
  exitCode: number;
  httpCode: number;
  timeSec: number;
  stderr: string;
  markers: Record<string, string>;
}

export const LINE_PREFIX = 'WPT';
const MARKER_NAME = /^[a-z][a-z0-9_]*$/;

/** curl's arguments after the output-file options, which the script adds itself. */
export function curlArgs(spec: RequestSpec): string[] {
  const args = ['--max-time', String(spec.maxTimeSec)];
  args.push('-w', '%{http_code} %{time_total}');
  args.push('-X', spec.method ?? 'GET');
  for (const [k, v] of Object.entries(spec.headers ?? {})) args.push('-H', `${k}: ${v}`);
  args.push(spec.url);
  return args;
}

/** The shell script for one batch of `count` requests. POSIX sh: runs in busybox (curlimages/curl). */
export function batchScript(spec: RequestSpec, count: number): string {
  if (!Number.isInteger(count) || count < 1) throw new Error(`batch size must be a positive integer, got ${count}`);
  for (const m of spec.markers) {
    if (!MARKER_NAME.test(m.name)) throw new Error(`marker name ${JSON.stringify(m.name)} must match ${MARKER_NAME}`);
  }
  const b = '"$b"';
  const h = '"$h"';
  const lines = [
    'b=/tmp/wpt.$$.b; h=/tmp/wpt.$$.h; e=/tmp/wpt.$$.e; n=0',
    `while [ "$n" -lt ${count} ]; do`,
    '  n=$((n+1))',
    `  w=$(curl -sS -o ${b} -D ${h} ${quote(curlArgs(spec))} 2>"$e"); rc=$?`,
    `  printf '${LINE_PREFIX} seq=%s rc=%s code=%s time=%s err=%s' "$n" "$rc" "\${w%% *}" "\${w##* }" "$(head -c 300 "$e" | base64 | tr -d '\\n')"`,
  ];
  for (const m of spec.markers) {
    const file = m.in === 'body' ? b : h;
    lines.push(`  printf ' m.${m.name}=%s' "$(grep -o -E ${quote([m.pattern])} ${file} 2>/dev/null | head -n 1 | tr -d '\\r\\n' | base64 | tr -d '\\n')"`);
  }
  lines.push("  printf '\\n'", '  rm -f "$b" "$h" "$e"', 'done');
  return lines.join('\n');
}

function b64(s: string): string {
  return Buffer.from(s, 'base64').toString('utf8');
}

/** Parses the batch output. Lines that are not records are ignored (kept in the raw output). */
export function parseBatch(stdout: string): RequestRecord[] {
  const records: RequestRecord[] = [];
  for (const line of stdout.split('\n')) {
    if (!line.startsWith(`${LINE_PREFIX} `)) continue;
    const fields = new Map<string, string>();
    for (const token of line.slice(LINE_PREFIX.length + 1).split(' ')) {
      const eq = token.indexOf('=');
      if (eq > 0) fields.set(token.slice(0, eq), token.slice(eq + 1));
    }
    const markers: Record<string, string> = {};
    for (const [k, v] of fields) if (k.startsWith('m.')) markers[k.slice(2)] = b64(v);
    records.push({
      seq: Number(fields.get('seq')),
      exitCode: Number(fields.get('rc') ?? -1),
      httpCode: Number(fields.get('code') || 0),
      timeSec: Number(fields.get('time') || 0),
      stderr: b64(fields.get('err') ?? ''),
      markers,
    });
  }
  return records;
}
