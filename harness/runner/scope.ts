/** What one scenario owns while it runs: its namespaces, its traffic, its fixture variables, the evidence kept for diagnostics. */
import { randomBytes } from 'node:crypto';
import type { KubeObject } from '../cluster/types.ts';
import type { CheckContext } from '../checks/check.ts';
import { ENFORCE_LABEL } from '../manifests/pod-security.ts';
import type { Vars } from '../manifests/manifests.ts';
import { REV_LABEL } from '../mesh/mesh.ts';
import { clientLocation } from '../scenario/clients.ts';
import type { NsRole } from '../scenario/types.ts';
import type { Scenario } from '../record/record.ts';
import { TrafficEngine, type Batch } from '../traffic/engine.ts';
import { imageVars } from '../versions/images.ts';
import { clockOf } from '../wait.ts';
import type { RunEnv } from './env.ts';
import { Stopwatch } from './stopwatch.ts';

export interface ScenarioScope {
  env: RunEnv;
  namespaces: Record<NsRole, string>;
  traffic: TrafficEngine;
  evidence: Evidence;
  /** Fixture variables (namespace names etc.), also used in label values and expected messages. */
  vars: Record<string, string>;
  stopwatch: Stopwatch;
}

export class Evidence {
  readonly batches: Batch['raw'][] = [];
  readonly applied: KubeObject[] = [];
  keep(batch: Batch): void {
    this.batches.push(batch.raw);
    if (this.batches.length > 6) this.batches.shift();
  }
}

export function namespaceName(scenarioId: string, role: NsRole, suffix: string): string {
  const slug = scenarioId.replace(/[^a-z0-9]+/g, '-');
  return `wpt-${slug}`.slice(0, 63 - role.length - suffix.length - 2) + `-${role}-${suffix}`;
}

export function newScope(env: RunEnv, s: Scenario): ScenarioScope {
  const suffix = randomBytes(3).toString('hex');
  const namespaces = Object.fromEntries(s.namespaces.map((r) => [r, namespaceName(s.id, r, suffix)])) as Record<NsRole, string>;
  return {
    env,
    namespaces,
    traffic: new TrafficEngine(env.cluster, env.outside),
    evidence: new Evidence(),
    vars: fixtureVars(env, namespaces),
    stopwatch: new Stopwatch(clockOf(env.timing)),
  };
}

/** The narrow view a check gets of its scenario and run. */
export function checkContext(scope: ScenarioScope): CheckContext {
  const { env } = scope;
  return {
    cluster: env.cluster,
    traffic: scope.traffic,
    clientAt: (c) => clientLocation(c, env.clientNamespace, scope.namespaces),
    timing: env.timing,
    namespaces: scope.namespaces,
    vars: scope.vars,
    runId: env.runId,
    revision: env.mesh.revision,
    batchSize: env.batchSize,
    maxTimeSec: env.maxTimeSec,
    splitConfig: env.splitConfig,
    signals: env.signals,
    keep: (b) => scope.evidence.keep(b),
  };
}

/**
 * Every namespace the suite makes: in ambient, enforcing the run's Pod Security level, and, on a
 * revisioned mesh, labelled with its revision (istio.io/rev picks the control plane that manages
 * the namespace's pods and waypoints).
 */
export function namespaceLabels(env: RunEnv): Record<string, string> {
  return {
    'istio.io/dataplane-mode': 'ambient',
    [ENFORCE_LABEL]: env.podSecurity,
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
