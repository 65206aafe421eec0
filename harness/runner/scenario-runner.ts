/** Runs one scenario: its namespaces, workloads and fixtures, its steps, diagnostics, teardown. */
import { randomBytes } from 'node:crypto';
import type { KubeObject, ObjectRef } from '../cluster/types.ts';
import { refOf } from '../cluster/types.ts';
import { podsOfDeployment } from '../cluster/workloads.ts';
import { changesOf } from '../cluster/watch.ts';
import { SHARED_CLIENTS, type Action, type Expectation, type Feature, type LabelTarget, type NsRole, type Scenario, type SharedClient, type Step, type WorkloadSet } from '../scenario/types.ts';
import { TrafficEngine } from '../traffic/engine.ts';
import { clockOf, waitFor, WaitTimeout } from '../wait.ts';
import { CheckFailed, CheckNotSupported, type CheckContext } from '../checks/check.ts';
import { checkKind } from '../checks/registry.ts';
import { Evidence, type RunEnv, type ScenarioScope } from './env.ts';
import { applyAll as applyObjects, loadFixture, markOwned, RUN_LABEL, substitute, type Vars } from '../manifests/manifests.ts';
import { waitDeploymentsAvailable, waitPodsEnrolled, waitWaypointBoundReported, waitWaypointsReady } from './readiness.ts';
import { collectDiagnostics, type Diagnostics } from './diagnostics.ts';
import { scenarioOutcome, type CheckResult, type ScenarioResult } from './results.ts';
import { Stopwatch } from './stopwatch.ts';
import { imageVars } from '../platform/versions.ts';
import { ENFORCE_LABEL } from '../manifests/pod-security.ts';
import { forRevision, REV_LABEL } from '../platform/mesh.ts';

/** Why the rest of a scenario does not run. */
interface Stop {
  outcome: 'failed' | 'error';
  reason: string;
}

export function unsupportedFeatures(s: Scenario, supported: ReadonlySet<Feature>): Feature[] {
  return s.features.filter((f) => !supported.has(f));
}

export function namespaceName(scenarioId: string, role: NsRole, suffix: string): string {
  const slug = scenarioId.replace(/[^a-z0-9]+/g, '-');
  return `wpt-${slug}`.slice(0, 63 - role.length - suffix.length - 2) + `-${role}-${suffix}`;
}

/** Every check of the scenario in the state `outcome`, for scenarios and steps that do not run. */
export function unrun(steps: Step[], outcome: 'not-run' | 'not-supported', detail: string, unsupported?: Feature[]): CheckResult[] {
  return steps.flatMap((st) => st.expect.map((e) => ({
    step: st.name, check: checkKind(e).title(e), plane: checkKind(e).plane, outcome, detail, requests: 0,
    ...(unsupported ? { unsupportedFeatures: unsupported } : {}),
  })));
}

/** A deadline passing while waiting for a state is the implementation's failure; anything else broke the run. */
function stopFor(what: string, err: unknown): Stop {
  const message = `${what}: ${(err as Error).message}`;
  return err instanceof WaitTimeout || err instanceof CheckFailed ? { outcome: 'failed', reason: message } : { outcome: 'error', reason: message };
}

