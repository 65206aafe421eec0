/**
 * Issue 15 "first contact": each defect a new user met, as a test that failed before its fix.
 * Real processes where the behaviour is the process's (exit codes, no stack trace, deadlines), on
 * loopback only: a port nobody listens on, a server that accepts connections and never answers.
 */
import { expect } from 'chai';
import { EventEmitter } from 'node:events';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { e2eCommand, parseE2eArgs } from '../../harness/cli/args.ts';
import { EXIT, InfraError, reportError, UserError } from '../../harness/errors.ts';
import { nodeVersionProblem } from '../../harness/cli/node-version.ts';
import { prepareReportDir } from '../../harness/cli/report-dir.ts';
import { decide, selectScenarios } from '../../harness/cli/select.ts';
import { bringUpKind } from '../../harness/platform/cluster/bringup.ts';
import { cachePathFor, DownloadError, fetchVerified } from '../../harness/platform/tools/download.ts';
import { installIstio, type InstallContext } from '../../harness/platform/install/install.ts';
import { loadUserKubeconfig, writePrivateKubeconfig } from '../../harness/platform/cluster/kubeconfig.ts';
import { Teardown } from '../../harness/undo.ts';
import { parseIstioctlVersion, parseKindVersion, resolveIstioctl } from '../../harness/platform/tools/tools.ts';
import { loadImplementation } from '../../harness/claim/implementation.ts';
import { BundleReadError, verifyBundle } from '../../harness/report/verify.ts';
import { checkGatewayClass, expectedController } from '../../harness/platform/install/gateway-class.ts';
import type { Cluster } from '../../harness/cluster/types.ts';
import { CLUSTER_TIMING } from '../../harness/wait.ts';
import { CATALOGUE } from '../../suites/index.ts';
import { tempDirs } from './tmp.ts';

const tmp = tempDirs('wpt-fc-');

function kubeconfig(server: string): string {
  const file = path.join(tmp(), 'kubeconfig');
  writeFileSync(file, [
    'apiVersion: v1', 'kind: Config', 'current-context: x',
    'clusters: [{name: c, cluster: {server: "' + server + '", insecure-skip-tls-verify: true}}]',
    'users: [{name: u, user: {token: t}}]', 'contexts: [{name: x, context: {cluster: c, user: u}}]',
  ].join('\n'));
  return file;
}

function e2e(args: string[], env: NodeJS.ProcessEnv = {}) {
  return execa('node', ['--import', 'tsx', 'scripts/e2e.ts', ...args], { reject: false, env, timeout: 90_000 });
}

const STACK = /^\s+at .+\(.+:\d+:\d+\)$/m;

