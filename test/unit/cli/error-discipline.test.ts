/**
 * Issue 28, "some commands do not share the suite's error discipline": every entry point (e2e,
 * selftest, bench, controlplane, report:*, stats:check, pins) runs through harness/cli/main.ts, so
 * bad input is exit 2 with `error:` and `fix:` lines, a broken or silent cluster exit 3 within its
 * deadline, and no stack trace without --debug. Real processes; clusters on loopback only.
 */
import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { EXIT } from '../../../harness/errors.ts';
import { command, expectErrorAndFix, kubeconfig, pooled, rawServer, STACK, type Fake } from '../fake-api.ts';
import { tempDirs } from '../tmp.ts';

const tmp = tempDirs('wpt-ed-');

/** Every script package.json runs from scripts/. */
const SCRIPTS = Object.values(JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>)
  .map((s) => /scripts\/([\w-]+)\.ts/.exec(s)?.[1])
  .filter((s): s is string => Boolean(s));

interface Case {
  name: string;
  run: (dir: string) => ReturnType<typeof command>;
  code: number;
  error: RegExp;
  fix: RegExp;
  /** The command's documented deadline for this input, in ms. */
  withinMs?: number;
}

describe('one error discipline for every command (issue 28)', function () {
  this.timeout(240_000);
  let silent: Fake;
  before(async () => {
    silent = await rawServer(() => {}); // accepts, never answers
  });
  after(() => silent.close());

  it("the README's exit-code table: the codes of EXIT, for every command package.json runs", () => {
    const readme = readFileSync('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('## Exit codes'), readme.indexOf('## Offline runs'));
    expect([...section.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]))).to.deep.equal(Object.values(EXIT));
    const scripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>;
    const commands = Object.entries(scripts)
      .filter(([, v]) => /scripts\/[\w-]+\.ts/.test(v))
      .map(([k]) => k)
      .sort();
    const named = [...section.split('\n\n')[1].matchAll(/`([a-z][\w:-]*)`/g)].map((m) => m[1]).sort();
    expect(named).to.deep.equal(commands);
  });

  it('every script runs behind the Node.js check (npm runs it with --import) and exits through runMain', () => {
    const npmScripts = JSON.parse(readFileSync('package.json', 'utf8')).scripts as Record<string, string>;
    const runners = Object.values(npmScripts).filter((c) => /\.ts\b/.test(c));
    for (const c of runners) expect(c).to.match(/^exec node --import \.\/harness\/cli\/require-node\.mjs scripts\/[\w-]+\.ts$/);
    expect(SCRIPTS).to.include.members([
      'e2e',
      'selftest',
      'bench',
      'controlplane',
      'report-verify',
      'report-sign',
      'report-matrix',
      'stats-check',
      'pin-upstream',
    ]);
    for (const s of SCRIPTS) {
      const text = readFileSync(`scripts/${s}.ts`, 'utf8');
      expect(text, s).to.match(/^await runMain\(/m);
      // Thin: the command's body lives in harness/ or in its equipment; the script only runs it.
      const code = text
        .replace(/^\/\*\*[\s\S]*?\*\/\n/, '')
        .split('\n')
        .filter((l) => l.trim() && !l.startsWith('//'));
      expect(code.length, `${s}: ${code.length} lines of code`).to.be.at.most(5);
      // Only an interruption exits on its own (from the signal handler, after its record is sealed): in the script and its body.
      const body = [...text.matchAll(/from '(\.\.\/[^']+)'/g)].map((m) => m[1]).find((p) => !p.endsWith('/cli/main.ts'));
      expect(body, `${s}: the module holding its body`).to.be.a('string');
      for (const [file, t] of [
        [`scripts/${s}.ts`, text],
        [body, readFileSync(path.join('scripts', body!), 'utf8')],
      ])
        expect(t, `${file} sets its own exit code`).not.to.match(/process\.exitCode\s*=|process\.exit\((?!EXIT\.interrupted\))/);
    }
  });

  const keys = () => {
    const dir = tmp();
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(path.join(dir, 'garbage.pem'), Buffer.from([0, 1, 2, 0x1b, 0xff, 10]));
    writeFileSync(path.join(dir, 'pub.pem'), publicKey.export({ type: 'spki', format: 'pem' }));
    writeFileSync(path.join(dir, 'key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    return dir;
  };
  const CASES: Case[] = [
    {
      name: 'bench with a missing kubeconfig',
      run: (d) => command('bench', ['--kubeconfig', path.join(d, 'nope')]),
      code: EXIT.usage,
      error: /the kubeconfig .*nope \(--kubeconfig\) does not exist/,
      fix: /pass --kubeconfig FILE/,
    },
    {
      name: 'bench against a refused API',
      run: (d) => command('bench', ['--kubeconfig', kubeconfig(d, 'https://127.0.0.1:1')]),
      code: EXIT.infrastructure,
      error: /the cluster \(context x, https:\/\/127\.0\.0\.1:1\) does not answer: ECONNREFUSED/,
      fix: /reachable/,
    },
    {
      name: 'bench against a silent API',
      run: (d) => command('bench', ['--kubeconfig', kubeconfig(d, `https://${silent.url}`), '--connect-timeout', '3']),
      code: EXIT.infrastructure,
      error: /answering \/version: no answer within 3s/,
      fix: /raise --connect-timeout/,
      withinMs: 90_000,
    }, // was: killed after 120 s; the rest is starting Node on a busy machine
    {
      name: 'bench --target 0',
      run: () => command('bench', ['--target', '0']),
      code: EXIT.usage,
      error: /--target takes a number of seconds above 0/,
      fix: /npm run bench -- --help/,
    },
    {
      name: 'controlplane bogus',
      run: () => command('controlplane', ['bogus']),
      code: EXIT.usage,
      error: /unknown command 'bogus'/,
      fix: /one of: up, down, status/,
    },
    {
      name: 'controlplane without a command',
      run: () => command('controlplane', []),
      code: EXIT.usage,
      error: /controlplane needs a command/,
      fix: /one of: up, down, status/,
    },
    {
      name: 'report:sign --key with a garbage file',
      run: (d) => command('report-sign', [d, '--key', path.join(keys(), 'garbage.pem')]),
      code: EXIT.usage,
      error: /--key .*garbage\.pem is not a PEM private key/,
      fix: /openssl ecparam/,
    },
    {
      name: 'report:sign --key with a public key',
      run: (d) => command('report-sign', [d, '--key', path.join(keys(), 'pub.pem')]),
      code: EXIT.usage,
      error: /--key .*pub\.pem is a public key; signing needs the private key/,
      fix: /report:verify --key/,
    },
    {
      name: 'report:sign --key that is a directory',
      run: (d) => command('report-sign', [d, '--key', d]),
      code: EXIT.usage,
      error: /--key .*: cannot read it/,
      fix: /private key/,
    },
    {
      name: 'report:verify --key with a private key file that is garbage',
      run: (d) => command('report-verify', [d, '--key', path.join(keys(), 'garbage.pem')]),
      code: EXIT.usage,
      error: /--key .*garbage\.pem: not a PEM public key/,
      fix: /openssl ec -in/,
    },
    {
      name: 'e2e --grep "("',
      run: () => command('e2e', ['--grep', '(', '--list']),
      code: EXIT.usage,
      error: /--grep "\(" is not a regular expression/,
      fix: /backslash before \( \)/,
    },
    {
      name: 'selftest --grep "("',
      run: () => command('selftest', ['--grep', '(']),
      code: EXIT.usage,
      error: /--grep "\(" is not a valid regular expression/,
      fix: /backslash before \( \)/,
    },
    {
      name: 'selftest --mutant bogus',
      run: () => command('selftest', ['--mutant', 'bogus']),
      code: EXIT.usage,
      error: /unknown mutant\(s\): bogus/,
      fix: /known mutants: /,
    },
    {
      name: 'stats:check --runs x',
      run: () => command('stats-check', ['--runs', 'x']),
      code: EXIT.usage,
      error: /--runs must be an integer >= 10000, got "x"/,
      fix: /npm run stats:check -- --help/,
    },
    {
      name: 'report:matrix without bundles',
      run: () => command('report-matrix', []),
      code: EXIT.usage,
      error: /missing required argument 'bundles'/,
      fix: /npm run report:matrix -- --help/,
    },
    {
      name: 'report:verify of no directory',
      run: (d) => command('report-verify', [path.join(d, 'nope')]),
      code: EXIT.usage,
      error: /no such directory: .*nope/,
      fix: /bundle's directory/,
    },
    {
      name: 'pins with an argument',
      run: () => command('pin-upstream', ['--bogus']),
      code: EXIT.usage,
      error: /npm run pins takes no arguments, got: --bogus/,
      fix: /after changing a version/,
    },
  ];

  it('each bad input or broken cluster: its exit code, `error:` then `fix:`, no stack trace, within its deadline', async () => {
    const runs = await pooled(CASES, async (c) => {
      const started = Date.now();
      const r = await c.run(tmp());
      return { c, r, ms: Date.now() - started };
    });
    for (const { c, r, ms } of runs) {
      const what = `${c.name}: exit ${r.exitCode}\n${r.stderr}`;
      expect(r.timedOut, what).to.equal(false);
      expect(r.exitCode, what).to.equal(c.code);
      expectErrorAndFix(r.stderr, c.error, c.fix, what);
      if (c.withinMs) expect(ms, what).to.be.below(c.withinMs);
    }
  });

  it('every command: an unknown option is exit 2 naming it (and --help, exit 0, for the ones with subcommands or a wrapper)', async () => {
    const jobs = [
      ...SCRIPTS.filter((s) => s !== 'pin-upstream').map((s) => ({ s, help: false })),
      { s: 'e2e', help: true },
      { s: 'controlplane', help: true },
    ]; // pins takes nothing: above
    const runs = await pooled(jobs, async (j) => ({ ...j, r: await command(j.s, [j.help ? '--help' : '--bogus-option']) }));
    for (const { s, help, r } of runs) {
      if (help) expect(r.exitCode, `${s} --help: ${r.stderr}`).to.equal(EXIT.ok);
      else {
        expect(r.exitCode, `${s}: ${r.stderr}`).to.equal(EXIT.usage);
        expect(r.stderr, s).to.match(/^error: unknown option '--bogus-option'\n {2}fix: see npm run /);
      }
    }
  });

  it('--debug prints the stack of the same error; nothing else changes', async () => {
    const dir = tmp();
    const [plain, debug] = await Promise.all([
      command('bench', ['--kubeconfig', path.join(dir, 'nope')]),
      command('bench', ['--kubeconfig', path.join(dir, 'nope'), '--debug']),
    ]);
    expect(debug.exitCode).to.equal(plain.exitCode);
    expect(debug.stderr.split('\n')[0]).to.equal(plain.stderr.split('\n')[0]);
    expect(debug.stderr).to.match(STACK);
  });

  it('selftest --report-dir refuses a non-empty directory it did not create, and leaves it as it was', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'report.yaml'), 'old: true\n');
    const r = await command('selftest', ['--grep', '^routing/', '--report-dir', dir]);
    expect(r.exitCode, r.stderr).to.equal(EXIT.usage);
    expect(r.stderr).to.match(/^error: --report-dir .* is not empty/);
    expect(readdirSync(dir)).to.deep.equal(['report.yaml']);
    expect(readFileSync(path.join(dir, 'report.yaml'), 'utf8')).to.equal('old: true\n');
    const fresh = path.join(dir, 'new');
    const ok = await command('selftest', ['--grep', '^routing/', '--report-dir', fresh]);
    expect(ok.exitCode, ok.stderr).to.equal(EXIT.ok);
    expect(existsSync(path.join(fresh, 'evidence.json'))).to.equal(true);
  });

  describe('npm test on a Node.js that is too old', () => {
    /** Node 20 as the test runner sees it: process.versions.node reads 20.20.2 in every process. */
    const fakeNode20 = `--import=data:text/javascript,${encodeURIComponent("Object.defineProperty(process.versions, 'node', { value: '20.20.2' });")}`;
    it('mocha (npm test) refuses it with the fix before any test file loads (was: an undici stack trace)', async () => {
      const r = await execa('npx', ['mocha'], { reject: false, env: { NODE_OPTIONS: fakeNode20 }, timeout: 120_000 });
      expect(r.exitCode, r.stdout + r.stderr).to.equal(EXIT.usage);
      expect(r.stderr)
        .to.match(/^error: Node\.js 20\.20\.2 is too old: this suite needs Node\.js 22\.18 or newer/m)
        .and.match(/fix: `nvm install`/);
      expect(r.stdout + r.stderr).not.to.match(STACK);
      expect(JSON.parse(readFileSync('.mocharc.real.json', 'utf8')).require).to.deep.equal(['./harness/cli/require-node.mjs']);
    });
    it('and the real one, where the machine has one (/usr/bin/node older than 22)', async function () {
      const old = existsSync('/usr/bin/node') ? (await execa('/usr/bin/node', ['--version'], { reject: false })).stdout : '';
      if (!/^v(1\d|2[01])\./.test(old)) this.skip();
      const r = await execa('npm', ['test'], { reject: false, env: { PATH: `/usr/bin:${process.env.PATH}` }, timeout: 120_000 });
      expect(r.exitCode, r.stderr).to.equal(EXIT.usage);
      expect(r.stderr).to.match(/error: Node\.js 2[01]\.\S+ is too old/);
      expect(r.stderr).not.to.match(STACK);
    });
  });
});
