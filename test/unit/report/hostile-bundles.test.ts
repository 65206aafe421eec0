/**
 * Issue 28, "hostile bundles hang or exhaust the verifier": a diagnostics entry that is a symlink to
 * a FIFO, or report.yaml as a FIFO, hung report:verify; report.yaml or evidence.json as a symlink to
 * /dev/zero exhausted memory; report:sign and report:matrix read the same way. Now only regular files
 * inside the bundle are opened (harness/files/read.ts), their sizes bounded before reading: each
 * hostile bundle is refused (exit 1, the problem named) within seconds, by all three commands.
 */
import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { EXIT } from '../../../harness/errors.ts';
import { bundleEntry, hashBundleFile, listEntries, readBundleFile, readUserFile, UnsafeFileError } from '../../../harness/files/read.ts';
import { SIGNATURE_FILE } from '../../../harness/report/seal.ts';
import { signWithKey } from '../../../harness/report/sign.ts';
import { command, pooled } from '../fake-api.ts';
import { copyBundle, modelBundle, removeTempDirs, tempDir } from './report-fixtures.ts';

const mkfifo = (file: string) => execa('mkfifo', [file]);

interface Case {
  name: string;
  /** Makes the bundle hostile; returns the problem report:verify must name. */
  make: (dir: string) => Promise<RegExp>;
}