function userError(fn: () => unknown, re: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e, (e as Error).stack).to.be.instanceOf(UserError);
    expect((e as Error).message).to.match(re);
    return;
  }
  expect.fail(`accepted: expected ${re}`);
}

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
      e2e(['--cluster', 'existing', '--kubeconfig', kubeconfig(`https://127.0.0.1:${hangingPort}`), '--report-dir', tmp(), '--connect-timeout', '2']),
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
    const npm = execa('npm', ['run', '--silent', 'e2e', '--', '--cluster', 'existing', '--kubeconfig', kubeconfig(`https://127.0.0.1:${hangingPort}`), '--report-dir', dir, '--connect-timeout', '60'], { reject: false });
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

  it('Node.js older than 22 is refused with the fix, before any other module loads', () => {
    expect(nodeVersionProblem('20.20.2')).to.match(/Node\.js 20\.20\.2 is too old/).and.match(/nvm install/);
    expect(nodeVersionProblem('22.0.0')).to.equal(undefined);
    expect(readFileSync('.nvmrc', 'utf8').trim()).to.equal('24');
    expect(readFileSync('scripts/e2e.ts', 'utf8')).to.match(/^(?:\/\*[\s\S]*?\*\/\n)?import '\.\.\/harness\/cli\/require-node\.ts';/);
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

describe('first contact: bad input', () => {
  it('names every bad value with exit 2 (UserError), before any cluster is touched', () => {
    userError(() => parseE2eArgs(['--features', 'Bogus']), /unknown feature\(s\): Bogus/);
    userError(() => parseE2eArgs(['--report-dir', '--plan']), /--report-dir needs a value, got the flag --plan/);
    userError(() => parseE2eArgs(['--parallel', '99999999999999999999']), /--parallel takes an integer from 1 to 64/);
    userError(() => parseE2eArgs(['--istio-version', '1.31.999']), /not a release this suite knows: the newest 1\.31 release pinned is 1\.31\.1/);
    userError(() => parseE2eArgs(['--implementation', 'f.yaml', '--features', 'Waypoint']), /names the features already/);
    userError(() => parseE2eArgs(['--implementation', 'f.yaml', '--gateway-class', 'x']), /names the GatewayClass already/);
    userError(() => selectScenarios(CATALOGUE, 'no-such-thing'), /matches no scenario/);
    expect(parseE2eArgs(['--implementation', 'f.yaml'])).to.deep.include({ implementation: 'f.yaml', certify: false });
  });
  it('an unwritable --report-dir', () => {
    const file = path.join(tmp(), 'a-file');
    writeFileSync(file, '');
    userError(() => prepareReportDir(path.join(file, 'report')), /cannot write there \(ENOTDIR\)/);
  });
  it('a --report-dir that holds an earlier run\'s files: refused, nothing deleted', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'report.yaml'), 'old: true\n');
    userError(() => prepareReportDir(dir), /is not empty/);
    expect(readFileSync(path.join(dir, 'report.yaml'), 'utf8')).to.equal('old: true\n');
    expect(() => prepareReportDir(path.join(dir, 'new'))).not.to.throw();
  });
  it('an implementation file whose fields have the wrong types', () => {
    const file = path.join(tmp(), 'impl.yaml');
    const good = 'organization: o\nproject: p\nversion: "1"\nurl: u\ngatewayClassName: g\nfeatures: [Waypoint]\n';
    writeFileSync(file, `${good}contact: me\nprofiles: core\n`);
    userError(() => loadImplementation(file), /\/contact must be array.*\/profiles must be array/);
    writeFileSync(file, `${good}contact: [me]\nprofiles: [core]\ncontrollerName: example.com/waypoint\n`);
    expect(loadImplementation(file)).to.deep.include({ controllerName: 'example.com/waypoint', profiles: ['core'] });
  });
  it('--implementation without --certify selects the GatewayClass and the features, and keeps --grep (it was silently ignored)', () => {
    const file = path.join(tmp(), 'impl.yaml');
    writeFileSync(file, 'organization: o\nproject: p\nversion: "1"\nurl: u\ngatewayClassName: vendor-waypoint\ncontact: []\nprofiles: [core]\nfeatures: [Waypoint]\n');
    const sel = decide(parseE2eArgs(['--implementation', file, '--grep', '^routing/']), CATALOGUE);
    expect(sel.gatewayClass).to.equal('vendor-waypoint');
    expect([...sel.supported]).to.deep.equal(['Waypoint']);
    expect(sel.scenarios.map((s) => s.area)).to.satisfy((a: string[]) => a.length > 0 && a.every((x) => x === 'routing'));
  });
  it('without --implementation or --features, Istio\'s classes run with their bundled file\'s features and signals; other classes with every feature', () => {
    const envoy = decide(parseE2eArgs([]), CATALOGUE);
    expect(envoy.featuresFrom).to.match(/^implementations\/istio-envoy-waypoint\.yaml /);
    expect([...envoy.supported]).to.deep.equal([...loadImplementation('implementations/istio-envoy-waypoint.yaml').features]);
    expect(envoy.supported.has('MeshConsumerRoute')).to.equal(false);
    expect(envoy.claim).to.equal(undefined);
    const agw = decide(parseE2eArgs(['--gateway-class', 'istio-agentgateway-waypoint']), CATALOGUE);
    expect(agw.signals?.name).to.equal('istio-agentgateway');
    expect(agw.supported.has('L7AuthorizationPolicy')).to.equal(false);
    const vendor = decide(parseE2eArgs(['--gateway-class', 'vendor-waypoint']), CATALOGUE);
    expect(vendor.supported.has('MeshConsumerRoute')).to.equal(true);
    expect(vendor.signals).to.equal(undefined);
    expect([...decide(parseE2eArgs(['--features', 'Waypoint', 'Mesh']), CATALOGUE).supported]).to.deep.equal(['Waypoint', 'Mesh']);
  });
  it('a missing, empty or context-less kubeconfig', () => {
    const t = new Teardown();
    const dir = tmp();
    const empty = path.join(dir, 'empty');
    writeFileSync(empty, '\n');
    userError(() => loadUserKubeconfig(path.join(dir, 'nope'), undefined, t), /does not exist/);
    userError(() => loadUserKubeconfig(empty, undefined, t), /is empty/);
    userError(() => loadUserKubeconfig(undefined, undefined, t, {}, dir), /\.kube\/config \(the default, as neither --kubeconfig nor \$KUBECONFIG is set\) does not exist/);
    writeFileSync(empty, 'apiVersion: v1\nkind: Config\n');
    userError(() => loadUserKubeconfig(empty, undefined, t), /has no contexts/);
    userError(() => loadUserKubeconfig(kubeconfig('https://127.0.0.1:1'), 'other', t), /no context named "other"/);
  });
});

