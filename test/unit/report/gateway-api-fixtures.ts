/**
 * Bundles of mesh scenarios with chosen outcomes, written and sealed as a run writes them, for the
 * Gateway API ConformanceReport's tests (gateway-api-report.test.ts, gateway-api-upstream.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeReportBundle } from '../../../harness/report/bundle.ts';
import { sealBundle } from '../../../harness/report/seal.ts';
import { resultLine } from '../../../harness/runner/results.ts';
import type { Outcome, ScenarioResult } from '../../../harness/runner/results.ts';
import type { Feature } from '../../../harness/scenario/types.ts';
import type { Plane } from '../../../harness/checks/check.ts';
import { CATALOGUE } from '../../../suites/index.ts';

export const MESH = CATALOGUE.filter((s) => s.area === 'mesh');

/** One control-plane and one data-plane check per scenario, ending as the scenario does. */
export function results(outcomes: Record<string, Outcome> = {}): ScenarioResult[] {
  return MESH.map((s) => {
    const outcome = outcomes[s.id] ?? 'passed';
    const check = (plane: Plane) => ({
      step: 'one',
      check: `${plane} check`,
      plane,
      outcome,
      detail: 'measured',
      requests: plane === 'data' ? 1 : 0,
    });
    const reason = outcome === 'passed' ? {} : { reason: `${outcome}: one` };
    return { id: s.id, outcome, durationMs: 1, convergenceMs: 0, checks: [check('control'), check('data')], timings: [], ...reason };
  });
}

/** Results where the scenarios needing any of these features are not supported and say which. */
export function unsupported(features: Feature[], outcomes: Record<string, Outcome> = {}): ScenarioResult[] {
  return results(outcomes).map((r) => {
    const missing = MESH.find((s) => s.id === r.id)!.features.filter((f) => features.includes(f));
    if (missing.length === 0) return r;
    return {
      ...r,
      outcome: 'not-supported',
      reason: `unsupported features: ${missing.join(', ')}`,
      unsupportedFeatures: missing,
      checks: r.checks.map((c) => ({ ...c, outcome: 'not-supported' as const, requests: 0 })),
    };
  });
}

export interface BundleOpts {
  planes?: Plane[];
  claimed?: Feature[];
  gatewayApi?: { version: string; channel: string };
  contact?: readonly string[];
  meshUnsupported?: boolean;
}

/** Call inside describe(): a maker of bundles, all removed after the suite. */
export function bundleMaker(): (rs: ScenarioResult[], o?: BundleOpts) => Promise<string> {
  const dirs: string[] = [];
  after(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
  return async (rs, o = {}) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wpt-gwapi-'));
    dirs.push(dir);
    await writeReportBundle(dir, {
      results: rs,
      scenarios: CATALOGUE,
      images: [],
      mode: o.claimed ? 'certification' : 'e2e',
      planes: o.planes ?? ['control', 'data'],
      implementation: {
        organization: 'example',
        project: 'mesh',
        version: '1.0.0',
        url: 'https://example.org',
        contact: [...(o.contact ?? ['@example/maintainers'])],
        gatewayClassName: 'istio-waypoint',
      },
      environment: {
        kubernetesVersion: 'v1.34.0',
        istioVersion: '1.30.5',
        gatewayApi: o.gatewayApi ?? { version: 'v1.6.0', channel: 'experimental' },
        commandLine: 'npm run e2e',
      },
      claimedFeatures: o.claimed,
      ...(o.claimed ? { claimedProfiles: ['core' as const] } : {}),
    });
    // As a run leaves it: the run log with each scenario's line, then the seal over every file.
    writeFileSync(path.join(dir, 'run.log'), rs.map((r) => `${new Date().toISOString()} ${resultLine(r)}\n`).join(''));
    sealBundle(dir);
    return dir;
  };
}