describe('hostile bundles (issue 28)', function () {
  this.timeout(300_000);
  let failed: string;
  let keyFile: string;
  let pubFile: string;
  before(async () => {
    failed = await modelBundle('failed');
    const keys = tempDir();
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    keyFile = path.join(keys, 'key.pem');
    pubFile = path.join(keys, 'key.pub');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(pubFile, publicKey.export({ type: 'spki', format: 'pem' }));
  });
  after(removeTempDirs);

  const diagnostics = (dir: string) => `diagnostics/${readdirSync(path.join(dir, 'diagnostics'))[0]}`;
  const CASES: Case[] = [
    {
      name: 'a diagnostics entry that is a symlink to a FIFO outside the bundle',
      make: async (dir) => {
        const fifo = path.join(tempDir(), 'fifo');
        await mkfifo(fifo);
        const d = diagnostics(dir);
        rmSync(path.join(dir, d));
        symlinkSync(fifo, path.join(dir, d));
        return new RegExp(`${d}: not a regular file \\(a symbolic link`);
      },
    },
    {
      name: 'report.yaml as a FIFO',
      make: async (dir) => (
        rmSync(path.join(dir, 'report.yaml')),
        await mkfifo(path.join(dir, 'report.yaml')),
        /report\.yaml: not a regular file \(a FIFO/
      ),
    },
    {
      name: 'report.yaml as a symlink to /dev/zero',
      make: async (dir) => (
        rmSync(path.join(dir, 'report.yaml')),
        symlinkSync('/dev/zero', path.join(dir, 'report.yaml')),
        /report\.yaml: not a regular file \(a symbolic link/
      ),
    },
    {
      name: 'evidence.json as a symlink to /dev/zero',
      make: async (dir) => (
        rmSync(path.join(dir, 'evidence.json')),
        symlinkSync('/dev/zero', path.join(dir, 'evidence.json')),
        /evidence\.json: not a regular file \(a symbolic link/
      ),
    },
    {
      name: 'evidence.json as a FIFO',
      make: async (dir) => (
        rmSync(path.join(dir, 'evidence.json')),
        await mkfifo(path.join(dir, 'evidence.json')),
        /evidence\.json: not a regular file \(a FIFO/
      ),
    },
    {
      name: 'the diagnostics directory as a symlink to a copy outside the bundle',
      make: async (dir) => {
        const outside = path.join(tempDir(), 'diagnostics');
        renameSync(path.join(dir, 'diagnostics'), outside);
        symlinkSync(outside, path.join(dir, 'diagnostics'));
        return /diagnostics\/[^:]+: not a regular file|diagnostics: not a regular file|diagnostics is not a directory \(a symbolic link/;
      },
    },
    {
      name: 'report.yaml of 65 MiB (sparse)',
      make: async (dir) => (
        truncateSync(path.join(dir, 'report.yaml'), 65 * 1024 * 1024),
        /report\.yaml: 68157440 bytes, more than the 67108864 bytes such a file may hold/
      ),
    },
  ];

  it('each: report:verify exits 1 naming the problem, without hanging or running out of memory', async () => {
    const runs = await pooled(
      CASES,
      async (c) => {
        const dir = copyBundle(failed);
        const problem = await c.make(dir);
        return { c, problem, verify: await command('report-verify', [dir], { timeoutMs: 120_000 }) };
      },
      3,
    );
    for (const { c, verify, problem } of runs) {
      const what = `${c.name}:\n${verify.stderr}`;
      expect(verify.timedOut, what).to.equal(false);
      expect(verify.exitCode, what).to.equal(1);
      expect(verify.stderr, what).to.match(problem);
      expect(verify.stdout, what).to.match(/inconsistent: \d+ problem\(s\)/);
    }
  });

  it('report:sign refuses to sign (1), report:matrix (2) and report:gateway-api (1) refuse the bundle: the FIFO and /dev/zero cases, read the same way', async () => {
    const hanging = CASES.filter((c) => /FIFO|dev\/zero/.test(c.name));
    expect(hanging).to.have.length(5);
    const runs = await pooled(
      hanging,
      async (c) => {
        const dir = copyBundle(failed);
        const problem = await c.make(dir);
        const [sign, matrix, gatewayApi] = await Promise.all([
          command('report-sign', [dir, '--key', keyFile], { timeoutMs: 120_000 }),
          command('report-matrix', [dir], { timeoutMs: 120_000 }),
          command('report-gateway-api', [dir, '--out', tempDir()], { timeoutMs: 120_000 }),
        ]);
        return { c, problem, sign, matrix, gatewayApi };
      },
      2,
    );
    for (const { c, sign, matrix, gatewayApi, problem } of runs) {
      const what = `${c.name}:\n${sign.stderr}\n${matrix.stderr}\n${gatewayApi.stderr}`;
      for (const r of [sign, matrix, gatewayApi]) expect(r.timedOut, what).to.equal(false);
      expect(sign.exitCode, what).to.equal(1);
      expect(sign.stderr, what)
        .to.match(problem)
        .and.match(/not signed: the bundle is inconsistent/);
      expect(matrix.exitCode, what).to.equal(EXIT.usage);
      expect(matrix.stderr, what)
        .to.match(/is not a valid report bundle: /)
        .and.match(problem);
      expect(gatewayApi.exitCode, what).to.equal(EXIT.scenarioFailed);
      expect(gatewayApi.stderr, what)
        .to.match(problem)
        .and.match(/inconsistent \(npm run report:verify/);
    }
  });

  it('a signature file that is a FIFO: report:verify --key rejects the signature at once', async () => {
    const dir = copyBundle(failed);
    await mkfifo(path.join(dir, SIGNATURE_FILE));
    const r = await command('report-verify', [dir, '--key', pubFile], { timeoutMs: 60_000 });
    expect(r.timedOut).to.equal(false);
    expect(r.exitCode, r.stderr).to.equal(1);
    expect(r.stderr).to.match(
      /✗ signature: evidence\.sigstore\.json is not a Sigstore bundle: evidence\.sigstore\.json: not a regular file \(a FIFO/,
    );
  });

  it('an honest bundle still signs and verifies through the same reads', async () => {
    const dir = copyBundle(failed);
    await signWithKey(dir, readUserFile(keyFile).toString('utf8'));
    const r = await command('report-verify', [dir, '--key', pubFile]);
    expect(r.exitCode, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/consistent, signed by key sha256:\w+ .*, not conformant: \d+ failed/);
  });

  it('refuses every input that is not a regular file at once, no slower than an honest bundle verifies (the deadline of every read holds by construction: harness/files/read.ts readBounded)', async function () {
    // Each hostile bundle verified in one child process, which times each verification itself: a read
    // that blocked (a FIFO) or never ended (/dev/zero) would stop the child, and the child's deadline
    // and this test's timeout fail it; a synchronous read blocked in this process would stop mocha too.
    this.timeout(120_000);
    const diag = (dir: string) => path.join(dir, diagnostics(dir));
    const replace = (file: string) => (rmSync(file), file);
    const servers: net.Server[] = [];
    const cases: { name: string; make: (dir: string) => Promise<boolean>; problem: RegExp }[] = [
      {
        name: 'report.yaml a FIFO',
        make: async (d) => (await mkfifo(replace(path.join(d, 'report.yaml'))), true),
        problem: /^report\.yaml: not a regular file \(a FIFO/,
      },
      {
        name: 'evidence.json a FIFO',
        make: async (d) => (await mkfifo(replace(path.join(d, 'evidence.json'))), true),
        problem: /^evidence\.json: not a regular file \(a FIFO/,
      },
      {
        name: 'report.html a FIFO',
        make: async (d) => (await mkfifo(replace(path.join(d, 'report.html'))), true),
        problem: /^report\.html: not a regular file \(a FIFO/,
      },
      {
        name: 'junit.xml a symlink to /dev/zero',
        make: async (d) => (symlinkSync('/dev/zero', replace(path.join(d, 'junit.xml'))), true),
        problem: /^junit\.xml: not a regular file \(a symbolic link/,
      },
      {
        name: 'a sealed diagnostics file a FIFO',
        make: async (d) => (await mkfifo(replace(diag(d))), true),
        problem: /^diagnostics\/.*: not a regular file \(a FIFO/,
      },
      {
        name: 'a sealed diagnostics file a Unix socket with a listener',
        problem: /^diagnostics\/.*: not a regular file \(a socket/,
        make: async (d) => {
          const server = net.createServer((s) => s.on('error', () => {}));
          servers.push(server);
          await new Promise<void>((r) => server.listen(replace(diag(d)), r));
          return true;
        },
      },
      // A device node itself (not a link to one): mknod needs root; without it the case is left out.
      {
        name: 'a sealed diagnostics file the device /dev/zero is (mknod c 1 5)',
        make: async (d) => (await execa('mknod', [replace(diag(d)), 'c', '1', '5'], { reject: false })).exitCode === 0,
        problem: /^diagnostics\/.*: not a regular file \(a device/,
      },
      {
        name: 'report.yaml of 65 MiB (sparse: refused by its size, unread)',
        make: async (d) => (truncateSync(path.join(d, 'report.yaml'), 65 * 1024 * 1024), true),
        problem: /^report\.yaml: 68157440 bytes, more than/,
      },
      {
        name: 'a diagnostics file of 600 MiB (sparse: refused by its size, unhashed)',
        make: async (d) => (truncateSync(diag(d), 600 * 1024 * 1024), true),
        problem: /^diagnostics\/.*: 629145600 bytes, more than the 536870912 bytes/,
      },
    ];
    const made: { name: string; dir: string; problem: RegExp }[] = [];
    for (const c of cases) {
      const dir = copyBundle(failed);
      if (await c.make(dir)) made.push({ name: c.name, dir, problem: c.problem });
    }
    // An honest copy first: it verifies clean, and loads and compiles what every verification uses
    // (the schema, the page renderer), so the times below are of the hostile inputs, not of warming up.
    const honest = copyBundle(failed);
    try {
      const child = await execa(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `
        import { verifyBundle } from './harness/report/verify.ts';
        import { CATALOGUE } from './suites/index.ts';
        for (const dir of ${JSON.stringify([honest, ...made.map((m) => m.dir)])}) {
          const started = performance.now();
          const { problems } = verifyBundle(dir, CATALOGUE);
          console.log(JSON.stringify({ dir, ms: performance.now() - started, problems }));
        }`,
        ],
        { reject: false, timeout: 60_000 },
      );
      expect(child.timedOut, `the verifier hung: ${child.stdout}`).to.equal(false);
      expect(child.exitCode, child.stderr).to.equal(0);
      const seen = new Map(
        child.stdout
          .split('\n')
          .map((l) => JSON.parse(l) as { dir: string; ms: number; problems: string[] })
          .map((r) => [r.dir, r]),
      );
      expect(made.length).to.be.at.least(cases.length - 1);
      expect(seen.get(honest)!.problems).to.deep.equal([]);
      // An honest bundle takes a second or more on a busy machine (the page is rendered again); a hostile
      // input is refused at its first look, and a blocked read would never return at all.
      const bound = 2 * seen.get(honest)!.ms + 1000;
      for (const m of made) {
        const r = seen.get(m.dir)!;
        expect(
          r.problems.some((p) => m.problem.test(p)),
          `${m.name}: ${r.problems.join('; ')}`,
        ).to.equal(true);
        expect(r.ms, `${m.name}: verified in ${r.ms} ms`).to.be.below(bound);
      }
    } finally {
      for (const s of servers) s.close();
    }
  });

  describe('the reads themselves (harness/files/read.ts)', () => {
    it('open only regular files reached through no link, bounded in size, in bounded time', async () => {
      const dir = tempDir();
      writeFileSync(path.join(dir, 'ok'), 'hello');
      await mkfifo(path.join(dir, 'fifo'));
      symlinkSync('/dev/zero', path.join(dir, 'zero'));
      symlinkSync(dir, path.join(dir, 'loop'));
      mkdirSync(path.join(dir, 'sub'));
      expect(readBundleFile(dir, 'ok').toString()).to.equal('hello');
      expect(() => readBundleFile(dir, 'ok', 4)).to.throw(UnsafeFileError, /ok: 5 bytes, more than the 4 bytes/);
      expect(() => readBundleFile(dir, 'fifo')).to.throw(UnsafeFileError, /not a regular file \(a FIFO/);
      expect(() => hashBundleFile(dir, 'zero')).to.throw(UnsafeFileError, /a symbolic link/);
      expect(() => readBundleFile(dir, 'loop/ok')).to.throw(UnsafeFileError, /loop is not a directory \(a symbolic link/);
      expect(() => readBundleFile(dir, 'sub')).to.throw(UnsafeFileError, /a directory/);
      expect(bundleEntry(dir, 'missing').kind).to.equal('missing');
      expect(() => readUserFile('/dev/zero')).to.throw(UnsafeFileError, /not a regular file \(a device\)/);
      expect(() => readUserFile(path.join(dir, 'fifo'))).to.throw(UnsafeFileError, /a FIFO/);
      expect(listEntries(dir).sort()).to.deep.equal(['fifo', 'loop', 'ok', 'zero']);
      expect(() => listEntries(dir, { entries: 2, depth: 32 })).to.throw(UnsafeFileError, /more than 2 entries/);
    });
  });
});
