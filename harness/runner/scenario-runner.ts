/** Runs one scenario: its namespaces, workloads and fixtures, its steps, diagnostics, teardown. */
import { randomBytes } from 'node:crypto';
import type { KubeObject, ObjectRef } from '../cluster/types.ts';
import { refOf } from '../cluster/types.ts';
import type { Action, Expectation, Feature, LabelTarget, NsRole, Scenario } from '../scenario/types.ts';
import { TrafficEngine } from '../traffic/engine.ts';
import { waitFor } from '../wait.ts';
import { CheckFailed, describe, runExpectation } from './checks.ts';
import { Evidence, type RunEnv, type ScenarioScope } from './env.ts';
import { loadFixture, markOwned, substitute, type Vars } from './fixtures.ts';
import { podsOfDeployment, waitDeploymentsAvailable, waitWaypointBoundReported, waitWaypointsProgrammed } from './readiness.ts';
import { collectDiagnostics, type Diagnostics } from './diagnostics.ts';
import { IMAGES } from '../platform/versions.ts';

export type Status = 'passed' | 'failed' | 'skipped';

export interface CheckResult {
  step: string;
  check: string;
  status: Status;
  detail: string;
  requests: number;
  convergedMs?: number;
}

export interface ScenarioResult {
  id: string;
  status: Status;
  durationMs: number;
  /** Longest time any check took to converge. */
  convergenceMs: number;
  skipReason?: string;
  failure?: string;
  checks: CheckResult[];
  diagnostics?: Diagnostics;
}

export function unsupportedFeatures(s: Scenario, supported: ReadonlySet<Feature>): Feature[] {
  return s.features.filter((f) => !supported.has(f));
}

export function namespaceName(scenarioId: string, role: NsRole, suffix: string): string {
  const slug = scenarioId.replace(/[^a-z0-9]+/g, '-');
  return `wpt-${slug}`.slice(0, 63 - role.length - suffix.length - 2) + `-${role}-${suffix}`;
}

export async function runScenario(env: RunEnv, s: Scenario): Promise<ScenarioResult> {
  const start = Date.now();
  const missing = unsupportedFeatures(s, env.supported);
  if (missing.length > 0) {
    return { id: s.id, status: 'skipped', durationMs: 0, convergenceMs: 0, skipReason: `unsupported features: ${missing.join(', ')}`, checks: [] };
  }
  const suffix = randomBytes(3).toString('hex');
  const namespaces = Object.fromEntries(s.namespaces.map((r) => [r, namespaceName(s.id, r, suffix)])) as Record<NsRole, string>;
  const scope: ScenarioScope = {
    env, namespaces, traffic: new TrafficEngine(env.cluster, env.clientNamespace), evidence: new Evidence(), vars: fixtureVars(env, namespaces),
  };
  const checks: CheckResult[] = [];
  let failure: string | undefined;
  let diagnostics: Diagnostics | undefined;
  try {
    await setUp(scope, s);
    for (const st of s.steps) {
      for (const a of st.actions) await perform(scope, a);
      await settle(scope);
      for (const e of st.expect) {
        const r = await check(scope, st.name, e);
        checks.push(r);
        if (r.status === 'failed') throw new CheckFailed(`${st.name}: ${r.check}: ${r.detail}`, r.requests);
      }
    }
  } catch (err) {
    failure = (err as Error).message;
    env.log(`  ✗ ${s.id}: ${failure}`);
    diagnostics = await collectDiagnostics(scope).catch((e) => ({ error: `diagnostics failed: ${(e as Error).message}` }) as Diagnostics);
  } finally {
    const leftover = await tearDown(scope).catch((e) => `teardown failed: ${(e as Error).message}`);
    if (leftover && !failure) failure = leftover;
  }
  const convergenceMs = Math.max(0, ...checks.map((c) => c.convergedMs ?? 0));
  return { id: s.id, status: failure ? 'failed' : 'passed', durationMs: Date.now() - start, convergenceMs, failure, checks, diagnostics };
}