export async function runScenario(env: RunEnv, s: Scenario): Promise<ScenarioResult> {
  const clock = clockOf(env.timing);
  const start = clock.now();
  const missing = unsupportedFeatures(s, env.supported);
  if (missing.length > 0) {
    const reason = `unsupported features: ${missing.join(', ')}`;
    return { id: s.id, outcome: 'not-supported', durationMs: 0, convergenceMs: 0, reason, unsupportedFeatures: missing, checks: unrun(s.steps, 'not-supported', reason, missing), timings: [] };
  }
  // Steps after the last check this run makes would be set up for nothing: their checks are
  // reported with the reason they do not run, and a scenario with no such check is not set up at all.
  const live = liveSteps(env, s.steps);
  const skipped = s.steps.slice(live).flatMap((st) => st.expect.map((e) => wontRun(env, st.name, e)!));
  if (live === 0) return { id: s.id, ...scenarioOutcome(skipped), durationMs: 0, convergenceMs: 0, checks: skipped, timings: [] };
  const scope = newScope(env, s);
  const checks: CheckResult[] = [];
  let stop: Stop | undefined;
  try {
    await setUp(scope, s);
  } catch (err) {
    stop = stopFor('setup', err);
  }
  for (const st of s.steps.slice(0, live)) {
    if (stop) {
      checks.push(...unrun([st], 'not-run', `not run: ${stop.reason}`));
      continue;
    }
    stop = await runStep(scope, st, checks);
  }
  checks.push(...skipped);
  let diagnostics: Diagnostics | undefined;
  if (stop) {
    env.log(`  ✗ ${s.id}: ${stop.reason}`);
    diagnostics = await scope.stopwatch.time('teardown', 'diagnostics', 'collect diagnostics', () => collectDiagnostics(scope))
      .catch((e) => ({ error: `diagnostics failed: ${(e as Error).message}` }) as Diagnostics);
  }
  const leftover = await scope.stopwatch.time('teardown', 'cleanup', 'delete namespaces', () => tearDown(scope, s)).catch((e) => `teardown failed: ${(e as Error).message}`);
  if (leftover && !stop) stop = { outcome: 'error', reason: leftover };
  const convergenceMs = Math.max(0, ...checks.map((c) => c.convergedMs ?? 0));
  const end = scenarioOutcome(checks, stop);
  return { id: s.id, ...end, durationMs: clock.now() - start, startedMs: start, convergenceMs, checks, timings: scope.stopwatch.laps, ...(diagnostics ? { diagnostics } : {}) };
}

function newScope(env: RunEnv, s: Scenario): ScenarioScope {
  const suffix = randomBytes(3).toString('hex');
  const namespaces = Object.fromEntries(s.namespaces.map((r) => [r, namespaceName(s.id, r, suffix)])) as Record<NsRole, string>;
  return {
    env, namespaces, traffic: new TrafficEngine(env.cluster, env.clientNamespace, env.outside, namespaces), evidence: new Evidence(), vars: fixtureVars(env, namespaces),
    stopwatch: new Stopwatch(clockOf(env.timing)),
  };
}

/** The step's actions, the readiness waits, then its checks in order; the first that fails stops the scenario. */
async function runStep(scope: ScenarioScope, st: Step, checks: CheckResult[]): Promise<Stop | undefined> {
  try {
    for (const a of st.actions) await scope.stopwatch.time(st.name, 'apply', actionName(a), () => perform(scope, a));
    await settle(scope, st.name);
  } catch (err) {
    const stop = stopFor(st.name, err);
    checks.push(...unrun([st], 'not-run', `not run: ${stop.reason}`));
    return stop;
  }
  let stop: Stop | undefined;
  for (const e of st.expect) {
    if (stop) {
      checks.push(...unrun([{ ...st, expect: [e] }], 'not-run', `not run: ${stop.reason}`));
      continue;
    }
    const r = await scope.stopwatch.time(st.name, 'check', checkKind(e).title(e), () => runCheck(scope, st.name, e));
    checks.push(r);
    if (r.outcome === 'failed' || r.outcome === 'error') stop = { outcome: r.outcome, reason: `${st.name}: ${r.check}: ${r.detail}` };
  }
  return stop;
}

function checkContext(scope: ScenarioScope): CheckContext {
  const { env } = scope;
  return {
    cluster: env.cluster, traffic: scope.traffic, timing: env.timing, namespaces: scope.namespaces, vars: scope.vars, runId: env.runId, revision: env.mesh.revision,
    batchSize: env.batchSize, maxTimeSec: env.maxTimeSec, splitConfig: env.splitConfig, signals: env.signals, keep: (b) => scope.evidence.keep(b),
  };
}

/** The check's result when this run does not make it (a feature not claimed, a plane not checked). */
function wontRun(env: RunEnv, step: string, e: Expectation): CheckResult | undefined {
  const kind = checkKind(e);
  const base = { step, check: kind.title(e), plane: kind.plane };
  if (e.feature && !env.supported.has(e.feature)) {
    return { ...base, outcome: 'not-supported', detail: `needs ${e.feature}, which the implementation does not claim`, requests: 0, unsupportedFeatures: [e.feature] };
  }
  if (!env.planes.has(kind.plane)) {
    return { ...base, outcome: 'not-run', detail: `${kind.plane}-plane check, and this run checks only the ${[...env.planes].join(' and ')} plane`, requests: 0 };
  }
  return undefined;
}

