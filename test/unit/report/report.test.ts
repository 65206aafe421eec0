import { expect } from 'chai';
import { appendFileSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { resultOf } from '../../../harness/report/bundle-verdict.ts';
import { verifyBundle } from '../../../harness/report/verify.ts';
import { EVIDENCE_FILE, sealBundle } from '../../../harness/report/seal.ts';
import { CATALOGUE } from '../../../suites/index.ts';
import { copyBundle, forge, modelBundle, readReport, removeTempDirs, reseal, tempDir } from './report-fixtures.ts';

const problems = (dir: string) => verifyBundle(dir, CATALOGUE).problems;
const problemText = (dir: string) => problems(dir).join('\n');

describe('report bundles of real runs on the model', function () {
  const bundles: Record<string, string> = {};
  before(async () => {
    bundles.passed = await modelBundle('passed');
    bundles.failed = await modelBundle('failed');
    bundles.setup = await modelBundle('setup');
    bundles.certified = await modelBundle('passed', 'certification');
    bundles.certFailed = await modelBundle('failed', 'certification');
  });
  after(removeTempDirs);

  it('a passing run verifies, run.log written after the report included', () => {
    expect(problems(bundles.passed)).to.deep.equal([]);
    const evidence = JSON.parse(readFileSync(path.join(bundles.passed, EVIDENCE_FILE), 'utf8'));
    expect(evidence.files).to.include.keys('run.log', 'report.yaml', 'junit.xml', 'summary.md');
    expect(readFileSync(path.join(bundles.passed, 'run.log'), 'utf8')).to.match(/delete kind cluster wpt/);
    expect(resultOf(readReport(bundles.passed)).text).to.match(/^not a certification \(mode e2e\): \d+ passed/);
  });

  it('a failed run verifies, with its diagnostics and the kind logs exported in teardown', () => {
    expect(problems(bundles.failed)).to.deep.equal([]);
    const files = Object.keys(JSON.parse(readFileSync(path.join(bundles.failed, EVIDENCE_FILE), 'utf8')).files);
    expect(files).to.include('kind-logs/wpt-control-plane/kubelet.log');
    expect(files.some((f) => f.startsWith('diagnostics/routing__'))).to.equal(true);
    expect(resultOf(readReport(bundles.failed))).to.deep.include({ conformant: false });
    expect(resultOf(readReport(bundles.failed)).text).to.match(/^not conformant: \d+ failed/);
  });

  it('a run whose setup failed verifies as a record of a failed run, never conformant', () => {
    expect(problems(bundles.setup)).to.deep.equal([]);
    expect(readReport(bundles.setup).setup?.step).to.equal('deploy the clients sleep, notsleep, sidecar-sleep');
    expect(resultOf(readReport(bundles.setup))).to.deep.equal({
      conformant: false,
      text: 'not conformant: a record of a failed run (setup failed at "deploy the clients sleep, notsleep, sidecar-sleep")',
    });
  });

  it('a complete passing certification verifies as conformant', () => {
    expect(problems(bundles.certified)).to.deep.equal([]);
    expect(resultOf(readReport(bundles.certified))).to.deep.include({ conformant: true });
  });

  describe('forgeries, each rejected with what is wrong', () => {
    const failedIds = (dir: string) =>
      readReport(dir)
        .scenarios.filter((s) => s.outcome === 'failed')
        .map((s) => s.id);

    it('an edit after sealing, to any file, names the file', () => {
      for (const file of ['report.yaml', 'junit.xml', 'summary.md', 'run.log']) {
        const dir = copyBundle(bundles.failed);
        appendFileSync(path.join(dir, file), '\n');
        expect(problemText(dir)).to.include(`${file}: sha256 differs`);
      }
    });

    it('failed scenarios flipped to passed, junit, summary and run.log regenerated and resealed', () => {
      const dir = copyBundle(bundles.failed);
      const ids = failedIds(dir);
      expect(ids.length).to.be.above(0);
      forge(
        dir,
        (r) => {
          for (const s of r.scenarios) if (s.outcome === 'failed') s.outcome = 'passed';
        },
        { regenerate: true },
      );
      const text = problemText(dir);
      expect(text).to.include(`${ids[0]} is passed, but a check of it failed or broke`);
      expect(text).to.match(
        new RegExp(`diagnostics/${ids[0].replace('/', '__')}.yaml: records ${ids[0]} failed, report.yaml ${ids[0]} passed`),
      );
    });

    it('failed (core) scenarios deleted from a certification so core shows success', () => {
      const dir = copyBundle(bundles.certFailed);
      const ids = failedIds(dir);
      forge(
        dir,
        (r) => {
          r.scenarios = r.scenarios.filter((s) => s.outcome !== 'failed');
        },
        { regenerate: true },
      );
      for (const id of ids) rmSync(path.join(dir, 'diagnostics', `${id.replace('/', '__')}.yaml`));
      reseal(dir);
      expect(readReport(dir).profiles.every((p) => p.result !== 'failure')).to.equal(true);
      const text = problemText(dir);
      expect(text).to.include(
        `${ids[0]} (${readReport(bundles.certFailed).scenarios.find((s) => s.id === ids[0])!.profile}) is missing: a certification holds every scenario of its claimed profiles`,
      );
    });

    it('only report.yaml flipped and rehashed: junit.xml still fails it, profile totals still count it', () => {
      const dir = copyBundle(bundles.failed);
      const [id] = failedIds(dir);
      forge(
        dir,
        (r) => {
          r.scenarios.find((s) => s.id === id)!.outcome = 'passed';
        },
        { regenerate: false },
      );
      const text = problemText(dir);
      expect(text).to.include(`junit.xml: ${id} is failed, report.yaml says passed`);
      expect(text).to.match(/report.yaml: profile \w+ counts \d+ failed, its scenarios \d+/);
      expect(text).to.match(/summary.md: line \d+/);
    });

    it('a file added and listed in the manifest', () => {
      const dir = copyBundle(bundles.passed);
      writeFileSync(path.join(dir, 'extra-evidence.yaml'), 'all: good\n');
      reseal(dir);
      expect(problemText(dir)).to.include('extra-evidence.yaml: not a file a report bundle holds');
    });

    it('kind logs in a run that passed', () => {
      const dir = copyBundle(bundles.passed);
      mkdirSync(path.join(dir, 'kind-logs'));
      writeFileSync(path.join(dir, 'kind-logs', 'x.log'), 'x\n');
      reseal(dir);
      expect(problemText(dir)).to.include('kind-logs/x.log: not a file a report bundle holds (kind logs belong to failed runs)');
    });

    it('a diagnostic deleted with its manifest entry, and then with its mention in report.yaml', () => {
      const dir = copyBundle(bundles.failed);
      const [id] = failedIds(dir);
      const file = `diagnostics/${id.replace('/', '__')}.yaml`;
      rmSync(path.join(dir, file));
      reseal(dir);
      expect(problemText(dir)).to.include(`${file}: named in report.yaml but not in the bundle`);
      forge(
        dir,
        (r) => {
          delete r.scenarios.find((s) => s.id === id)!.diagnostics;
        },
        { regenerate: true },
      );
      expect(problemText(dir)).to.include(`report.yaml: ${id} failed but names no diagnostics file`);
    });

    it('the vendor relabelled in report.yaml only', () => {
      const dir = copyBundle(bundles.certified);
      forge(
        dir,
        (r) => {
          r.implementation.organization = 'other';
          r.implementation.project = 'other-waypoint';
        },
        { regenerate: false },
      );
      expect(problemText(dir)).to.match(/summary.md: line 3 is "# Waypoint conformance: acme-waypoint 2.3.0"/);
    });

    it('mode certification changed to e2e, everything regenerated', () => {
      const dir = copyBundle(bundles.certFailed);
      forge(
        dir,
        (r) => {
          r.mode = 'e2e';
        },
        { regenerate: true },
      );
      expect(problemText(dir)).to.include(
        'report.yaml: mode e2e with claimed profiles or features: only a certification run claims them (was the mode changed?)',
      );
    });

    it('a scenario relabelled from core to extended', () => {
      const dir = copyBundle(bundles.failed);
      const s = readReport(dir).scenarios.find((x) => x.profile === 'core')!;
      forge(
        dir,
        (r) => {
          r.scenarios.find((x) => x.id === s.id)!.profile = 'extended';
        },
        { regenerate: true },
      );
      expect(problemText(dir)).to.include(`report.yaml: ${s.id} has profile "extended", the catalogue "core"`);
    });

    for (const key of ['../../../etc/hostname', '/etc/hostname', 'diagnostics/../../x', './report.yaml']) {
      it(`an evidence key "${key}" outside the bundle or not normal`, () => {
        const dir = copyBundle(bundles.passed);
        const p = path.join(dir, EVIDENCE_FILE);
        const m = JSON.parse(readFileSync(p, 'utf8'));
        m.files[key] = '0'.repeat(64);
        writeFileSync(p, JSON.stringify(m));
        expect(problemText(dir)).to.include(`${EVIDENCE_FILE}: key "${key}" points outside the bundle or is not a normal relative path`);
      });
    }

    it('a symbolic link inside the bundle', () => {
      const dir = copyBundle(bundles.passed);
      symlinkSync('/etc/hostname', path.join(dir, 'hostname'));
      const m = JSON.parse(readFileSync(path.join(dir, EVIDENCE_FILE), 'utf8'));
      m.files.hostname = '0'.repeat(64);
      writeFileSync(path.join(dir, EVIDENCE_FILE), JSON.stringify(m));
      expect(problemText(dir)).to.include('hostname: not a regular file');
    });

    it('a diagnostics file replaced by something that is not YAML, resealed', () => {
      const dir = copyBundle(bundles.failed);
      const file = readReport(dir).scenarios.find((s) => s.diagnostics)!.diagnostics!;
      writeFileSync(path.join(dir, file), 'id: [unclosed\n');
      reseal(dir);
      expect(problemText(dir)).to.include(`${file}: not YAML`);
    });

    it('run.log left as the run wrote it while report.yaml, junit.xml and summary.md are flipped', () => {
      const dir = copyBundle(bundles.failed);
      const [id] = failedIds(dir);
      const log = readFileSync(path.join(dir, 'run.log'));
      forge(
        dir,
        (r) => {
          r.scenarios.find((s) => s.id === id)!.outcome = 'passed';
        },
        { regenerate: true },
      );
      writeFileSync(path.join(dir, 'run.log'), log);
      reseal(dir);
      expect(problemText(dir)).to.match(new RegExp(`run.log: no line "✓ ${id} \\([\\d.]+s\\)" for ${id} as report.yaml records it`));
    });

    it('run.log deleted with its manifest entry', () => {
      const dir = copyBundle(bundles.failed);
      rmSync(path.join(dir, 'run.log'));
      reseal(dir);
      expect(problemText(dir)).to.include('run.log: missing from the bundle');
    });

    it('a file named like an Object property, added after sealing', () => {
      const dir = copyBundle(bundles.passed);
      writeFileSync(path.join(dir, 'constructor'), 'x');
      expect(problemText(dir)).to.include('constructor: not listed in evidence.json (added after sealing)');
    });

    it('sealing refuses a bundle that holds a link', () => {
      const dir = copyBundle(bundles.passed);
      symlinkSync('/etc/hostname', path.join(dir, 'hostname'));
      expect(() => sealBundle(dir)).to.throw(/hostname not regular files/);
    });

    it('a file added after sealing without a manifest entry', () => {
      const dir = copyBundle(bundles.passed);
      writeFileSync(path.join(dir, 'notes.txt'), 'x');
      expect(problemText(dir)).to.include('notes.txt: not listed in evidence.json (added after sealing)');
    });

    it('a certification that ran scenarios needing unclaimed features', () => {
      const dir = copyBundle(bundles.certified);
      forge(
        dir,
        (r) => {
          r.claimedFeatures = ['Waypoint'];
        },
        { regenerate: true },
      );
      expect(problemText(dir)).to.match(/ran although it needs unclaimed features/);
    });

    it('a report that breaks the schema, rehashed', () => {
      const dir = copyBundle(bundles.passed);
      forge(
        dir,
        (r) => {
          delete (r.implementation as Partial<typeof r.implementation>).gatewayClassName;
        },
        { regenerate: false },
      );
      expect(problemText(dir)).to.match(/report.yaml: \/implementation must have required property 'gatewayClassName'/);
    });
  });

  describe('npm run report:verify', function () {
    this.timeout(60_000);
    const verify = (...args: string[]) => execa(process.execPath, ['scripts/report-verify.ts', ...args], { reject: false });

    it('says consistent and unsigned for an honest failed run, and what it claims (exit 0)', async () => {
      const r = await verify(bundles.failed);
      expect(r.exitCode, r.stderr).to.equal(0);
      expect(r.stdout).to.match(
        /: consistent, unsigned: it claims an e2e run of GatewayClass istio-waypoint \(acme-waypoint 2\.3\.0\): \d+ passed, \d+ failed, .*; nothing binds this claim/,
      );
    });

    it('names each problem of a forgery and exits 1', async () => {
      const dir = copyBundle(bundles.failed);
      appendFileSync(path.join(dir, 'junit.xml'), ' ');
      const r = await verify(dir);
      expect(r.exitCode).to.equal(1);
      expect(r.stderr).to.include('✗ junit.xml: sha256 differs');
      expect(r.stdout).to.match(/inconsistent: 1 problem\(s\)/);
    });

    it('exits 2 with a clear message for a malformed manifest, a missing directory and a bad flag', async () => {
      const dir = copyBundle(bundles.passed);
      writeFileSync(path.join(dir, EVIDENCE_FILE), '{not json');
      const malformed = await verify(dir);
      expect(malformed.exitCode).to.equal(2);
      expect(malformed.stderr).to.match(/^error: evidence.json is not JSON/);
      expect(malformed.stderr).to.not.match(/\n\s+at /);
      const missing = await verify(path.join(tempDir(), 'nope'));
      expect(missing.exitCode).to.equal(2);
      expect(missing.stderr).to.match(
        /^error: no such directory: .*nope\n  fix: pass the report bundle's directory; see npm run report:verify -- --help/,
      );
      const flag = await verify(bundles.passed, '--frobnicate');
      expect(flag.exitCode).to.equal(2);
      expect(flag.stderr).to.match(/unknown option '--frobnicate'/);
    });
  });
  describe('npm run selftest -- --report-dir', function () {
    this.timeout(120_000);
    it('seals its bundle after the last run.log line: report:verify accepts it, and rejects an edit', async () => {
      const dir = tempDir();
      await execa(process.execPath, ['scripts/selftest.ts', '--report-dir', dir, '--mutant', 'fault-ignored']);
      expect(readFileSync(path.join(dir, 'run.log'), 'utf8')).to.include(
        'mutant fault-ignored (resilience): caught by resilience/fault-abort',
      );
      expect(problems(dir)).to.deep.equal([]);
      appendFileSync(path.join(dir, 'run.log'), 'edited\n');
      expect(problemText(dir)).to.include('run.log: sha256 differs');
    });
    it('--grep runs the matching scenarios, mutants only when named; a pattern matching nothing exits 2', async () => {
      const run = (...args: string[]) => execa(process.execPath, ['scripts/selftest.ts', ...args], { reject: false });
      const some = await run('--grep', '^mesh/grpc', '--json');
      expect(some.exitCode).to.equal(0);
      expect(JSON.parse(some.stdout)).to.deep.include({ faithful: { passed: 1, failed: 0 }, mutants: [] });
      const named = await run('--grep', '^mesh/grpc', '--mutant', 'grpc-route-weights-ignored', '--json');
      expect(JSON.parse(named.stdout).mutants).to.deep.equal([{ name: 'grpc-route-weights-ignored', killedBy: ['mesh/grpcroute-weight'] }]);
      const survivor = await run('--grep', '^mesh/grpc', '--mutant', 'fault-ignored', '--json');
      expect(survivor.exitCode).to.equal(1);
      const none = await run('--grep', 'no-such-scenario');
      expect(none.exitCode).to.equal(2);
      expect(none.stderr).to.match(/^error: --grep "no-such-scenario" matches no scenario/);
    });
  });
});
