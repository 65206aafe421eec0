/**
 * Builds the cross-check of Gateway API ConformanceReports (check_test.go: upstream's own suite code
 * over a bundle's per-test results) from the Go module proxy, as the control plane's binaries are
 * built (equipment/host/gobuild.ts), and caches it by the hash of its sources.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { InfraError, UserError } from '../../harness/errors.ts';
import { cacheDir } from '../../harness/platform/tools/download.ts';
import { runBounded } from '../../harness/platform/tools/run-bounded.ts';
import { GO_ENV, installedGo } from '../host/gobuild.ts';

export const CHECK_SOURCE = path.dirname(fileURLToPath(import.meta.url));
const SOURCES = ['go.mod', 'go.sum', 'check_test.go'];

/** Deadlines (README "Exit codes"): a build downloads modules, as an install step does; a check reads one bundle. */
export const BUILD_DEADLINE_MS = 20 * 60_000;
export const CHECK_DEADLINE_MS = 2 * 60_000;

export function checkBinaryPath(root = path.resolve(cacheDir())): string {
  const hash = createHash('sha256');
  for (const f of SOURCES) hash.update(f).update(readFileSync(path.join(CHECK_SOURCE, f)));
  return path.join(root, 'gateway-api-check', hash.digest('hex').slice(0, 16), 'gateway-api-check');
}

/** Whether Go is on PATH (the check cannot be built without it). */
export async function haveGo(): Promise<boolean> {
  return installedGo().then(
    () => true,
    () => false,
  );
}

/** The cached binary, built first if needed (`go test -c`: upstream's Run needs a *testing.T). */
export async function ensureCheckBinary(log: (l: string) => void = () => {}): Promise<string> {
  const out = checkBinaryPath();
  if (existsSync(out)) return out;
  await installedGo();
  mkdirSync(path.dirname(out), { recursive: true });
  const partial = `${out}.partial-${process.pid}`;
  log(`building equipment/gateway-api-check (sigs.k8s.io/gateway-api/conformance v1.6.0 from the Go module proxy)`);
  const r = await execa('go', ['test', '-c', '-o', partial, '.'], {
    cwd: CHECK_SOURCE,
    env: GO_ENV,
    reject: false,
    all: true,
    timeout: BUILD_DEADLINE_MS,
  });
  if (r.exitCode !== 0) {
    rmSync(partial, { force: true });
    if (r.timedOut)
      throw new InfraError(
        `go test -c in equipment/gateway-api-check did not finish within ${BUILD_DEADLINE_MS / 60_000} minutes`,
        'check the network and GOPROXY (it downloads sigs.k8s.io/gateway-api), then run again',
      );
    throw new UserError(
      `go test -c in equipment/gateway-api-check failed:\n${r.all.split('\n').slice(-20).join('\n')}`,
      'see the go output above; nothing was cached',
    );
  }
  renameSync(partial, out);
  return out;
}

export interface CheckRun {
  exitCode: number;
  output: string;
  /** Per bundle directory: AGREES, DIFFERS or ERROR, with the lines that follow it. */
  verdicts: Map<string, { verdict: 'AGREES' | 'DIFFERS' | 'ERROR'; lines: string[] }>;
}

/** Runs the check: `gateway-api-check [-report FILE] [-emit FILE] DIR...`; o.bin and o.timeoutMs for its test. */
export async function runCheck(args: string[], o: { bin?: string; timeoutMs?: number } = {}): Promise<CheckRun> {
  const bin = o.bin ?? (await ensureCheckBinary());
  const timeoutMs = o.timeoutMs ?? CHECK_DEADLINE_MS;
  // Bounded as a forced tool is (the process group killed at the deadline, children included).
  const r = await runBounded(bin, args, timeoutMs);
  if (r.timedOut)
    throw new InfraError(
      `equipment/gateway-api-check did not answer within ${Math.round(timeoutMs / 1000)}s`,
      'run it again; if it hangs again, report it as a bug in the suite',
    );
  const all = [String(r.stdout), String(r.stderr)].filter(Boolean).join('\n');
  const verdicts: CheckRun['verdicts'] = new Map();
  let last: { verdict: 'AGREES' | 'DIFFERS' | 'ERROR'; lines: string[] } | undefined;
  for (const line of all.split('\n')) {
    const m = /^(AGREES|DIFFERS|ERROR) (.+?): /.exec(line);
    if (m) verdicts.set(m[2], (last = { verdict: m[1] as 'AGREES', lines: [line] }));
    else if (last && line.startsWith('  ')) last.lines.push(line.trim());
  }
  return { exitCode: r.exitCode ?? 3, output: all, verdicts };
}