/** How many leading steps the run goes through: up to the last one with a check the run makes. */
export function liveSteps(env: RunEnv, steps: Step[]): number {
  let live = 0;
  steps.forEach((st, i) => {
    if (st.expect.some((e) => !wontRun(env, st.name, e))) live = i + 1;
  });
  return live;
}

/** The shared clients the checks this run makes call from (a scenario's own clients are its workloads). */
export function sharedClientsUsed(env: RunEnv, scenarios: Scenario[]): SharedClient[] {
  const used = new Set<SharedClient>();
  for (const s of scenarios.filter((x) => unsupportedFeatures(x, env.supported).length === 0)) {
    for (const st of s.steps) {
      for (const e of st.expect) {
        if (wontRun(env, st.name, e)) continue;
        const sender = e.type === 'status-truth' ? e.shows : e;
        if ('from' in sender && SHARED_CLIENTS.includes(sender.from as SharedClient)) used.add(sender.from as SharedClient);
      }
    }
  }
  return SHARED_CLIENTS.filter((c) => used.has(c));
}

async function runCheck(scope: ScenarioScope, step: string, e: Expectation): Promise<CheckResult> {
  const kind = checkKind(e);
  const base = { step, check: kind.title(e), plane: kind.plane };
  const skip = wontRun(scope.env, step, e);
  if (skip) return skip;
  try {
    const m = await kind.run(checkContext(scope), e);
    return { ...base, outcome: 'passed', detail: m.detail, requests: m.requests, ...(m.convergedMs !== undefined ? { convergedMs: m.convergedMs } : {}), ...(m.evidence ? { evidence: m.evidence } : {}) };
  } catch (err) {
    if (err instanceof CheckFailed) return { ...base, outcome: 'failed', detail: err.message, requests: err.requests, ...(err.evidence ? { evidence: err.evidence } : {}) };
    if (err instanceof CheckNotSupported) return { ...base, outcome: 'not-supported', detail: err.message, requests: 0 };
    return { ...base, outcome: 'error', detail: (err as Error).message, requests: 0 };
  }
}

/**
 * Every namespace the suite makes: in ambient, enforcing the run's Pod Security level, and, on a
 * revisioned mesh, labelled with its revision (istio.io/rev picks the control plane that manages
 * the namespace's pods and waypoints).
 */
export function namespaceLabels(env: RunEnv): Record<string, string> {
  return {
    'istio.io/dataplane-mode': 'ambient', [ENFORCE_LABEL]: env.podSecurity,
    ...(env.mesh.revision ? { [REV_LABEL]: env.mesh.revision } : {}),
  };
}

export function fixtureVars(env: RunEnv, namespaces: Record<NsRole, string>): Vars {
  return {
    APP_NS: namespaces.app,
    INFRA_NS: namespaces.infra ?? '',
    CONSUMER_NS: namespaces.consumer ?? '',
    CLIENT_NS: env.clientNamespace,
    TRUST_DOMAIN: env.mesh.trustDomain,
    DNS_DOMAIN: env.mesh.dnsDomain,
    WAYPOINT_CLASS: env.gatewayClass,
    ...imageVars(env.images),
  };
}

function fixtureObjects(scope: ScenarioScope, fixture: string): KubeObject[] {
  return loadFixture(fixture, scope.vars, scope.env.runId).map((o) => forRevision(o, scope.env.mesh.revision));
}

/**
 * The fixture files of each workload set. `echo` has versions v1, v2 and v3; `echo-v1` and
 * `echo-v1-v2` are for scenarios that name fewer versions (test/unit/catalogue-workloads.test.ts
 * holds each scenario to the versions it names): every Deployment fewer is less work for every
 * controller of the cluster, which on a small machine sets the pace of the whole catalogue.
 */
