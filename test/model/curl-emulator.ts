/**
 * Reads the batch script a client pod is asked to run (the harness builds it in
 * harness/traffic/curl.ts) and answers with exactly the lines the real script prints. It
 * understands only the script's own shape, so a change to the script that the emulator does
 * not follow fails the self-test instead of passing silently.
 */
import { parse } from 'shell-quote';
import type { Reply } from './dataplane.ts';

export interface CurlCall {
  url: string;
  method: string;
  headers: Record<string, string>;
  maxTimeSec: number;
}

interface ParsedScript {
  count: number;
  call: CurlCall;
  markers: { name: string; pattern: string; file: 'body' | 'headers' }[];
}

export function parseScript(script: string): ParsedScript {
  const count = /while \[ "\$n" -lt (\d+) \]/.exec(script)?.[1];
  const curlLine = /w=\$\(curl -sS -o "\$b" -D "\$h" (.*) 2>"\$e"\); rc=\$\?/.exec(script)?.[1];
  if (!count || !curlLine) throw new Error('model: unrecognised batch script');
  // An escaped ? or * comes back as a glob entry holding the literal word (the shell does not expand it).
  const args = parse(curlLine).map((a) => (typeof a === 'object' && 'pattern' in a ? a.pattern : String(a)));
  const call: CurlCall = { url: '', method: 'GET', headers: {}, maxTimeSec: 10 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--max-time') call.maxTimeSec = Number(args[++i]);
    else if (a === '-X') call.method = args[++i];
    else if (a === '-H') {
      const [k, ...v] = args[++i].split(':');
      call.headers[k.trim()] = v.join(':').trim();
    } else if (a === '-w') i++;
    else if (!a.startsWith('-')) call.url = a;
  }
  const markers = [...script.matchAll(/printf ' m\.([a-z0-9_]+)=%s' "\$\(grep -o -E (.+?) "\$(b|h)" 2>/g)].map((m) => ({
    name: m[1], pattern: String(parse(m[2])[0]), file: m[3] === 'b' ? 'body' as const : 'headers' as const,
  }));
  return { count: Number(count), call, markers };
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

function grepFirst(pattern: string, text: string): string {
  return new RegExp(pattern).exec(text)?.[0] ?? '';
}

/** One output line, as the script prints it for a request. */
export function renderLine(seq: number, markers: ParsedScript['markers'], r: Reply): string {
  const code = String(r.httpCode).padStart(3, '0');
  const headerText = [`HTTP/1.1 ${code}`, ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`)].join('\r\n');
  let line = `WPT seq=${seq} rc=${r.exitCode} code=${code} time=${r.timeSec.toFixed(6)} err=${b64(r.stderr ? `${r.stderr}\n` : '')}`;
  for (const m of markers) line += ` m.${m.name}=${b64(grepFirst(m.pattern, m.file === 'body' ? r.body : headerText))}`;
  return line;
}

export function runScript(script: string, send: (call: CurlCall) => Reply): string {
  const parsed = parseScript(script);
  const lines: string[] = [];
  for (let seq = 1; seq <= parsed.count; seq++) lines.push(renderLine(seq, parsed.markers, send(parsed.call)));
  return lines.map((l) => `${l}\n`).join('');
}
