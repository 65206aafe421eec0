/**
 * Reads the batch script a client pod is asked to run (the harness builds it in
 * harness/traffic/curl.ts) and answers with exactly the lines the real script prints. It
 * understands only the script's own shape, so a change to the script that the emulator does
 * not follow fails the self-test instead of passing silently.
 */
import { parse } from 'shell-quote';
import { asText, fromPrintfOctal } from '../../harness/traffic/grpc.ts';
import type { Reply } from './dataplane.ts';

export interface CurlCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  maxTimeSec: number;
  /** What printf piped into curl --data-binary @- (a gRPC frame). */
  body?: Buffer;
}

interface ParsedScript {
  count: number;
  call: CurlCall;
  /** The record's grep fields in script order: m.<marker> and grpc (the grpc-status line). */
  markers: { name: string; pattern: string; file: 'body' | 'headers' }[];
  /** The script turns the binary body into text lines before grepping it (gRPC). */
  bodyAsText: boolean;
}

export function parseScript(script: string): ParsedScript {
  const count = /while \[ "\$n" -lt (\d+) \]/.exec(script)?.[1];
  const line = /w=\$\((?:printf '((?:\\[0-7]{3})*)' \| )?curl -sS -o "\$b" -D "\$h" (.*) 2>"\$e"\); rc=\$\?/.exec(script);
  const curlLine = line?.[2];
  if (!count || !curlLine) throw new Error('model: unrecognised batch script');
  // An escaped ? or * comes back as a glob entry holding the literal word (the shell does not expand it).
  const args = parse(curlLine).map((a) => (typeof a === 'object' && 'pattern' in a ? a.pattern : String(a)));
  const call: CurlCall = { url: '', method: 'GET', headers: {}, maxTimeSec: 10 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--max-time') call.maxTimeSec = Number(args[++i]);
    else if (a === '--data-binary') {
      if (args[++i] !== '@-' || line?.[1] === undefined) throw new Error('model: --data-binary is only understood as @- fed by printf');
      call.body = fromPrintfOctal(line[1]);
    } else if (a === '--http2-prior-knowledge') continue;
    else if (a === '-X') call.method = args[++i];
    else if (a === '-H') {
      const [k, ...v] = args[++i].split(':');
      call.headers[k.trim()] = v.join(':').trim();
    } else if (a === '-w') i++;
    else if (!a.startsWith('-')) call.url = a;
  }
  // A body is grepped as one line (its line breaks removed), headers line by line.
  const markers = [...script.matchAll(
    /printf ' (m\.[a-z0-9_]+|grpc)=%s' "\$\((?:tr -d '\\r\\n' 2>\/dev\/null < "\$b" \| grep -o -E (.+?)|grep -o -E (.+?) "\$h" 2>\/dev\/null) \| head -n 1/g,
  )].map((m) => (m[2] !== undefined
    ? { name: m[1], pattern: String(parse(m[2])[0]), file: 'body' as const }
    : { name: m[1], pattern: String(parse(m[3])[0]), file: 'headers' as const }));
  const bodyAsText = /then tr -c '\\011\\012\\040-\\176' '\\n' < "\$b" > "\$b\.t"; mv -f "\$b\.t" "\$b"; fi/.test(script);
  return { count: Number(count), call, markers, bodyAsText };
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function grepFirst(pattern: string, text: string): string {
  return new RegExp(pattern).exec(text)?.[0] ?? '';
}

/** One output line, as the script prints it for a request; a gRPC body (latin1 bytes) is grepped as the script's tr leaves it. */
export function renderLine(seq: number, parsed: Pick<ParsedScript, 'markers' | 'bodyAsText'>, r: Reply): string {
  const code = String(r.httpCode).padStart(3, '0');
  const headerText = [`HTTP/1.1 ${code}`, ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  const body = parsed.bodyAsText ? asText(Buffer.from(r.body, 'latin1')) : r.body;
  let line = `WPT seq=${seq} rc=${r.exitCode} code=${code} time=${r.timeSec.toFixed(6)} err=${b64(r.stderr ? `${r.stderr}\n` : '')}`;
  const oneLine = body.replace(/[\r\n]/g, '');
  for (const m of parsed.markers) line += ` ${m.name}=${b64(grepFirst(m.pattern, m.file === 'body' ? oneLine : headerText))}`;
  return line;
}

export function runScript(script: string, send: (call: CurlCall) => Reply): string {
  const parsed = parseScript(script);
  const lines: string[] = [];
  for (let seq = 1; seq <= parsed.count; seq++) lines.push(renderLine(seq, parsed, send(parsed.call)));
  return lines.map((l) => `${l}\n`).join('');
}
