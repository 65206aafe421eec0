/**
 * The processes `up` starts itself (istiod, the node's daemons, the supervisor), each recorded in a
 * PID file with its command line, working directory and environment, so `down` stops exactly those,
 * a PID reused after a crash is left alone, and the supervisor can start one again as it was.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { waitFor, type Timing } from '../../harness/wait.ts';

export interface PidRecord {
  name: string;
  pid: number;
  /** argv as started; the live process must still show it. */
  argv: string[];
  log: string;
  cwd?: string;
  env?: Record<string, string>;
}

const STOP_TIMING: Timing = { intervalMs: 100, maxIntervalMs: 1000, readyTimeoutMs: 20_000, convergeTimeoutMs: 20_000, consecutive: 1 };

export function pidDir(stateDir: string): string {
  return path.join(stateDir, 'pids');
}

export function cmdlineOf(pid: number): string[] | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

/** Alive and still the process that was recorded (not a reused PID, not a zombie). */
export function isRunning(rec: PidRecord): boolean {
  const argv = cmdlineOf(rec.pid);
  return !!argv && argv.length === rec.argv.length && argv.every((a, i) => a === rec.argv[i]);
}

export function startDaemon(
  stateDir: string,
  name: string,
  cmd: string,
  args: string[],
  opts: { cwd: string; env: Record<string, string> },
): PidRecord {
  mkdirSync(pidDir(stateDir), { recursive: true });
  const log = path.join(stateDir, `${name}.log`);
  const fd = openSync(log, 'a');
  const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env, detached: true, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  if (!child.pid) throw new Error(`cannot start ${name} (${cmd})`);
  child.unref();
  const rec: PidRecord = { name, pid: child.pid, argv: [cmd, ...args], log, cwd: opts.cwd, env: opts.env };
  writeFileSync(path.join(pidDir(stateDir), `${name}.json`), JSON.stringify(rec));
  return rec;
}

/** Starts a recorded daemon again, as it was started (same command line, directory, environment and log). */
export function restartDaemon(stateDir: string, rec: PidRecord): PidRecord {
  if (!rec.cwd || !rec.env) throw new Error(`${rec.name}: its record has no working directory or environment to restart it with`);
  return startDaemon(stateDir, rec.name, rec.argv[0], rec.argv.slice(1), { cwd: rec.cwd, env: rec.env });
}

/** Gone: no such process, or a zombie (exited, not yet reaped: /proc/<pid>/cmdline is empty). */
export function hasExited(pid: number): boolean {
  return (cmdlineOf(pid) ?? []).length === 0;
}

/** Waits until every PID has exited; SIGKILL for those still there after the bound, and waits again. */
export async function waitExited(pids: number[], what: string): Promise<void> {
  const allGone = async () => (pids.every(hasExited) ? true : undefined);
  await waitFor(`${what} exit`, allGone, STOP_TIMING).catch(async () => {
    for (const pid of pids.filter((p) => !hasExited(p))) process.kill(pid, 'SIGKILL');
    await waitFor(`${what} killed`, allGone, STOP_TIMING);
  });
}

export function records(stateDir: string): PidRecord[] {
  const dir = pidDir(stateDir);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as PidRecord);
}

/** SIGTERM, then SIGKILL if it has not exited within the bound; the PID file goes either way. */
export async function stopDaemon(stateDir: string, rec: PidRecord): Promise<'stopped' | 'not running'> {
  const file = path.join(pidDir(stateDir), `${rec.name}.json`);
  if (!isRunning(rec)) {
    rmSync(file, { force: true });
    return 'not running';
  }
  process.kill(rec.pid, 'SIGTERM');
  const gone = async () => (isRunning(rec) ? undefined : true);
  await waitFor(`${rec.name} (pid ${rec.pid}) exits`, gone, STOP_TIMING).catch(async () => {
    process.kill(rec.pid, 'SIGKILL');
    await waitFor(`${rec.name} (pid ${rec.pid}) killed`, gone, STOP_TIMING);
  });
  rmSync(file, { force: true });
  return 'stopped';
}
