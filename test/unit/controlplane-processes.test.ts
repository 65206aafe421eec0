import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isRunning, pidDir, records, startDaemon, stopDaemon } from '../controlplane/processes.ts';

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