const WORKLOAD_FILES: Record<WorkloadSet, string[]> = {
  echo: ['echo-v1.yaml', 'echo-v2.yaml', 'echo-v3.yaml'],
  'echo-v1': ['echo-v1.yaml'],
  'echo-v1-v2': ['echo-v1.yaml', 'echo-v2.yaml'],
  bookinfo: ['bookinfo.yaml'],
  client: ['client.yaml'],
  'grpc-echo': ['grpc-echo.yaml'],
};

/** The fixture files (under fixtures/workloads/) a workload set deploys. */
export function workloadFiles(set: WorkloadSet): readonly string[] {
  return WORKLOAD_FILES[set];
}

/** Namespaces first; then workloads and fixtures at once (they do not depend on each other); then readiness. */
async function setUp(scope: ScenarioScope, s: Scenario): Promise<void> {
  const { runId } = scope.env;
  const lap = <T>(name: string, work: () => Promise<T>) => scope.stopwatch.time('setup', 'apply', name, work);
  const namespaces = Object.values(scope.namespaces).map((name) =>
    markOwned({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: namespaceLabels(scope.env) } }, runId));
  await lap('namespaces', () => applyAll(scope, namespaces));
  const workloads = (Object.entries(s.workloads) as [NsRole, WorkloadSet[]][]).flatMap(([role, sets]) => {
    if (!scope.namespaces[role]) throw new Error(`${s.id}: workloads for namespace role "${role}", which the scenario does not declare`);
    return sets.map((set) => () => lap(`workloads ${set} in ${scope.namespaces[role]}`, () =>
      applyAll(scope, WORKLOAD_FILES[set].flatMap((f) => fixtureObjects(scope, `workloads/${f}`)).map((o) => inNamespace(o, scope.namespaces[role])))));
  });
  const fixtures = async () => {
    for (const m of s.manifests) await lap(`apply ${m}`, () => perform(scope, { do: 'apply', fixture: m }));
  };
  await allOf([...workloads, fixtures]);
  await settle(scope, 'setup');
  // A scenario's own client is captured like the shared ones before it sends (its namespace is ambient).
  for (const [role, sets] of Object.entries(s.workloads) as [NsRole, string[]][]) {
    if (sets.includes('client')) {
      await scope.stopwatch.time('setup', 'wait', `client enrolled in ${scope.namespaces[role]}`, () => waitPodsEnrolled(scope.env.cluster, scope.namespaces[role], 'app=client', scope.env.timing));
    }
  }
}

/** Runs the tasks at once and waits for all of them (none is left running), then throws the first failure. */
async function allOf(tasks: (() => Promise<unknown>)[]): Promise<void> {
  const settled = await Promise.allSettled(tasks.map((t) => t()));
  const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

function actionName(a: Action): string {
  if (a.do === 'scale') return `scale ${a.deployment} to ${a.replicas}`;
  if (a.do === 'label') return `label ${a.target.kind} ${'name' in a.target ? a.target.name : 'deployment' in a.target ? a.target.deployment : ''} ${JSON.stringify(a.labels)}`.replace(/\s+/g, ' ');
  return `${a.do} ${a.fixture}`;
}

function inNamespace(o: KubeObject, ns: string): KubeObject {
  return { ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? ns } };
}

async function applyAll(scope: ScenarioScope, objs: KubeObject[]): Promise<void> {
  scope.evidence.applied.push(...await applyObjects(scope.env.cluster, objs));
}

async function perform(scope: ScenarioScope, a: Action): Promise<void> {
  const { cluster } = scope.env;
  switch (a.do) {
    case 'apply':
      return applyAll(scope, fixtureObjects(scope, a.fixture));
    case 'remove':
      for (const o of fixtureObjects(scope, a.fixture).reverse()) await cluster.delete(refOf(o));
      return;
    case 'scale':
      return cluster.scale({ apiVersion: 'apps/v1', kind: 'Deployment', namespace: scope.namespaces[a.ns], name: a.deployment }, a.replicas);
    case 'label': {
      const labels = Object.fromEntries(
        Object.entries(a.labels).map(([k, v]) => [k, v === null ? null : substitute(v, scope.vars, `label ${k}`)]),
      );
      for (const ref of await labelRefs(scope, a.target)) await cluster.setLabels(ref, labels);
      return;
    }
  }
}

