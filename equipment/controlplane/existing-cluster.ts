/**
 * Issue #26 point 5, proven on the real control plane (.ci/run): a cluster as they are in the wild.
 * Run against `npm run controlplane -- up --trust-domain D --revision R --istio-namespace NS`, with
 * KUBECONFIG the admin kubeconfig up printed:
 *
 *   node equipment/controlplane/existing-cluster.ts --trust-domain D --revision R --istio-namespace NS [--report-dir DIR]
 *
 * 1. least privilege: what `npm run e2e -- --print-rbac` prints is applied and a kubeconfig for its
 *    ServiceAccount alone is made; the API server allows what a run does and refuses what
 *    cluster-admin could (Secrets, RBAC, CRDs, webhooks). Every run below uses that kubeconfig.
 * 2. the control-plane catalogue passes on the revisioned mesh with the non-default trust domain in
 *    another namespace, and the report records the mesh as it is (read, not assumed).
 * 3. two catalogue runs at once (both waypoint classes) both pass, and the cluster is as before.
 * 4. a run killed with SIGKILL mid-scenario leaves its namespaces; `--cleanup` lists and removes
 *    them, and the cluster is as before.
 * Each step says what it proved and how long it took; the first that fails stops the script with
 * what it saw (exit 1).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { parse } from 'yaml';
import { EXIT, ExpectedError, UserError } from '../../harness/errors.ts';
import { runMain } from '../../harness/cli/main.ts';
import { KubeCluster } from '../../harness/cluster/kube.ts';
import { loadKubeConfig } from '../../harness/cluster/kubeconfig.ts';
import type { KubeObject } from '../../harness/cluster/types.ts';
import { MANAGED_BY } from '../../harness/manifests/manifests.ts';
import { DEFAULT_ISTIO_NAMESPACE, DEFAULT_TRUST_DOMAIN, type MeshFacts } from '../../harness/mesh/mesh.ts';
import { CLUSTER_TIMING, waitFor, WaitTimeout } from '../../harness/wait.ts';
import { parseNamespace, parseRevision, parseTrustDomain } from './mesh-options.ts';
import { applyRbac, describeAccess, mayDo, MUST_ALLOW, MUST_DENY, writeRunnerKubeconfig } from './runner-access.ts';
import { snapshotCluster, snapshotDifferences, type Snapshot } from './snapshot.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OWNED = `${MANAGED_BY.key}=${MANAGED_BY.value}`;
const IMPLEMENTATIONS = {
  envoy: 'implementations/istio-envoy-waypoint.yaml',
  agentgateway: 'implementations/istio-agentgateway-waypoint.yaml',
} as const;
/** How long the cluster may take to be as before once the runs ended (namespace deletion, garbage collection). */
const SETTLE_MS = 180_000;

/** A proof that did not hold: exit 1, with what was seen. */
class ProofFailed extends ExpectedError {
  readonly exitCode = EXIT.scenarioFailed;
}

function fail(message: string): never {
  throw new ProofFailed(message);
}

interface Run {
  pid: number;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>;
}

/** npm run e2e -- ARGS as its own process group (so a SIGKILL reaches all of it), each output line prefixed (unless quiet). */
function e2e(label: string, args: string[], kubeconfig?: string, quiet = false): Run {
  const child = spawn(process.execPath, ['scripts/e2e.ts', ...args], {
    cwd: REPO,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...(kubeconfig ? { KUBECONFIG: kubeconfig } : {}) },
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  for (const stream of quiet ? [child.stderr] : [child.stdout, child.stderr])
    createInterface({ input: stream }).on('line', (l) => console.log(`  [${label}] ${l}`));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout }));
  });
  return { pid: child.pid!, done };
}

function catalogueArgs(impl: keyof typeof IMPLEMENTATIONS, kubeconfig: string, reportDir: string): string[] {
  return [
    '--cluster',
    'existing',
    '--kubeconfig',
    kubeconfig,
    '--skip-install',
    '--checks',
    'control-plane',
    '--implementation',
    IMPLEMENTATIONS[impl],
    '--report-dir',
    reportDir,
  ];
}

async function passes(label: string, run: Run, reportDir: string): Promise<void> {
  const { code, signal } = await run.done;
  if (code !== 0) fail(`${label}: npm run e2e exited ${code ?? signal}, not 0 (report and run.log in ${reportDir})`);
}

interface ReportSeen {
  environment: { mesh?: MeshFacts };
  scenarios: { id: string; outcome: string; checks: { plane: string; outcome: string; check: string }[] }[];
}

