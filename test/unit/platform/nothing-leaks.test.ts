/**
 * What a run creates is undone: undo steps registered before the step they undo, run on failure and on SIGINT.
 * Issue 15 "first contact": each defect a new user met, as a test that failed before its fix.
 */
import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { bringUpKind } from '../../../harness/platform/cluster/bringup.ts';
import { installIstio, type InstallContext } from '../../../harness/platform/install/install.ts';
import { writePrivateKubeconfig } from '../../../harness/platform/cluster/kubeconfig.ts';
import { Teardown } from '../../../harness/undo.ts';
import type { Cluster } from '../../../harness/cluster/types.ts';
import { CLUSTER_TIMING } from '../../../harness/wait.ts';

import { tmp } from '../e2e-process.ts';

describe('first contact: nothing leaks', function () {
  // The nested mocha below runs three test files: about 40 s alone, over 100 s on a busy 2-core machine.
  this.timeout(240_000);
  it('SIGINT while kind creates the cluster stops kind and deletes the cluster (teardown registered before the step)', async () => {
    const dir = tmp();
    const calls = path.join(dir, 'calls');
    const kind = path.join(dir, 'kind');
    writeFileSync(
      kind,
      [
        '#!/bin/sh',
        `echo "$*" >> ${calls}`,
        'case "$1" in',
        '  version) echo "kind v0.30.0 go1.24.6 linux/amd64" ;;',
        '  get) ;;',
        '  create) exec sleep 60 ;;',
        'esac',
      ].join('\n'),
    );
    chmodSync(kind, 0o755);
    const t = new Teardown();
    const signals = new EventEmitter();
    const tornDown = new Promise<void>((resolve) => t.onSignals(() => {}, resolve, signals));
    const up = bringUpKind(
      { reuseCluster: false, keepCluster: false, kind },
      {
        teardown: t,
        step: (_n, f) => f(),
        log: () => {},
      },
    ).catch((e) => e);
    const started = Date.now();
    while (!readFileSync(calls, { flag: 'a+' }).toString().includes('create cluster')) {
      if (Date.now() - started > 20_000) expect.fail('kind create never started');
      await new Promise((r) => setTimeout(r, 50));
    }
    signals.emit('SIGINT');
    await tornDown;
    expect(await up).to.be.instanceOf(Error);
    const log = readFileSync(calls, 'utf8');
    expect(log).to.include('delete cluster --name wpt');
    expect(log.indexOf('create cluster')).to.be.lessThan(log.indexOf('delete cluster'));
    expect(Date.now() - started).to.be.lessThan(30_000); // the 60 s "create" was stopped, not waited for
  });
  it('a failed istioctl install is undone: its uninstall was registered before it started', async () => {
    const dir = tmp();
    const istioctl = path.join(dir, 'istioctl');
    writeFileSync(istioctl, `#!/bin/sh\necho "$1" >> ${dir}/calls\n[ "$1" = uninstall ]`);
    chmodSync(istioctl, 0o755);
    const t = new Teardown();
    const cluster = { get: async () => undefined, list: async () => [], delete: async () => true } as unknown as Cluster;
    const c = {
      cluster,
      kubeconfig: 'kc',
      context: 'x',
      istioVersion: '1.31.1',
      kindNetwork: false,
      teardown: t,
      timing: CLUSTER_TIMING,
      runId: 'r',
      log: () => {},
    } as InstallContext;
    const err = await installIstio(c, async () => ({ path: istioctl, version: '1.31.1', origin: 'forced' })).catch((e) => e);
    expect(err).to.be.instanceOf(Error);
    expect(await t.runAll()).to.deep.equal([]);
    expect(readFileSync(path.join(dir, 'calls'), 'utf8').split('\n').filter(Boolean)).to.deep.equal(['install', 'uninstall']);
  });
  it('the unit tests that make temp dirs leave none behind (wpt-dl-*, wpt-istioctl-*, wpt-report-*)', async function () {
    // It runs three test files in a child mocha: minutes on a loaded 2-core machine. What it checks is what they leave.
    this.timeout(240_000);
    const dir = tmp();
    const r = await execa(
      'npx',
      [
        'mocha',
        '--no-config',
        '--timeout',
        '200000',
        '--grep',
        'npm run selftest',
        '--invert',
        'test/unit/platform/platform.test.ts',
        'test/unit/platform/istioctl-dumps.test.ts',
        'test/unit/report/report.test.ts',
      ],
      { reject: false, env: { TMPDIR: dir } },
    );
    expect(r.exitCode, r.stdout).to.equal(0);
    expect(r.stdout).to.match(/\d+ passing/);
    expect(readdirSync(dir).filter((f) => f.startsWith('wpt-'))).to.deep.equal([]); // node's own caches aside
  });
  it('the kubeconfig with credentials is private and removed at teardown', async () => {
    const t = new Teardown();
    const file = writePrivateKubeconfig('token: secret', t);
    expect(statSync(file).mode & 0o077).to.equal(0);
    await t.runAll();
    expect(existsSync(file)).to.equal(false);
    expect(existsSync(path.dirname(file))).to.equal(false);
  });
});
