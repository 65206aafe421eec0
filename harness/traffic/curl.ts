/**
 * The one place where the curl command is built and its output parsed.
 *
 * One exec runs a batch: a shell loop sending N requests, a new curl process (so a new connection)
 * each, printing one machine-readable line per request:
 *   WPT seq=3 rc=0 code=200 time=0.012 err=<b64> m.<marker>=<b64 of first match>
 * rc is curl's exit code (52 = empty reply, 56 = connection reset, 28 = timeout), code the HTTP status (000 when no
 * response). Markers are extended regular expressions grepped in the body or the response headers;
 * only the first match is kept, so a page that prints a value twice still counts once. The body is
 * grepped with its line breaks removed, so that a pattern can span a pretty-printed JSON object (the
 * echo image prints the request's Host as "hostname" before the pod's own, inside "os": {...}).
 * Headers are grepped line by line.
 * A gRPC request (protocol 'grpc', see grpc.ts) pipes its frame from printf into curl, turns the
 * binary response body into text lines, and adds grpc=<b64 of the grpc-status header or trailer>
 * (curl -D writes HTTP/2 trailers after the headers).
 */
import { quote } from 'shell-quote';
import { GRPC_MESSAGE, grpcFrame, printfOctal, TEXT_BYTES } from './grpc.ts';

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
  /** grpc: a unary gRPC call to the URL's path (/package.Service/Method) over cleartext HTTP/2. */
  protocol?: 'http' | 'grpc';
  /** Also return the whole response: its header block and body (the outside client, which answers as undici does). */
  capture?: boolean;
}

export interface RequestRecord {
  seq: number;
  exitCode: number;
  httpCode: number;
  timeSec: number;
  stderr: string;
  markers: Record<string, string>;
  /** gRPC requests only: the grpc-status value the client got ('' when none came). */
  grpcStatus?: string;
  /** With RequestSpec.capture: the response's header block(s) as curl wrote them, and its body. */
  captured?: { head: string; body: string };
}

export const LINE_PREFIX = 'WPT';
const MARKER_NAME = /^[a-z][a-z0-9_]*$/;

/** curl's arguments after the output-file options, which the script adds itself. */
export function curlArgs(spec: RequestSpec): string[] {
  const args = ['--max-time', String(spec.maxTimeSec)];
  args.push('-w', '%{http_code} %{time_total}');
  if (spec.protocol === 'grpc') {
    if (spec.method && spec.method !== 'POST') throw new Error(`a gRPC call is a POST, not ${spec.method}`);
    args.push('--http2-prior-knowledge', '-X', 'POST', '-H', 'content-type: application/grpc', '-H', 'te: trailers', '--data-binary', '@-');
  } else {
    args.push('-X', spec.method ?? 'GET');
  }
  for (const [k, v] of Object.entries(spec.headers ?? {})) args.push('-H', `${k}: ${v}`);
  args.push(spec.url);
  return args;
}

const GRPC_STATUS_LINE = '[Gg][Rr][Pp][Cc]-[Ss][Tt][Aa][Tt][Uu][Ss]: ?[0-9]*';

/** A line printing the first match of an ERE in a file (the body: as one line), base64 (no spaces or newlines in the record). */
function firstMatchField(field: string, pattern: string, file: string, joinLines: boolean): string {
  const grep = joinLines
    ? `tr -d '\\r\\n' 2>/dev/null < ${file} | grep -o -E ${quote([pattern])}`
    : `grep -o -E ${quote([pattern])} ${file} 2>/dev/null`;
  return `  printf ' ${field}=%s' "$(${grep} | head -n 1 | tr -d '\\r\\n' | base64 | tr -d '\\n')"`;
}

/** The shell script for one batch of `count` requests. POSIX sh: runs in busybox (curlimages/curl). */
export function batchScript(spec: RequestSpec, count: number): string {
  if (!Number.isInteger(count) || count < 1) throw new Error(`batch size must be a positive integer, got ${count}`);
  for (const m of spec.markers) {
    if (!MARKER_NAME.test(m.name)) throw new Error(`marker name ${JSON.stringify(m.name)} must match ${MARKER_NAME}`);
  }
  const b = '"$b"';
  const h = '"$h"';
  const grpc = spec.protocol === 'grpc';
  const input = grpc ? `printf '${printfOctal(grpcFrame(GRPC_MESSAGE))}' | ` : '';
  const lines = [
    'b=/tmp/wpt.$$.b; h=/tmp/wpt.$$.h; e=/tmp/wpt.$$.e; n=0',
    `while [ "$n" -lt ${count} ]; do`,
    '  n=$((n+1))',
    `  w=$(${input}curl -sS -o ${b} -D ${h} ${quote(curlArgs(spec))} 2>"$e"); rc=$?`,
    ...(grpc ? [`  if [ -f ${b} ]; then tr -c '${TEXT_BYTES}' '\\n' < ${b} > "$b.t"; mv -f "$b.t" ${b}; fi`] : []),
    `  printf '${LINE_PREFIX} seq=%s rc=%s code=%s time=%s err=%s' "$n" "$rc" "\${w%% *}" "\${w##* }" "$(head -c 300 "$e" | base64 | tr -d '\\n')"`,
    ...(grpc ? [firstMatchField('grpc', GRPC_STATUS_LINE, h, false)] : []),
  ];
  for (const m of spec.markers)
    lines.push(m.in === 'body' ? firstMatchField(`m.${m.name}`, m.pattern, b, true) : firstMatchField(`m.${m.name}`, m.pattern, h, false));
  if (spec.capture)
    lines.push(`  printf ' head=%s body=%s' "$(base64 < ${h} 2>/dev/null | tr -d '\\n')" "$(base64 < ${b} 2>/dev/null | tr -d '\\n')"`);
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
      ...(fields.has('grpc') ? { grpcStatus: b64(fields.get('grpc')!).replace(/^[^:]*: ?/, '') } : {}),
      ...(fields.has('head') ? { captured: { head: b64(fields.get('head')!), body: b64(fields.get('body') ?? '') } } : {}),
    });
  }
  return records;
}