/** The report records the mesh as it is, and its control-plane checks all passed (and there were some). */
function checkReport(label: string, dir: string, want: MeshFacts): string {
  const file = path.join(dir, 'report.yaml');
  if (!existsSync(file)) fail(`${label}: no ${file}`);
  const report = parse(readFileSync(file, 'utf8')) as ReportSeen;
  const mesh = report.environment.mesh;
  for (const key of ['trustDomain', 'revision', 'istioNamespace'] as const) {
    if (mesh?.[key] !== want[key])
      fail(
        `${label}: the report's environment.mesh.${key} is ${JSON.stringify(mesh?.[key])}; the mesh has ${JSON.stringify(want[key])} (the run did not read it)`,
      );
  }
  const control = report.scenarios.flatMap((s) => s.checks.filter((c) => c.plane === 'control').map((c) => ({ ...c, id: s.id })));
  const bad = control.filter((c) => c.outcome !== 'passed' && c.outcome !== 'not-supported');
  if (bad.length) fail(`${label}: control-plane checks not passed: ${bad.map((c) => `${c.id}: ${c.check} (${c.outcome})`).join('; ')}`);
  const passed = control.filter((c) => c.outcome === 'passed').length;
  if (passed === 0) fail(`${label}: the report has no control-plane check that passed: nothing was proven`);
  const authz = report.scenarios.filter((s) => s.id.startsWith('authorization/') || s.id.startsWith('enrollment/'));
  if (authz.length === 0) fail(`${label}: the run had no authorization or enrollment scenario`);
  return `${report.scenarios.length} scenarios (${authz.length} authorization/enrollment), ${passed} control-plane checks passed; mesh ${mesh!.istioNamespace}, revision ${mesh!.revision}, trust domain ${mesh!.trustDomain}`;
}

