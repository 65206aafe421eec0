/**
 * Report bundles made the way the e2e run makes them, on the ambient model: the runner's results,
 * run.log written as the run goes, the report, lines and kind logs appended after it (teardown),
 * then the seal. And the edits a forger would make, each resealing like a careful forger would.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { Progress } from '../../../harness/cli/progress.ts';
import { resultLine } from '../../../harness/runner/results.ts';
import { junitXml, markdownSummary, writeReportBundle } from '../../../harness/report/bundle.ts';
import { profileResult } from '../../../harness/report/model.ts';
import type { ConformanceReport } from '../../../harness/report/apis/v1alpha1.ts';
import { sealBundle, SIGNATURE_FILE } from '../../../harness/report/seal.ts';
import { runLogLine } from '../../../harness/report/consistency.ts';
import { reportHtml, REPORT_HTML_FILE } from '../../../harness/report/report-html.ts';
import { ISTIO_FEATURES } from '../../../harness/scenario/features.ts';
import { countOutcomes } from '../../../harness/runner/results.ts';
import { makeEnv, runWithClients } from '../../../harness/runner/run.ts';
import type { KubeObject } from '../../../harness/cluster/types.ts';
import { ModelCluster } from '../../../equipment/model/model-cluster.ts';
import { MODEL_TIMING } from '../../../equipment/model/timing.ts';
import { CATALOGUE } from '../../../suites/index.ts';

export type RunKind = 'passed' | 'failed' | 'setup';

/** The clients' Deployment never applies: the run's own setup fails before any scenario. */
class ClientsFail extends ModelCluster {
  override async apply(obj: KubeObject): Promise<KubeObject> {
    if (obj.kind === 'Deployment' && obj.metadata.namespace?.startsWith('wpt-clients-'))
      throw new Error('admission webhook denied the request');
    return super.apply(obj);
  }
}

export const tempDirs: string[] = [];

export function tempDir(prefix = 'wpt-bundle-'): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const d of tempDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** A bundle of a real run on the model: passing, failing (a mutant), or with a setup failure. */
export async function modelBundle(kind: RunKind, mode: 'e2e' | 'certification' = 'e2e'): Promise<string> {
  const dir = tempDir();
  const progress = new Progress(dir, false);
  const opts = { seed: 7, mutants: kind === 'failed' ? ['weights-ignored' as const] : undefined };
  const cluster = kind === 'setup' ? new ClientsFail(opts) : new ModelCluster(opts);
  const env = makeEnv(cluster, {
    timing: { ...MODEL_TIMING, clock: cluster.clock },
    outside: cluster.outside,
    supported: ISTIO_FEATURES,
    gatewayClass: 'istio-waypoint',
    log: progress.line,
  });
  const { results, setup } = await runWithClients(env, CATALOGUE, 8, (r) => progress.line(resultLine(r)));
  await writeReportBundle(dir, {
    results,
    scenarios: CATALOGUE,
    setup,
    images: [...env.deployed],
    mode,
    planes: ['control', 'data'],
    implementation: {
      organization: 'acme',
      project: 'acme-waypoint',
      version: '2.3.0',
      url: 'https://acme.example',
      contact: ['@acme/mesh'],
      gatewayClassName: 'istio-waypoint',
    },
    environment: {
      kubernetesVersion: 'v1.34.0',
      istioVersion: '1.31.1',
      gatewayApi: { version: 'v1.6.0', channel: 'experimental' },
      mesh: env.mesh,
      commandLine: 'npm run e2e',
    },
    claimedFeatures: mode === 'certification' ? [...ISTIO_FEATURES] : undefined,
    claimedProfiles: mode === 'certification' ? ['core', 'extended'] : undefined,
  });
  // What the e2e run does after the report: its last lines, teardown, kind logs of a failed run.
  const n = countOutcomes(results);
  progress.line(`${n.passed} passed, ${n.failed} failed; report in ${dir}`);
  if (kind !== 'passed') {
    mkdirSync(path.join(dir, 'kind-logs', 'wpt-control-plane'), { recursive: true });
    writeFileSync(path.join(dir, 'kind-logs', 'wpt-control-plane', 'kubelet.log'), 'kubelet started\n');
  }
  progress.line('✓ delete kind cluster wpt (1.0s)');
  sealBundle(dir);
  return dir;
}

export function copyBundle(dir: string): string {
  const copy = tempDir();
  cpSync(dir, copy, { recursive: true });
  return copy;
}

export function readReport(dir: string): ConformanceReport {
  return parse(readFileSync(path.join(dir, 'report.yaml'), 'utf8')) as ConformanceReport;
}

/** A forger's reseal: new hashes over everything, keeping whatever signature was there. */
export function reseal(dir: string): void {
  const sig = path.join(dir, SIGNATURE_FILE);
  let kept: Buffer | undefined;
  try {
    kept = readFileSync(sig);
  } catch {
    kept = undefined;
  }
  sealBundle(dir);
  if (kept) writeFileSync(sig, kept);
}

/** Recomputes the profile totals a careful forger would, from the edited scenarios. */
export function recomputeProfiles(report: ConformanceReport): void {
  for (const p of report.profiles) {
    p.summary = countOutcomes(report.scenarios.filter((s) => s.profile === p.name));
    p.result = profileResult(p.summary);
  }
}

/** Edits report.yaml; with regenerate, also junit.xml, summary.md, report.html and run.log to match, then reseals. */
export function forge(dir: string, edit: (r: ConformanceReport) => void, o: { regenerate: boolean }): void {
  const report = readReport(dir);
  edit(report);
  writeFileSync(path.join(dir, 'report.yaml'), stringify(report));
  if (o.regenerate) {
    recomputeProfiles(report);
    writeFileSync(path.join(dir, 'report.yaml'), stringify(report));
    writeFileSync(path.join(dir, 'junit.xml'), junitXml(report));
    writeFileSync(path.join(dir, 'summary.md'), markdownSummary(report));
    writeFileSync(path.join(dir, REPORT_HTML_FILE), reportHtml(report, CATALOGUE));
    writeFileSync(path.join(dir, 'run.log'), report.scenarios.map((s) => `2026-01-01T00:00:00.000Z ${runLogLine(s)}\n`).join(''));
  }
  reseal(dir);
}
