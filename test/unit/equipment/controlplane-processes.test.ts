import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isRunning, pidDir, records, restartDaemon, startDaemon, stopDaemon, waitExited } from '../../../equipment/host/processes.ts';
import { Backoff, exitedKwokComponents } from '../../../equipment/controlplane/supervisor.ts';
import {
  APISERVER_CERT_SANS,
  kwokControllerArgs,
  kwokctlConfiguration,
  simulatedNodeParams,
} from '../../../equipment/controlplane/controlplane.ts';

describe('controlplane: processes started by up (PID files)', () => {
  let state: string;
  beforeEach(() => (state = mkdtempSync(path.join(os.tmpdir(), 'wpt-cp-proc-'))));
  afterEach(() => rmSync(state, { recursive: true, force: true }));

  it('records a daemon, sees it running, and stops exactly it', async () => {
    const rec = startDaemon(state, 'sleeper', '/bin/sleep', ['300'], { cwd: state, env: { PATH: '/usr/bin:/bin' } });
    expect(records(state).map((r) => r.pid)).to.deep.equal([rec.pid]);
    expect(isRunning(rec)).to.equal(true);
    expect(await stopDaemon(state, rec)).to.equal('stopped');
    expect(isRunning(rec)).to.equal(false);
    expect(records(state)).to.deep.equal([]);
  });

  it('after a crash, leaves alone a PID that now belongs to another program', async () => {
    // This test process's own PID, recorded as if it had been a daemon with another command line.
    const stale = { name: 'istiod', pid: process.pid, argv: ['/nonexistent/pilot-discovery', 'discovery'], log: '' };
    mkdirSync(pidDir(state), { recursive: true });
    writeFileSync(path.join(pidDir(state), 'istiod.json'), JSON.stringify(stale));
    expect(isRunning(stale)).to.equal(false);
    expect(await stopDaemon(state, stale)).to.equal('not running');
    expect(records(state)).to.deep.equal([]);
  });
});

describe('controlplane: the supervisor', () => {
  let state: string;
  beforeEach(() => (state = mkdtempSync(path.join(os.tmpdir(), 'wpt-cp-sup-'))));
  afterEach(() => rmSync(state, { recursive: true, force: true }));

  it('starts a daemon that exited again as it was started: command line, directory, environment, log', async () => {
    const first = startDaemon(state, 'sleeper', '/bin/sleep', ['300'], { cwd: state, env: { PATH: '/usr/bin:/bin', WPT_X: '1' } });
    process.kill(first.pid, 'SIGKILL');
    await waitExited([first.pid], 'sleeper');
    expect(isRunning(first)).to.equal(false);
    const next = restartDaemon(state, records(state)[0]);
    expect(next.pid).to.not.equal(first.pid);
    expect([next.argv, next.cwd, next.env, next.log]).to.deep.equal([first.argv, first.cwd, first.env, first.log]);
    expect(isRunning(next)).to.equal(true);
    expect(records(state).map((r) => r.pid)).to.deep.equal([next.pid]);
    await stopDaemon(state, next);
  });

  it('backs off a process that keeps exiting: 1 s doubling to 30 s, from scratch once it ran a minute', () => {
    const b = new Backoff();
    const at = [0, 500, 1000, 2000, 2999, 3000];
    expect(at.map((t) => b.take('kcm', t))).to.deep.equal([true, false, true, false, false, true]);
    let t = 3000;
    let delay = 4000;
    for (let i = 0; i < 6; i++) {
      expect(b.take('kcm', t + delay - 1), `before ${delay} ms`).to.equal(false);
      expect(b.take('kcm', t + delay)).to.equal(true);
      t += delay;
      delay = Math.min(delay * 2, 30_000);
    }
    expect(b.take('other', t)).to.equal(true);
    expect(b.take('kcm', t + 30_000 + 60_001)).to.equal(true);
    expect(b.take('kcm', t + 30_000 + 60_001 + 1000)).to.equal(true);
  });

  it('finds kwok components whose recorded process exited', () => {
    const dir = path.join(state, 'pids');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'kube-controller-manager.pid'), '111');
    writeFileSync(path.join(dir, 'etcd.pid'), '222');
    writeFileSync(path.join(dir, 'notes.txt'), 'x');
    expect(exitedKwokComponents(dir, (pid) => pid === 111)).to.deep.equal(['kube-controller-manager']);
    expect(exitedKwokComponents(path.join(state, 'none'))).to.deep.equal([]);
  });
});

describe('controlplane: what kwokctl is told', () => {
  it("has kwok manage only the simulated nodes, which kwokctl's node template annotates, never a real node", () => {
    expect(kwokControllerArgs()).to.deep.equal([
      '--extra-args',
      'kwok-controller=manage-all-nodes=false',
      '--extra-args',
      'kwok-controller=manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
    ]);
  });

  it('gives the API server a certificate for the kubernetes Service IP and names', () => {
    expect(APISERVER_CERT_SANS).to.include.members(['10.0.0.1', 'kubernetes.default.svc', 'kubernetes.default.svc.cluster.local']);
    expect(kwokctlConfiguration())
      .to.match(/kind: KwokctlConfiguration/)
      .and.match(/kubeApiserverCertSANs:\n\s+- 10\.0\.0\.1/);
  });

  it('addresses the simulated nodes and pods outside the Service range and off TEST-NET-1', () => {
    expect(simulatedNodeParams()).to.deep.equal(['--param', '.podCIDRs=["10.128.0.0/24"]', '--param', '.nodeIPs=["198.51.100.1"]']);
  });
});