async function verifyBundle(dir: string): Promise<void> {
  const child = spawn(process.execPath, ['scripts/report-verify.ts', dir], { cwd: REPO, stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) fail(`npm run report:verify ${dir} exited ${code}`);
}

/** Waits (bounded) until the cluster is as the snapshot; the differences left fail the step. */
async function asBefore(what: string, cluster: KubeCluster, kc: ReturnType<typeof loadKubeConfig>, before: Snapshot): Promise<void> {
  let diff: string[] = [];
  try {
    await waitFor(
      `the cluster as before ${what}`,
      async () => {
        diff = snapshotDifferences(before, await snapshotCluster(cluster, kc));
        return diff.length === 0 ? true : undefined;
      },
      { ...CLUSTER_TIMING, maxIntervalMs: 5_000 },
      () => diff.join('; '),
      SETTLE_MS,
    );
  } catch (err) {
    if (!(err instanceof WaitTimeout)) throw err;
    fail(`after ${what}, the cluster is not as before (${diff.length} differences):\n    ${diff.join('\n    ')}`);
  }
}

async function step(name: string, fn: () => Promise<string | void>): Promise<void> {
  const start = Date.now();
  console.log(`── ${name}`);
  const said = await fn();
  console.log(`PASS ${name} (${((Date.now() - start) / 1000).toFixed(0)} s)${said ? `: ${said}` : ''}`);
}

async function leastPrivilege(cluster: KubeCluster, admin: ReturnType<typeof loadKubeConfig>, runnerFile: string): Promise<KubeObject[]> {
  const printed = await e2e('print-rbac', ['--print-rbac'], undefined, true).done;
  if (printed.code !== 0) fail(`npm run e2e -- --print-rbac exited ${printed.code}`);
  const objs = await applyRbac(cluster, printed.stdout);
  await writeRunnerKubeconfig(admin, runnerFile);
  const runner = loadKubeConfig(runnerFile, undefined);
  for (const a of MUST_ALLOW) if (!(await mayDo(runner, a))) fail(`the runner may not ${describeAccess(a)}, which a run does`);
  for (const a of MUST_DENY)
    if (await mayDo(runner, a)) fail(`the runner may ${describeAccess(a)}: it has more than the printed role should give`);
  return objs;
}

/** Starts a run, kills it with SIGKILL once a scenario has made its waypoint, and returns the namespaces it left. */
async function killMidRun(cluster: KubeCluster, runnerFile: string, dir: string): Promise<string[]> {
  const run = e2e('killed', catalogueArgs('envoy', runnerFile, dir), runnerFile);
  let ended = false;
  void run.done.then(() => (ended = true));
  await waitFor(
    'a scenario of the run has made its waypoint',
    async () => {
      if (ended) fail('the run ended before a scenario made a waypoint: nothing to kill mid-run');
      return (await cluster.list('gateway.networking.k8s.io/v1', 'Gateway', { labelSelector: OWNED })).length > 0 ? true : undefined;
    },
    CLUSTER_TIMING,
  );
  process.kill(-run.pid, 'SIGKILL');
  const { signal } = await run.done;
  if (signal !== 'SIGKILL') fail(`the run ended with ${signal ?? 'an exit'} before the SIGKILL reached it`);
  const left = (await cluster.list('v1', 'Namespace', { labelSelector: OWNED })).map((n) => n.metadata.name);
  if (left.length === 0) fail('the killed run left no namespace: there is nothing for --cleanup to prove');
  return left;
}

async function main(argv: string[]): Promise<number> {
  const o = new Command('existing-cluster')
    .exitOverride()
    .configureOutput({ writeErr: () => {} })
    .requiredOption('--trust-domain <domain>', 'the trust domain the control plane was brought up with', parseTrustDomain)
    .option('--revision <rev>', 'its revision', parseRevision)
    .option('--istio-namespace <ns>', 'its namespace', parseNamespace)
    .option('--report-dir <dir>', "where the runs' reports go", 'reports/ci-existing-cluster')
    .option('--debug', 'print stack traces with errors')
    .parse(argv, { from: 'user' })
    .opts<{ trustDomain: string; revision?: string; istioNamespace?: string; reportDir: string }>();
  const want = {
    trustDomain: o.trustDomain ?? DEFAULT_TRUST_DOMAIN,
    revision: o.revision,
    istioNamespace: o.istioNamespace ?? DEFAULT_ISTIO_NAMESPACE,
  } as MeshFacts;
  if (!process.env.KUBECONFIG)
    throw new UserError(
      'KUBECONFIG is not set',
      'run this with the admin kubeconfig npm run controlplane -- up printed (equipment/controlplane/ci.sh sets it)',
    );
  const dir = path.resolve(REPO, o.reportDir);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const runnerFile = path.join(dir, 'runner.kubeconfig');
  const admin = loadKubeConfig(process.env.KUBECONFIG, undefined);
  const cluster = new KubeCluster(admin);
  let rbac: KubeObject[] = [];
  try {
    await step(
      'least privilege: the ClusterRole --print-rbac prints, bound to a ServiceAccount whose kubeconfig every run below uses',
      async () => {
        rbac = await leastPrivilege(cluster, admin, runnerFile);
        return `allowed: ${MUST_ALLOW.map(describeAccess).join(', ')}; refused: ${MUST_DENY.map(describeAccess).join(', ')}`;
      },
    );
    const before = await snapshotCluster(cluster, admin);
    console.log(`cluster snapshot: ${before.size} objects`);
    await step('the control-plane catalogue on the revisioned mesh with its own trust domain, as the least-privileged runner', async () => {
      const one = path.join(dir, 'one');
      await passes('the run', e2e('run', catalogueArgs('envoy', runnerFile, one), runnerFile), one);
      await verifyBundle(one);
      return checkReport('the run', one, want);
    });
    await step(
      'two catalogue runs at once (istio-waypoint, istio-agentgateway-waypoint), both passing, nothing of either left',
      async () => {
        const dirs = { envoy: path.join(dir, 'two-envoy'), agentgateway: path.join(dir, 'two-agentgateway') };
        const runs = (['envoy', 'agentgateway'] as const).map((impl) => ({
          impl,
          run: e2e(impl, catalogueArgs(impl, runnerFile, dirs[impl]), runnerFile),
        }));
        await Promise.all(runs.map(({ impl, run }) => passes(impl, run, dirs[impl])));
        const said = runs.map(({ impl }) => `${impl}: ${checkReport(impl, dirs[impl], want)}`);
        await asBefore('the two runs', cluster, admin, before);
        return said.join('; ');
      },
    );
    await step('a run killed with SIGKILL mid-scenario, then --cleanup: the cluster as before', async () => {
      const left = await killMidRun(cluster, runnerFile, path.join(dir, 'killed'));
      const cleanup = await e2e('cleanup', ['--cleanup', '--cluster', 'existing', '--kubeconfig', runnerFile], runnerFile).done;
      if (cleanup.code !== 0) fail(`npm run e2e -- --cleanup exited ${cleanup.code ?? cleanup.signal}`);
      const unlisted = left.filter((n) => !cleanup.stdout.includes(n));
      if (unlisted.length) fail(`--cleanup did not list ${unlisted.join(', ')}, which the killed run left`);
      await asBefore('--cleanup', cluster, admin, before);
      return `the killed run left ${left.length} namespaces (${left.join(', ')}); --cleanup listed and removed them`;
    });
  } finally {
    for (const obj of rbac.reverse())
      await cluster.delete({ apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name, namespace: obj.metadata.namespace });
    cluster.close();
  }
  return EXIT.ok;
}

await runMain('node equipment/controlplane/existing-cluster.ts --help', () => main(process.argv.slice(2)));
