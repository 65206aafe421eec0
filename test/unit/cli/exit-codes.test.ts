/**
 * Exit codes of npm run e2e as real processes, on loopback only: bad input exits 2 without a stack trace, an unreachable or silent cluster 3, a signal 130.
 * Issue 15 "first contact": each defect a new user met, as a test that failed before its fix.
 */
import { expect } from 'chai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { e2eCommand } from '../../../harness/cli/e2e-command.ts';
import { EXIT, InfraError, reportError, UserError } from '../../../harness/errors.ts';
import { nodeVersionProblem } from '../../../harness/cli/node-version.mjs';

import { e2e, kubeconfig, STACK, tmp } from '../e2e-process.ts';

describe('first contact: exit codes of npm run e2e (real processes, loopback only)', function () {
  this.timeout(120_000);
  let hanging: net.Server;
  let hangingPort = 0;
  const open = new Set<net.Socket>();
  before(async () => {
    hanging = net.createServer((s) => open.add(s)); // accepts, never answers
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
    hangingPort = (hanging.address() as AddressInfo).port;
  });
  after(() => {
    for (const s of open) s.destroy();
    hanging.close();
  });

  it('bad input exits 2 without a stack trace; an unreachable or silent cluster exits 3 with what it waited for', async () => {
    const empty = path.join(tmp(), 'empty');
    writeFileSync(empty, '');
    const [flag, grep, emptyKc, unreachable, silent] = await Promise.all([
      e2e(['--bogus']),
      e2e(['--grep', 'no-such-scenario', '--list']),
      e2e(['--cluster', 'existing', '--kubeconfig', empty, '--report-dir', tmp()]),
      e2e(['--cluster', 'existing', '--kubeconfig', kubeconfig('https://127.0.0.1:1'), '--report-dir', path.join(tmp(), 'r')]),
      e2e([
        '--cluster',
        'existing',
        '--kubeconfig',
        kubeconfig(`https://127.0.0.1:${hangingPort}`),
        '--report-dir',
        tmp(),
        '--connect-timeout',
        '2',
      ]),
    ]);
    for (const r of [flag, grep, emptyKc, unreachable, silent]) expect(r.stderr, r.stderr).not.to.match(STACK);
    expect(flag.exitCode).to.equal(EXIT.usage);
    expect(flag.stderr).to.include("unknown option '--bogus'");
    expect(grep.exitCode).to.equal(EXIT.usage);
    expect(grep.stderr).to.include('^routing/').and.include('^authorization/');
    expect(emptyKc.exitCode).to.equal(EXIT.usage);
    expect(emptyKc.stderr).to.include('is empty');
    expect(unreachable.exitCode).to.equal(EXIT.infrastructure);
    expect(unreachable.stderr).to.match(/does not answer: .*ECONNREFUSED/);
    expect(silent.exitCode).to.equal(EXIT.infrastructure);
    expect(silent.stderr).to.include(`127.0.0.1:${hangingPort}`).and.include('answering /version: no answer within 2s');
  });

  it('SIGTERM sent to npm alone reaches the e2e process: it tears down and exits 130, leaving no orphan', async () => {
    const dir = path.join(tmp(), 'r');
    const npm = execa(
      'npm',
      [
        'run',
        '--silent',
        'e2e',
        '--',
        '--cluster',
        'existing',
        '--kubeconfig',
        kubeconfig(`https://127.0.0.1:${hangingPort}`),
        '--report-dir',
        dir,
        '--connect-timeout',
        '60',
      ],
      { reject: false },
    );
    const started = Date.now();
    while (!(existsSync(path.join(dir, 'run.log')) && readFileSync(path.join(dir, 'run.log'), 'utf8').includes('kubeconfig and context'))) {
      if (Date.now() - started > 60_000) expect.fail('the run never started');
      await new Promise((r) => setTimeout(r, 100));
    }
    const children = (await execa('ps', ['-o', 'pid=', '--ppid', String(npm.pid)])).stdout.split('\n').map(Number).filter(Boolean);
    expect(children).to.have.length.above(0);
    npm.kill('SIGTERM');
    const r = await npm;
    expect(r.exitCode, r.stderr).to.equal(EXIT.interrupted);
    expect(readFileSync(path.join(dir, 'run.log'), 'utf8')).to.include('SIGTERM received: tearing down');
    for (const pid of children) expect(() => process.kill(pid, 0), `process ${pid} survived`).to.throw(/ESRCH/);
  });

  it('a Node.js that cannot strip types (older than 22.18, or 23.0 to 23.5) is refused with the fix', () => {
    for (const old of ['20.20.2', '22.0.0', '22.17.1', '23.5.0'])
      expect(nodeVersionProblem(old), old)
        .to.match(new RegExp(`Node\\.js ${old.replaceAll('.', '\\.')} is too old: this suite needs Node\\.js 22\\.18 or newer`))
        .and.match(/nvm install/);
    for (const ok of ['22.18.0', '22.21.1', '23.6.0', '24.0.0', '24.22.3', '26.1.0'])
      expect(nodeVersionProblem(ok), ok).to.equal(undefined);
    expect(readFileSync('.nvmrc', 'utf8').trim()).to.equal('24');
  });

  it('--help documents the exit codes', () => {
    let out = '';
    const cmd = e2eCommand().configureOutput({ writeOut: (t) => (out += t), writeErr: () => {} });
    expect(() => cmd.parse(['--help'], { from: 'user' })).to.throw();
    for (const code of Object.values(EXIT)) expect(out).to.match(new RegExp(`^  ${code}\\s+\\S`, 'm'));
    expect(out).to.include('WPT_CACHE_DIR');
  });
  it('--debug shows the stack of an expected failure; without it, none', () => {
    const lines: string[] = [];
    expect(reportError(new InfraError('cluster broke', 'fix it'), false, (s) => lines.push(s))).to.equal(EXIT.infrastructure);
    expect(lines.join('\n')).not.to.match(STACK);
    lines.length = 0;
    reportError(new UserError('bad flag'), true, (s) => lines.push(s));
    expect(lines.join('\n')).to.match(STACK);
  });
});
