/** A short command with a hard deadline on its whole process group. */
import path from 'node:path';
import { execa, type Result } from 'execa';
import { Interrupted } from '../../errors.ts';

function killGroup(pid: number | undefined): void {
  try {
    if (pid) process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Runs a short command in its own process group and kills the whole group at the deadline: execa's
 * own timeout kills the process only, and a script's child that keeps stdout open (a hung tool
 * behind a wrapper) would keep the run waiting forever. A group of its own gets no terminal signal
 * and execa does not clean it up, so the group is killed when this process exits or is interrupted
 * too, and the interruption is what the call then throws (exit 130).
 */
export async function runBounded(cmd: string, args: string[], timeoutMs: number): Promise<Result & { timedOut: boolean }> {
  const child = execa(cmd, args, { reject: false, detached: true, stdin: 'ignore', maxBuffer: 1024 * 1024 });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, timeoutMs);
  const onExit = () => killGroup(child.pid);
  let received: NodeJS.Signals | undefined;
  const onSignal = (sig: NodeJS.Signals) => {
    received = sig;
    killGroup(child.pid);
  };
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
  process.on('exit', onExit);
  for (const sig of signals) process.on(sig, onSignal);
  try {
    const r = await child;
    if (received) throw new Interrupted(`interrupted by ${received} while running ${path.basename(cmd)}`, 'run again');
    return Object.assign(r, { timedOut: timedOut || r.timedOut });
  } finally {
    clearTimeout(timer);
    process.off('exit', onExit);
    for (const sig of signals) process.off(sig, onSignal);
  }
}
