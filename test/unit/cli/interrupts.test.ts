/**
 * Issue 28, "interrupts leave half a bundle": SIGINT during e2e or selftest left the report directory
 * with an unsealed run.log, which report:verify rejected as a broken bundle. Now an interrupted run
 * leaves a sealed record (setup outcome "interrupted", every scenario not run) and exits 130, and
 * report:verify accepts it as the record of an interrupted run. Real processes, loopback only.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { execa, type ResultPromise } from 'execa';
import { EXIT } from '../../../harness/errors.ts';
import { verifyBundle } from '../../../harness/report/verify.ts';
import { CATALOGUE } from '../../../suites/index.ts';
import { command, kubeconfig, rawServer, script, STACK, type Fake } from '../fake-api.ts';
import { tempDirs } from '../tmp.ts';

const tmp = tempDirs('wpt-int-');

async function waitForLog(dir: string, text: RegExp, child: ResultPromise, ms = 90_000): Promise<void> {
  const started = Date.now();
  const log = path.join(dir, 'run.log');
  while (!(existsSync(log) && text.test(readFileSync(log, 'utf8')))) {
    if (Date.now() - started > ms || child.exitCode !== null) expect.fail(`run.log never showed ${text}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function expectInterruptedRecord(dir: string, signal: string, step: RegExp): void {
  const report = parse(readFileSync(path.join(dir, 'report.yaml'), 'utf8'));
  expect(report.setup.outcome).to.equal('interrupted');
  expect(report.setup.step).to.match(step);
  expect(report.setup.message).to.include(`interrupted by ${signal}`);
  expect(report.scenarios.every((s: { outcome: string }) => s.outcome === 'not-run')).to.equal(true);
  expect(readFileSync(path.join(dir, 'summary.md'), 'utf8').split('\n')[0]).to.match(/^\*\*Interrupted\*\* at "/);
  expect(readFileSync(path.join(dir, 'run.log'), 'utf8')).to.include(`${signal} received`);
  expect(verifyBundle(dir, CATALOGUE).problems).to.deep.equal([]);
}

describe('interrupted runs leave a sealed record (issue 28)', function () {
  this.timeout(240_000);
  let silent: Fake;
  before(async () => {
    silent = await rawServer(() => {}); // accepts, never answers: the run waits in "cluster answers"
  });
  after(() => silent.close());

  it('e2e: SIGINT while waiting for the cluster → exit 130, a sealed record that report:verify accepts as interrupted', async () => {
    const dir = path.join(tmp(), 'report');
    const child = command(
      'e2e',
      [
        '--cluster',
        'existing',
        '--kubeconfig',
        kubeconfig(tmp(), `https://${silent.url}`),
        '--report-dir',
        dir,
        '--connect-timeout',
        '120',
      ],
      { env: { WPT_CACHE_DIR: tmp() } },
    );
    await waitForLog(dir, /kubeconfig and context/, child);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, r.stderr).to.equal(EXIT.interrupted);
    expect(r.stderr).to.match(
      /^error: interrupted by SIGINT at "cluster answers \(context x, https:\/\/127\.0\.0\.1:\d+\)": what this run created was torn down\n {2}fix: the report in .* records the interruption/,
    );
    expect(r.stderr).not.to.match(STACK);
    expectInterruptedRecord(dir, 'SIGINT', /^cluster answers/);
    const verify = await command('report-verify', [dir]);
    expect(verify.exitCode, verify.stderr).to.equal(0);
    expect(verify.stdout).to.match(
      /consistent, unsigned: it claims an e2e run of GatewayClass istio-waypoint .*, interrupted at "cluster answers/,
    );
  });

  it('selftest --report-dir: SIGINT mid-run → exit 130, a sealed record instead of an unsealed run.log', async () => {
    const dir = path.join(tmp(), 'report');
    const child = command('selftest', ['--report-dir', dir]);
    await waitForLog(dir, /^\S+ ✓ \S+/m, child);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, r.stderr).to.equal(EXIT.interrupted);
    expect(r.stderr).to.match(/^error: interrupted by SIGINT\n {2}fix: the report in .* records the interruption/);
    expectInterruptedRecord(dir, 'SIGINT', /^self-test scenarios$/);
  });

  it('SIGTERM to a selftest without --report-dir: exit 130 and nothing written', async () => {
    const child = command('selftest', []);
    const started = Date.now();
    while (Date.now() - started < 5000 && child.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode, r.stderr).to.equal(EXIT.interrupted);
    expect(r.stderr).to.match(/^error: interrupted by SIGTERM\n {2}fix: run again/);
  });

  it("SIGINT while a forced tool is checked (before the report directory exists): exit 130, the tool's processes killed, nothing left", async () => {
    const d = tmp();
    const pidFile = path.join(d, 'pid');
    const istioctl = script(d, 'istioctl', [`sleep 300 & echo $! > ${pidFile}`, 'wait']);
    const child = command(
      'e2e',
      [
        '--cluster',
        'existing',
        '--kubeconfig',
        kubeconfig(d, `https://${silent.url}`),
        '--istioctl',
        istioctl,
        '--report-dir',
        path.join(d, 'report'),
      ],
      { env: { WPT_CACHE_DIR: d } },
    );
    const started = Date.now();
    while (!existsSync(pidFile) || readFileSync(pidFile, 'utf8').trim() === '') {
      if (Date.now() - started > 60_000 || child.exitCode !== null) expect.fail('the tool never started');
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode, r.stderr).to.equal(EXIT.interrupted);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    // Killed means gone or a zombie waiting for init to reap it; allow init a few seconds to do so.
    const gone = () => {
      try {
        return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return true; // no such process
      }
    };
    for (const t0 = Date.now(); !gone() && Date.now() - t0 < 10_000;) await new Promise((res) => setTimeout(res, 100));
    expect(gone(), `the tool's child ${pid} survived`).to.equal(true);
    expect(existsSync(path.join(d, 'report'))).to.equal(false);
  });

  it("bench: SIGTERM while waiting for the cluster → exit 130 with the discipline's two lines (was: killed, exit 143, nothing said)", async () => {
    const before = silent.seen.length; // the silent server is shared: wait for bench's own connection
    const child = command('bench', ['--kubeconfig', kubeconfig(tmp(), `https://${silent.url}`), '--connect-timeout', '120']);
    for (const t0 = Date.now(); silent.seen.length === before;) {
      if (Date.now() - t0 > 60_000 || child.exitCode !== null) expect.fail('bench never asked the cluster');
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode, r.stderr).to.equal(EXIT.interrupted);
    expect(r.stderr).to.match(
      /^error: interrupted by SIGTERM\n {2}fix: namespaces a scenario had made may remain: `npm run e2e -- --cleanup --cluster existing`/,
    );
    expect(r.stderr).not.to.match(STACK);
  });

  it('the npm wrapper passes SIGINT on as well: the same record', async () => {
    const dir = path.join(tmp(), 'report');
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
        kubeconfig(tmp(), `https://${silent.url}`),
        '--report-dir',
        dir,
        '--connect-timeout',
        '120',
      ],
      { reject: false, env: { WPT_CACHE_DIR: tmp() } },
    );
    await waitForLog(dir, /kubeconfig and context/, npm);
    npm.kill('SIGINT');
    const r = await npm;
    expect(r.exitCode, r.stderr).to.equal(EXIT.interrupted);
    expectInterruptedRecord(dir, 'SIGINT', /^cluster answers/);
  });
});
