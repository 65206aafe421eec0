/**
 * Issue 28, "configuration is validated after the cluster is contacted": every local input (flags,
 * files, forced tools, the download cache) is checked before the first request to the cluster and
 * before the report directory exists. Each bad one exits 2 naming the flag or variable and the fix;
 * the cluster (a loopback server that records every request) is never asked anything, and no report
 * directory is left behind.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT } from '../../../harness/errors.ts';
import { cacheDir } from '../../../harness/platform/tools/download.ts';
import { makeDirs } from '../../../harness/files/dirs.ts';
import { command, expectErrorAndFix, fakeApi, kubeconfig, pooled, script, type Fake } from '../fake-api.ts';
import { tempDirs } from '../tmp.ts';

const tmp = tempDirs('wpt-vf-');

interface Case {
  name: string;
  args: (dir: string) => string[];
  env?: (dir: string) => NodeJS.ProcessEnv;
  error: RegExp;
  fix: RegExp;
}

describe('validate before touching the cluster (issue 28)', function () {
  this.timeout(180_000);
  let cluster: Fake;
  before(async () => {
    cluster = await fakeApi((_req, res) => res.end('{}'));
  });
  after(() => cluster.close());

  const existing = (dir: string, ...more: string[]) => [
    '--cluster',
    'existing',
    '--kubeconfig',
    kubeconfig(dir, cluster.url),
    '--report-dir',
    path.join(dir, 'report'),
    ...more,
  ];
  const garbage = (dir: string, name: string) => script(dir, name, ['printf "\\033[2J\\000garbage\\n"']);
  const hangs = (dir: string, name: string) => script(dir, name, ['sleep 300']);
  const CASES: Case[] = [
    {
      name: 'an empty --gateway-class',
      args: (d) => existing(d, '--gateway-class', ''),
      error: /--gateway-class takes a GatewayClass name .* got ""/,
      fix: /see npm run e2e -- --help/,
    },
    {
      name: 'a --gateway-class that is no object name',
      args: (d) => existing(d, '--gateway-class', 'Istio Waypoint'),
      error: /--gateway-class takes a GatewayClass name/,
      fix: /--help/,
    },
    {
      name: 'an --istioctl that is not executable',
      args: (d) => existing(d, '--skip-install', '--istioctl', path.join(d, 'nope')),
      error: /--istioctl .*nope: not an executable file/,
      fix: /pass --istioctl with the path of the binary/,
    },
    {
      name: 'an --istioctl that prints garbage',
      args: (d) => existing(d, '--istioctl', garbage(d, 'istioctl')),
      error: /--istioctl .*: `istioctl version --remote=false -o json` printed no version \("\\x1b\[2J\\x00garbage"\)/,
      fix: /pass --istioctl/,
    },
    {
      name: 'an --istioctl that hangs',
      args: (d) => existing(d, '--istioctl', hangs(d, 'istioctl')),
      error: /--istioctl .*did not answer within 15s/,
      fix: /pass --istioctl/,
    },
    {
      name: 'a broken --istioctl with --skip-install (it was silently ignored)',
      args: (d) => existing(d, '--skip-install', '--istioctl', script(d, 'istioctl', ['echo "no such command" >&2', 'exit 1'])),
      error: /--istioctl .*failed \(exit 1\): "no such command"/,
      fix: /pass --istioctl/,
    },
    {
      name: 'an --istioctl of another version than the one it installs',
      args: (d) => existing(d, '--istioctl', script(d, 'istioctl', ['echo \'{"clientVersion":{"version":"1.30.4"}}\''])),
      error: /is istioctl 1\.30\.4, and this run installs Istio 1\.31\.1/,
      fix: /pass --istio-version 1\.30\.4, or an istioctl 1\.31\.1/,
    },
    {
      name: 'a --kind that prints garbage',
      args: (d) => ['--kind', garbage(d, 'kind'), '--report-dir', path.join(d, 'report')],
      error: /--kind .*: `kind version` printed no version/,
      fix: /pass --kind/,
    },
    {
      name: 'a --kind that hangs',
      args: (d) => ['--kind', hangs(d, 'kind'), '--report-dir', path.join(d, 'report')],
      error: /--kind .*did not answer within 15s/,
      fix: /pass --kind/,
    },
    {
      name: 'an empty WPT_CACHE_DIR',
      args: (d) => existing(d),
      env: () => ({ WPT_CACHE_DIR: '' }),
      error: /WPT_CACHE_DIR is set but empty/,
      fix: /absolute path/,
    },
    {
      name: 'a relative WPT_CACHE_DIR',
      args: (d) => existing(d),
      env: () => ({ WPT_CACHE_DIR: 'cache' }),
      error: /WPT_CACHE_DIR=cache is a relative path/,
      fix: /absolute path/,
    },
    {
      name: 'a WPT_CACHE_DIR that is a file',
      args: (d) => existing(d),
      env: (d) => (writeFileSync(path.join(d, 'f'), ''), { WPT_CACHE_DIR: path.join(d, 'f') }),
      error: /WPT_CACHE_DIR=.*\/f: cannot write there \(not a directory\)/,
      fix: /directory you can write to/,
    },
    {
      name: 'a WPT_CACHE_DIR below a file',
      args: (d) => existing(d),
      env: (d) => (writeFileSync(path.join(d, 'f'), ''), { WPT_CACHE_DIR: path.join(d, 'f', 'cache') }),
      error: /WPT_CACHE_DIR=.*: cannot write there \(ENOTDIR\)/,
      fix: /directory you can write to/,
    },
    {
      name: 'a WPT_CACHE_DIR nobody can write (even root: /proc)',
      args: (d) => existing(d),
      env: () => ({ WPT_CACHE_DIR: '/proc/wpt-cache' }),
      error: /WPT_CACHE_DIR=\/proc\/wpt-cache: cannot write there \(E[A-Z]+\)/,
      fix: /directory you can write to/,
    },
  ];

  it('each bad input: exit 2, the flag or variable and the fix, no stack trace, no request to the cluster, no report directory', async () => {
    const runs = await pooled(CASES, async (c) => {
      const dir = tmp();
      const args = c.args(dir);
      return {
        c,
        dir,
        r: await command('e2e', args, { env: { WPT_CACHE_DIR: path.join(dir, 'cache'), ...c.env?.(dir) }, timeoutMs: 60_000 }),
      };
    });
    for (const { c, dir, r } of runs) {
      const what = `${c.name}: ${r.stderr}`;
      expect(r.timedOut, what).to.equal(false);
      expect(r.exitCode, what).to.equal(EXIT.usage);
      expectErrorAndFix(r.stderr, c.error, c.fix, what);
      expect(r.stderr + r.stdout, what).not.to.match(/[\u0000\u001b]/);
      expect(existsSync(path.join(dir, 'report')), `${c.name}: a report directory was left`).to.equal(false);
    }
    expect(cluster.seen, 'requests the cluster got').to.deep.equal([]);
  });

  it("a --report-dir where directories cannot be made: exit 2 at once (Node's recursive mkdir spins forever under /proc)", async () => {
    const r = await command(
      'e2e',
      ['--cluster', 'existing', '--kubeconfig', kubeconfig(tmp(), cluster.url), '--report-dir', '/proc/wpt-report/x'],
      { timeoutMs: 30_000 },
    );
    expect(r.timedOut).to.equal(false);
    expect(r.exitCode, r.stderr).to.equal(EXIT.usage);
    expect(r.stderr).to.match(/^error: --report-dir \/proc\/wpt-report\/x: cannot write there \(ENOENT\)/);
    expect(() => makeDirs('/proc/wpt-report/x')).to.throw(/ENOENT/);
  });

  it('the cache: $WPT_CACHE_DIR absolute, else $XDG_CACHE_HOME when absolute, else ~/.cache', () => {
    expect(cacheDir({ WPT_CACHE_DIR: '/c' })).to.equal('/c');
    expect(cacheDir({ XDG_CACHE_HOME: '/x' })).to.equal('/x/waypoint-conformance');
    expect(cacheDir({ XDG_CACHE_HOME: 'relative' })).to.match(/\/\.cache\/waypoint-conformance$/);
    expect(() => cacheDir({ WPT_CACHE_DIR: ' ' })).to.throw(/set but empty/);
  });

  it('good inputs pass the same checks: the run goes on to the cluster', async () => {
    const dir = tmp();
    const istioctl = script(dir, 'istioctl', ['echo \'{"clientVersion":{"version":"1.31.1"}}\'']);
    mkdirSync(path.join(dir, 'cache'));
    const seenBefore = cluster.seen.length;
    const r = await command(
      'e2e',
      existing(dir, '--skip-install', '--istioctl', istioctl, '--connect-timeout', '5', '--grep', '^routing/'),
      { env: { WPT_CACHE_DIR: path.join(dir, 'cache') } },
    );
    expect(r.stdout).to.include(`istioctl: ${istioctl} (forced, 1.31.1)`);
    expect(cluster.seen.length, r.stderr).to.be.above(seenBefore);
    expect(readdirSync(path.join(dir, 'report'))).to.include('evidence.json');
  });
});