async function check(scope: ScenarioScope, stepName: string, e: Expectation): Promise<CheckResult> {
  const name = describe(e);
  if (e.feature && !scope.env.supported.has(e.feature)) {
    return { step: stepName, check: name, status: 'skipped', detail: `feature ${e.feature} not supported`, requests: 0 };
  }
  try {
    const out = await runExpectation(scope, e);
    return { step: stepName, check: name, status: 'passed', detail: out.detail, requests: out.requests, convergedMs: out.convergedMs };
  } catch (err) {
    const requests = err instanceof CheckFailed ? err.requests : 0;
    return { step: stepName, check: name, status: 'failed', detail: (err as Error).message, requests };
  }
}

export function fixtureVars(env: RunEnv, namespaces: Record<NsRole, string>): Vars {
  return {
    APP_NS: namespaces.app,
    INFRA_NS: namespaces.infra ?? '',
    CLIENT_NS: env.clientNamespace,
    WAYPOINT_CLASS: env.gatewayClass,
    ECHO_IMAGE: IMAGES.echo,
    CURL_IMAGE: IMAGES.curl,
    BOOKINFO_TAG: IMAGES.bookinfoTag,
  };
}

function fixtureObjects(scope: ScenarioScope, fixture: string): KubeObject[] {
  return loadFixture(fixture, scope.vars, scope.env.runId);
}

async function setUp(scope: ScenarioScope, s: Scenario): Promise<void> {
  const { cluster, runId } = scope.env;
  for (const name of Object.values(scope.namespaces)) {
    const ns = markOwned({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'istio.io/dataplane-mode': 'ambient' } } }, runId);
    scope.evidence.applied.push(await cluster.apply(ns));
  }
  for (const [role, sets] of Object.entries(s.workloads) as [NsRole, string[]][]) {
    if (!scope.namespaces[role]) throw new Error(`${s.id}: workloads for namespace role "${role}", which the scenario does not declare`);
    for (const set of sets) await applyAll(scope, fixtureObjects(scope, `workloads/${set}.yaml`).map((o) => inNamespace(o, scope.namespaces[role])));
  }
  for (const m of s.manifests) await perform(scope, { do: 'apply', fixture: m });
  await settle(scope);
}

function inNamespace(o: KubeObject, ns: string): KubeObject {
  return { ...o, metadata: { ...o.metadata, namespace: o.metadata.namespace ?? ns } };
}

async function applyAll(scope: ScenarioScope, objs: KubeObject[]): Promise<void> {
  for (const o of objs) scope.evidence.applied.push(await scope.env.cluster.apply(o));
}

async function perform(scope: ScenarioScope, a: Action): Promise<void> {
  const { cluster } = scope.env;
  switch (a.do) {
    case 'apply':
      return applyAll(scope, fixtureObjects(scope, a.fixture));
    case 'remove':
      for (const o of fixtureObjects(scope, a.fixture).reverse()) await cluster.delete(refOf(o));
      return;
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

/** Before traffic: workloads available, waypoints Programmed, and (where reported) Services bound. */
async function settle(scope: ScenarioScope): Promise<void> {
  const { cluster, timing, gatewayClass, supported } = scope.env;
  for (const ns of Object.values(scope.namespaces)) {
    await waitDeploymentsAvailable(cluster, ns, timing);
    await waitWaypointsProgrammed(cluster, ns, gatewayClass, timing);
    if (supported.has('WaypointBoundStatus')) await waitWaypointBoundReported(cluster, ns, timing);
  }
}

/** Deletes the scenario's namespaces (only those this run created) and waits until they are gone. */
async function tearDown(scope: ScenarioScope): Promise<string | undefined> {
  const { cluster, timing } = scope.env;
  const names = Object.values(scope.namespaces);
  for (const name of names) await cluster.delete({ apiVersion: 'v1', kind: 'Namespace', name });
  let left: string[] = [];
  try {
    await waitFor(`namespaces ${names.join(', ')} deleted`, async () => {
      left = [];
      for (const name of names) if (await cluster.get({ apiVersion: 'v1', kind: 'Namespace', name })) left.push(name);
      return left.length === 0 ? true : undefined;
    }, timing, () => `still present: ${left.join(', ')}`);
  } catch (err) {
    return `leftovers after teardown: ${(err as Error).message}`;
  }
  return undefined;
}