describe('first contact: tools already present are used, the cache before the network', function () {
  this.timeout(30_000);
  it('reads istioctl and kind versions from their real output', () => {
    expect(parseIstioctlVersion('{"clientVersion":{"version":"1.31.1","revision":"eed52ebb66ad","golang_version":"go1.25.1","status":"Clean","tag":"1.31.1"}}')).to.equal('1.31.1');
    expect(parseIstioctlVersion('client version: 1.31.1')).to.equal(undefined);
    expect(parseKindVersion('kind v0.30.0 go1.24.6 linux/amd64')).to.equal('v0.30.0');
  });
  it('an istioctl of the right version on PATH is used without any download', async () => {
    const bin = tmp();
    writeFileSync(path.join(bin, 'istioctl'), [
      '#!/bin/sh',
      'if [ "$*" = "version --remote=false -o json" ]; then echo \'{"clientVersion":{"version":"1.31.1"}}\'; exit 0; fi',
      'if [ "$*" = "version --remote=false --short" ]; then echo "client version: 1.31.1"; exit 0; fi',
      'exit 1',
    ].join('\n'));
    chmodSync(path.join(bin, 'istioctl'), 0o755);
    const saved = { PATH: process.env.PATH, WPT_CACHE_DIR: process.env.WPT_CACHE_DIR };
    const cache = tmp();
    process.env.PATH = `${bin}${path.delimiter}${process.env.PATH}`;
    process.env.WPT_CACHE_DIR = cache;
    try {
      expect(await resolveIstioctl('1.31.1')).to.deep.include({ path: 'istioctl', origin: 'PATH' });
      expect(existsSync(path.join(cache, 'downloads'))).to.equal(false);
    } finally {
      // Object.assign would set an unset variable to the string "undefined" for every later test.
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
  it('a checksum and a file already in the cache need no network; a missing one names the URL and the cache path', async () => {
    const cache = tmp();
    const url = 'http://127.0.0.1:1/kind-linux-amd64';
    const body = Buffer.from('kind');
    mkdirSync(path.dirname(cachePathFor(url, cache)), { recursive: true });
    writeFileSync(cachePathFor(url, cache), body);
    const { sha256Hex } = await import('../../harness/digest.ts');
    writeFileSync(cachePathFor(`${url}.sha256sum`, cache), `${sha256Hex(body)}  kind-linux-amd64\n`);
    expect(await fetchVerified({ url, checksumUrl: `${url}.sha256sum` }, 2000, cache)).to.equal(cachePathFor(url, cache));
    const err = await fetchVerified({ url: 'http://127.0.0.1:1/other', checksumUrl: 'http://127.0.0.1:1/other.sha256' }, 2000, cache).catch((e) => e);
    expect(err).to.be.instanceOf(DownloadError).and.instanceOf(InfraError);
    expect(err.message).to.include('cannot download http://127.0.0.1:1/other.sha256');
    expect(err.fix).to.include(cachePathFor('http://127.0.0.1:1/other.sha256', cache));
  });
});

describe('first contact: nothing leaks', function () {
  // The nested mocha below runs three test files: about 40 s alone, over 100 s on a busy 2-core machine.
  this.timeout(240_000);
  it('SIGINT while kind creates the cluster stops kind and deletes the cluster (teardown registered before the step)', async () => {
    const dir = tmp();
    const calls = path.join(dir, 'calls');
    const kind = path.join(dir, 'kind');
    writeFileSync(kind, [
      '#!/bin/sh',
      `echo "$*" >> ${calls}`,
      'case "$1" in',
      '  version) echo "kind v0.30.0 go1.24.6 linux/amd64" ;;',
      '  get) ;;',
      '  create) exec sleep 60 ;;',
      'esac',
    ].join('\n'));
    chmodSync(kind, 0o755);
    const t = new Teardown();
    const signals = new EventEmitter();
    const tornDown = new Promise<void>((resolve) => t.onSignals(() => {}, resolve, signals));
    const up = bringUpKind({ reuseCluster: false, keepCluster: false, kind }, {
      teardown: t, step: (_n, f) => f(), log: () => {},
    }).catch((e) => e);
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
    const c = { cluster, kubeconfig: 'kc', context: 'x', istioVersion: '1.31.1', kindNetwork: false, teardown: t, timing: CLUSTER_TIMING, runId: 'r', log: () => {} } as InstallContext;
    const err = await installIstio(c, async () => ({ path: istioctl, version: '1.31.1', origin: 'forced' })).catch((e) => e);
    expect(err).to.be.instanceOf(Error);
    expect(await t.runAll()).to.deep.equal([]);
    expect(readFileSync(path.join(dir, 'calls'), 'utf8').split('\n').filter(Boolean)).to.deep.equal(['install', 'uninstall']);
  });
  it('the unit tests that make temp dirs leave none behind (wpt-dl-*, wpt-istioctl-*, wpt-report-*)', async function () {
    // It runs three test files in a child mocha: minutes on a loaded 2-core machine. What it checks is what they leave.
    this.timeout(240_000);
    const dir = tmp();
    const r = await execa('npx', ['mocha', '--no-config', '--node-option', 'import=tsx', '--timeout', '200000', '--grep', 'npm run selftest', '--invert',
      'test/unit/platform.test.ts', 'test/unit/istioctl-dumps.test.ts', 'test/unit/report.test.ts'], { reject: false, env: { TMPDIR: dir } });
    expect(r.exitCode, r.stdout).to.equal(0);
    expect(r.stdout).to.match(/\d+ passing/);
    expect(readdirSync(dir).filter((f) => f.startsWith('wpt-'))).to.deep.equal([]); // node's and tsx's own caches aside
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

describe('first contact: setup failures are reported', function () {
  this.timeout(120_000);
  it('an unreachable cluster: exit 3 with report.yaml, junit.xml naming the step and summary.md saying what broke; report:verify accepts it', async () => {
    const dir = path.join(tmp(), 'report');
    const r = await e2e(['--cluster', 'existing', '--kubeconfig', kubeconfig('https://127.0.0.1:1'), '--report-dir', dir, '--grep', '^routing/']);
    expect(r.exitCode, r.stderr).to.equal(EXIT.infrastructure);
    const report = parseYaml(readFileSync(path.join(dir, 'report.yaml'), 'utf8'));
    expect(report.setup).to.deep.include({ outcome: 'error', step: 'cluster answers (context x, https://127.0.0.1:1)' });
    expect(report.scenarios.every((s: { outcome: string }) => s.outcome === 'not-run')).to.equal(true);
    const junit = readFileSync(path.join(dir, 'junit.xml'), 'utf8');
    expect(junit.match(/<error /g)).to.have.length(1);
    expect(junit).to.include('name="cluster answers (context x, https://127.0.0.1:1)"');
    expect(readFileSync(path.join(dir, 'summary.md'), 'utf8').split('\n')[0]).to.match(/^\*\*Setup failed\*\* at "cluster answers.*ECONNREFUSED.* — fix: check that/);
    expect(verifyBundle(dir, CATALOGUE).problems).to.deep.equal([]);
  });
  it('a cluster that answers /version and then fails every request: exit 3, the state of the install namespaces in diagnostics/setup.yaml, run.log sealed with the teardown', async () => {
    const broken = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/version') return res.end(JSON.stringify({ major: '1', minor: '34', gitVersion: 'v1.34.0' }));
      res.statusCode = 500;
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'etcdserver: request timed out', code: 500 }));
    });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    try {
      const dir = path.join(tmp(), 'report');
      const server = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
      const r = await e2e(['--cluster', 'existing', '--kubeconfig', kubeconfig(server), '--report-dir', dir, '--skip-install', '--grep', '^routing/']);
      expect(r.exitCode, r.stderr).to.equal(EXIT.infrastructure);
      expect(r.stderr).not.to.match(STACK);
      const report = parseYaml(readFileSync(path.join(dir, 'report.yaml'), 'utf8'));
      expect(report.environment.kubernetesVersion).to.equal('v1.34.0');
      expect(report.setup.step).to.match(/present and ready/);
      // Read as YAML: a long message is folded over lines in the file.
      const state = parseYaml(readFileSync(path.join(dir, 'diagnostics', 'setup.yaml'), 'utf8')) as Record<string, unknown>;
      expect(String(state['istio-system'])).to.include('etcdserver: request timed out');
      expect(readFileSync(path.join(dir, 'run.log'), 'utf8')).to.include('teardown: ');
      expect(verifyBundle(dir, CATALOGUE).problems).to.deep.equal([]);
    } finally {
      broken.close();
    }
  });
  it('report:verify: a malformed evidence.json or report.yaml is a usage error (exit 2) naming the file, without a stack trace', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'evidence.json'), '{ not json');
    const bad = await execa('node', ['--import', 'tsx', 'scripts/report-verify.ts', dir], { reject: false });
    expect(bad.exitCode).to.equal(EXIT.usage);
    expect(bad.stderr).to.include('evidence.json is not JSON').and.not.match(STACK);
    writeFileSync(path.join(dir, 'evidence.json'), JSON.stringify({ apiVersion: 'waypoint-conformance.dev/v1alpha1', kind: 'EvidenceManifest', files: {} }));
    writeFileSync(path.join(dir, 'report.yaml'), 'a: [unclosed');
    expect(() => verifyBundle(dir, CATALOGUE)).to.throw(BundleReadError, /report\.yaml is not YAML/);
  });
});

