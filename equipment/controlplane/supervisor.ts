/**
 * The control plane's supervisor (started last by `npm run controlplane -- up`, stopped first by
 * `down`): once a second it looks at every process `up` recorded (istiod, containerd, kubelet,
 * kube-proxy, CoreDNS, the cni stand-in) and at the components kwokctl started (etcd,
 * kube-apiserver, kube-controller-manager, kube-scheduler, kwok-controller), and starts again any
 * that exited, as it was started. Under load kube-controller-manager loses its leader election and
 * exits by design (a real cluster's kubelet restarts it as a static pod); nothing else would here.
 * Repeated exits back off (1 s doubling to 30 s) so a broken process cannot spin.
 *
 *   node equipment/controlplane/supervisor.ts <state dir> <kwokctl> <kwok workdir> <cluster name>
 */
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { hasExited, isRunning, records, restartDaemon } from '../host/processes.ts';

export const SUPERVISOR = 'supervisor';
const TICK_MS = 1000;
const MAX_DELAY_MS = 30_000;
/** An exit this long after the previous restart starts the back-off over. */
const STABLE_MS = 60_000;

/** Per process: when it may next be restarted. */
export class Backoff {
  private readonly state = new Map<string, { delay: number; last: number }>();

  /** Whether `name` may be restarted at `now`; if so, the restart is counted. */
  take(name: string, now: number): boolean {
    const s = this.state.get(name);
    if (s && now - s.last < s.delay) return false;
    const delay = !s || now - s.last > STABLE_MS ? 1000 : Math.min(s.delay * 2, MAX_DELAY_MS);
    this.state.set(name, { delay, last: now });
    return true;
  }
}

/** kwokctl's PID files (<workdir>/clusters/<name>/pids/<component>.pid) whose process has exited. */
export function exitedKwokComponents(pidsDir: string, exited: (pid: number) => boolean = hasExited): string[] {
  if (!existsSync(pidsDir)) return [];
  return readdirSync(pidsDir)
    .filter((f) => f.endsWith('.pid'))
    .filter((f) => {
      const pid = Number(readFileSync(path.join(pidsDir, f), 'utf8').trim());
      return !Number.isInteger(pid) || exited(pid);
    })
    .map((f) => f.slice(0, -'.pid'.length));
}

async function main(): Promise<void> {
  const [state, kwokctl, kwokWorkdir, cluster] = process.argv.slice(2);
  if (!cluster) {
    console.error('usage: supervisor.ts <state dir> <kwokctl> <kwok workdir> <cluster name>');
    process.exit(2);
  }
  const log = (l: string) => console.log(`${new Date().toISOString()} ${l}`);
  const backoff = new Backoff();
  const pidsDir = path.join(kwokWorkdir, 'clusters', cluster, 'pids');
  let stopping = false;
  for (const sig of ['SIGTERM', 'SIGINT'] as const)
    process.on(sig, () => {
      stopping = true;
    });
  log(
    `supervising ${records(state)
      .filter((r) => r.name !== SUPERVISOR)
      .map((r) => r.name)
      .join(', ')} and kwok cluster ${cluster}`,
  );
  while (!stopping) {
    const now = Date.now();
    for (const rec of records(state).filter((r) => r.name !== SUPERVISOR && !isRunning(r))) {
      if (stopping || !backoff.take(rec.name, now)) continue;
      const next = restartDaemon(state, rec);
      log(`${rec.name} (pid ${rec.pid}) exited; started again as pid ${next.pid}`);
    }
    const exited = exitedKwokComponents(pidsDir).filter((c) => backoff.take(`kwok:${c}`, now));
    if (!stopping && exited.length > 0) {
      // kwokctl starts a component whose PID file is absent, exactly as `create cluster` did.
      for (const c of exited) rmSync(path.join(pidsDir, `${c}.pid`), { force: true });
      const r = await execa(kwokctl, ['--name', cluster, 'start', 'cluster'], {
        env: { ...process.env, KWOK_WORKDIR: kwokWorkdir },
        reject: false,
        all: true,
      });
      log(`${exited.join(', ')} exited; kwokctl start cluster: ${r.exitCode === 0 ? 'started again' : `failed: ${r.all}`}`);
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  log('stopped');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) await main();
