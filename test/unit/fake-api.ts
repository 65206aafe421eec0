/**
 * Test equipment for cluster faults, on loopback only: an HTTP server answering as a broken or
 * hostile API server would (401, 403, 500, garbage, never), a raw TCP server, a kubeconfig naming
 * either, fake tools (kind, istioctl) as shell scripts, and the entry points run as real processes.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import { execa } from 'execa';

export interface Fake {
  url: string;
  /** Every request line the server saw ("GET /version"), or every connection of a raw server. */
  seen: string[];
  close: () => Promise<void>;
}

function closer(server: net.Server, sockets: Set<net.Socket>): () => Promise<void> {
  return () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
}

/** An HTTP server on 127.0.0.1 answering every request with handler. */
export async function fakeApi(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<Fake> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    handler(req, res);
  });
  server.on('connection', (s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: closer(server, sockets) };
}

/** A TCP server on 127.0.0.1 that does what onConnection does with each connection (write garbage, say nothing). */
export async function rawServer(onConnection: (s: net.Socket) => void): Promise<Fake> {
  const seen: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    seen.push('connection');
    s.on('error', () => {});
    onConnection(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: closer(server, sockets) };
}

/** A Kubernetes Status body, as the API server writes it (apimachinery pkg/apis/meta/v1 Status). */
export function status(code: number, reason: string, message: string): string {
  return JSON.stringify({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code });
}

export function kubeconfig(dir: string, server: string, name = 'kubeconfig'): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: x',
      `clusters: [{name: c, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]`,
      'users: [{name: u, user: {token: t}}]',
      'contexts: [{name: x, context: {cluster: c, user: u}}]',
    ].join('\n'),
  );
  return file;
}

/** An executable shell script in dir. */
export function script(dir: string, name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, ['#!/bin/sh', ...lines].join('\n') + '\n');
  chmodSync(file, 0o755);
  return file;
}

/** A stack trace line, which no command prints without --debug. */
/**
 * The error discipline as a user sees it: the first line of stderr is `error:` and matches `error`,
 * the second `  fix:` and matches `fix`, and no stack trace. Returns those two lines.
 */
export function expectErrorAndFix(stderr: string, error: RegExp, fix: RegExp, what: string): [string, string] {
  const [first, second] = stderr.split('\n');
  expect(first, what)
    .to.match(/^error: /)
    .and.match(error);
  expect(second, what)
    .to.match(/^ {2}fix: /)
    .and.match(fix);
  expect(stderr, what).not.to.match(STACK);
  return [first, second];
}

export const STACK = /^\s+at .+(\(.+:\d+:\d+\)|:\d+:\d+)$/m;

/** An entry point (scripts/NAME.ts) as a real process, bounded. */
export function command(name: string, args: string[], o: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}) {
  return execa(process.execPath, [`scripts/${name}.ts`, ...args], {
    reject: false,
    env: o.env ?? {},
    timeout: o.timeoutMs ?? 90_000,
  });
}

/**
 * npm run e2e against the API server at `url` as an existing cluster (nothing installed, the routing
 * scenarios, a 10 s connect timeout), its report in a fresh directory: the process and that directory.
 */
export async function e2eAgainst(url: string, tmp: () => string) {
  const dir = path.join(tmp(), 'report');
  const r = await command(
    'e2e',
    [
      '--cluster',
      'existing',
      '--skip-install',
      '--kubeconfig',
      kubeconfig(tmp(), url),
      '--report-dir',
      dir,
      '--connect-timeout',
      '10',
      '--grep',
      '^routing/',
    ],
    { env: { WPT_CACHE_DIR: tmp() } },
  );
  return { r, dir };
}

/** Runs the jobs at most `size` at a time (each starts a Node process; the machine may have 2 cores). */
export async function pooled<T, R>(items: T[], work: (item: T) => Promise<R>, size = 4): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(size, items.length) }, worker));
  return out;
}
