/**
 * The runner's pure parts: the plan (what runs, what does not and why) and the one mapping from an
 * error to an outcome and from a run's results to its exit code.
 */
import { expect } from 'chai';
import { CheckFailed, CheckNotSupported } from '../../../harness/checks/check.ts';
import { EXIT } from '../../../harness/errors.ts';
import { exitCodeOf, outcomeOf } from '../../../harness/runner/outcome.ts';
import { planScenario, sharedClientsUsed } from '../../../harness/runner/plan.ts';
import type { ScenarioResult } from '../../../harness/runner/results.ts';
import { defineScenario, step, viaWaypoint } from '../../../harness/record/builders.ts';
import { programmed, svc } from '../../../suites/vocabulary.ts';
import type { Feature } from '../../../harness/scenario/types.ts';
import { WaitTimeout } from '../../../harness/wait.ts';

const scenario = defineScenario({
  id: 'routing/plan-test',
  area: 'routing',
  description: 'plan test',
  profile: 'core',
  features: [],
  source: ['x'],
  workloads: { app: ['echo-v1'] },
  manifests: [],
  steps: [step('waypoint', [], [programmed('waypoint', 'True')]), step('traffic', [], [viaWaypoint('sleep', svc('echo'))])],
});

describe('runner plan', () => {
  const all = { supported: new Set<Feature>(), planes: new Set(['control', 'data'] as const) };
  const controlOnly = { supported: new Set<Feature>(), planes: new Set(['control'] as const) };

  it('runs every step when both planes are checked', () => {
    const plan = planScenario(all, scenario);
    expect(plan).to.deep.equal({ live: 2, skipped: [] });
    expect(sharedClientsUsed(all, [scenario])).to.deep.equal(['sleep']);
  });

  it('a control-plane run stops after the last control-plane check, and says why the rest does not run', () => {
    const plan = planScenario(controlOnly, scenario);
    expect('live' in plan && plan.live).to.equal(1);
    expect('skipped' in plan && plan.skipped.map((c) => [c.step, c.outcome, c.detail])).to.deep.equal([
      ['traffic', 'not-run', 'data-plane check, and this run checks only the control plane'],
    ]);
    expect(sharedClientsUsed(controlOnly, [scenario])).to.deep.equal([]);
  });

  it('a scenario of an unclaimed feature is not set up at all', () => {
    const plan = planScenario(all, { ...scenario, features: ['MeshConsumerRoute' as Feature] });
    expect('result' in plan && plan.result.outcome).to.equal('not-supported');
    expect('result' in plan && plan.result.checks.every((c) => c.outcome === 'not-supported')).to.equal(true);
  });
});

describe('outcomeOf', () => {
  const timeout = new WaitTimeout('x', 1, 1, 'y');
  it("a check's verdict is a failure wherever it is thrown; a deadline only while waiting for readiness", () => {
    expect(outcomeOf(new CheckFailed('no', 3), 'check')).to.equal('failed');
    expect(outcomeOf(timeout, 'readiness')).to.equal('failed');
    expect(outcomeOf(timeout, 'check')).to.equal('error');
    expect(outcomeOf(timeout, 'cleanup')).to.equal('error');
  });
  it('nothing to measure is not supported (in a check); anything else is an error', () => {
    expect(outcomeOf(new CheckNotSupported('no signal'), 'check')).to.equal('not-supported');
    expect(outcomeOf(new CheckNotSupported('no signal'), 'readiness')).to.equal('error');
    expect(outcomeOf(new Error('ECONNRESET'), 'readiness')).to.equal('error');
  });
  it('a run exits 3 when its setup or a scenario broke, 1 when a scenario failed, else 0', () => {
    const r = (outcome: ScenarioResult['outcome']) => ({ id: outcome, outcome, durationMs: 0, convergenceMs: 0, checks: [], timings: [] });
    expect(exitCodeOf({ results: [r('passed'), r('not-run')] })).to.equal(EXIT.ok);
    expect(exitCodeOf({ results: [r('passed'), r('failed')] })).to.equal(EXIT.scenarioFailed);
    expect(exitCodeOf({ results: [r('failed'), r('error')] })).to.equal(EXIT.infrastructure);
    expect(exitCodeOf({ results: [], setup: { step: 'clients', message: 'x' } })).to.equal(EXIT.infrastructure);
  });
});