async function labelRefs(scope: ScenarioScope, t: LabelTarget): Promise<ObjectRef[]> {
  const ns = scope.namespaces[t.ns];
  const { cluster, timing } = scope.env;
  if (t.kind === 'namespace') return [{ apiVersion: 'v1', kind: 'Namespace', name: ns }];
  if (t.kind === 'service') return [{ apiVersion: 'v1', kind: 'Service', namespace: ns, name: t.name }];
  return waitFor(`pods of ${t.deployment} in ${ns}`, async () => {
    const pods = await podsOfDeployment(cluster, ns, t.deployment);
    return pods && pods.length > 0 ? pods.map(refOf) : undefined;
  }, timing);
}

/** Before traffic: workloads available, waypoints Programmed with their pods, and (where reported) Services bound. */
async function settle(scope: ScenarioScope, step: string): Promise<void> {
  const { cluster, timing, gatewayClass, supported } = scope.env;
  const lap = (name: string, work: () => Promise<void>) => () => scope.stopwatch.time(step, 'wait', name, work);
  await allOf(Object.values(scope.namespaces).flatMap((ns) => [
    lap(`Deployments Available in ${ns}`, () => waitDeploymentsAvailable(cluster, ns, timing)),
    lap(`waypoints ready in ${ns}`, () => waitWaypointsReady(cluster, ns, gatewayClass, timing)),
    ...(supported.has('WaypointBoundStatus') ? [lap(`WaypointBound reported in ${ns}`, () => waitWaypointBoundReported(cluster, ns, timing))] : []),
  ]));
}

/**
 * Deletes the scenario's namespaces (only those this run created). The wait until they are gone is
 * handed to the end of the run, so cleanup does not hold up the next scenario.
 */
async function tearDown(scope: ScenarioScope, s: Scenario): Promise<string | undefined> {
  const { cluster } = scope.env;
  const names = Object.values(scope.namespaces);
  for (const name of names) await cluster.delete({ apiVersion: 'v1', kind: 'Namespace', name });
  await Promise.all(names.map((name) => stopPods(scope, name)));
  if (scope.env.deferCleanup) {
    scope.env.cleanup.push({ id: s.id, namespaces: names });
    return undefined;
  }
  const left = await namespacesLeft(scope.env, names);
  return left.length ? leftoverMessage(left) : undefined;
}

/**
 * The pods left in a deleted namespace get one second to stop. Pods the suite does not write (the
 * waypoints istiod deploys) default to a 30 s grace period, and the namespace controller, finding
 * such a pod, looks again only after half of it (kubernetes pkg/controller/namespace: estimate/2+1):
 * each namespace took about 21 s to go. The namespace is deleted first, so nothing recreates them.
 */
async function stopPods(scope: ScenarioScope, namespace: string): Promise<void> {
  const { cluster } = scope.env;
  const pods = await cluster.list('v1', 'Pod', { namespace });
  await Promise.all(pods.map((p) => cluster.delete(refOf(p), { gracePeriodSeconds: 1 })));
}

/**
 * Waits until the namespaces are gone; returns those still present at the deadline. One list of the
 * run's namespaces per change, however many are awaited.
 */
export async function namespacesLeft(env: RunEnv, names: string[]): Promise<string[]> {
  const { cluster, timing, runId } = env;
  let left = names;
  try {
    await waitFor(`namespaces ${names.join(', ')} deleted`, async () => {
      const present = new Set((await cluster.list('v1', 'Namespace', { labelSelector: `${RUN_LABEL}=${runId}` })).map((n) => n.metadata.name));
      left = names.filter((n) => present.has(n));
      return left.length === 0 ? true : undefined;
    }, timing, () => `still present: ${left.join(', ')}`, timing.readyTimeoutMs, changesOf(cluster, 'v1', 'Namespace'));
  } catch (err) {
    if (!(err instanceof WaitTimeout)) throw err;
  }
  return left;
}

export const leftoverMessage = (left: string[]) => `leftovers after teardown: namespaces ${left.join(', ')} still present`;