describe('the GatewayClass gate', () => {
  const timing = { ...CLUSTER_TIMING, intervalMs: 5, maxIntervalMs: 10 };
  const gc = (name: string, controllerName: string, accepted?: string) => ({
    apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name }, spec: { controllerName },
    status: accepted ? { conditions: [{ type: 'Accepted', status: accepted, reason: accepted === 'True' ? 'Accepted' : 'InvalidParameters', message: 'm' }] } : undefined,
  });
  const clusterWith = (...classes: ReturnType<typeof gc>[]) => ({
    get: async (ref: { name: string }) => classes.find((c) => c.metadata.name === ref.name),
    list: async () => classes,
  }) as unknown as Cluster;
  it('knows the controllers istiod registers for its waypoint classes', () => {
    expect(expectedController('istio-waypoint')).to.equal('istio.io/mesh-controller');
    expect(expectedController('istio-agentgateway-waypoint')).to.equal('istio.io/agentgateway-waypoint-controller');
    expect(expectedController('vendor-waypoint')).to.equal(undefined);
    expect(expectedController('vendor-waypoint', 'example.com/waypoint')).to.equal('example.com/waypoint');
  });
  it('passes an Accepted class of the expected controller, and returns what the report records', async () => {
    const c = clusterWith(gc('istio-waypoint', 'istio.io/mesh-controller', 'True'));
    expect(await checkGatewayClass(c, 'istio-waypoint', 'istio.io/mesh-controller', timing)).to.deep.equal({ name: 'istio-waypoint', controllerName: 'istio.io/mesh-controller' });
  });
  it('one configuration error for a missing class (listing those present), a wrong controller, or a class never Accepted', async () => {
    const c = clusterWith(gc('istio-waypoint', 'istio.io/mesh-controller', 'True'), gc('other', 'example.com/x', 'False'));
    const missing = await checkGatewayClass(c, 'nope', undefined, timing, 50).catch((e) => e);
    expect(missing).to.be.instanceOf(UserError);
    expect(missing.message).to.match(/GatewayClass nope does not exist/);
    expect(missing.fix).to.include('istio-waypoint (istio.io/mesh-controller)');
    const wrong = await checkGatewayClass(c, 'istio-waypoint', 'istio.io/agentgateway-waypoint-controller', timing, 60_000).catch((e) => e);
    expect(wrong).to.be.instanceOf(UserError);
    expect(wrong.message).to.match(/handled by controller istio.io\/mesh-controller, not istio.io\/agentgateway-waypoint-controller/);
    const notAccepted = await checkGatewayClass(c, 'other', undefined, timing, 50).catch((e) => e);
    expect(notAccepted).to.be.instanceOf(UserError);
    expect(notAccepted.message).to.match(/is not Accepted \(False\/InvalidParameters: m\)/);
  });
});
