/** The report of an e2e run: of its scenarios, or of the setup step that broke, with the evidence a failure leaves. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { PLANES, type Plane } from '../checks/check.ts';
import type { Cluster } from '../cluster/types.ts';
import type { ClusterAccess } from '../platform/cluster/bringup.ts';
import { setupDiagnostics } from '../platform/install/setup-diagnostics.ts';
import { KIND } from '../versions/versions.ts';
import { writeReportBundle } from '../report/bundle.ts';
import type { Environment } from '../report/apis/v1alpha1.ts';
import type { RunResult } from '../runner/results.ts';
import { notRunAll } from '../runner/plan.ts';
import type { E2eOptions } from './args.ts';
import type { Selection } from './select.ts';

/**
 * What the run learnt about the cluster so far (the report's environment, without what the command
 * line says): the report of a failed setup says as much as is known.
 */
export type Facts = Omit<Environment, 'kindNodeImage' | 'commandLine' | 'suiteVersion' | 'images'>;

export async function report(
  o: E2eOptions,
  sel: Selection,
  facts: Facts,
  run: RunResult,
  planes: readonly Plane[] = PLANES,
  images: string[] = [],
): Promise<void> {
  await writeReportBundle(o.reportDir, {
    results: run.results,
    scenarios: sel.scenarios,
    setup: run.setup,
    planes: [...planes],
    images,
    implementation: sel.claim?.implementation ?? {
      organization: 'istio',
      project: 'istio',
      version: facts.istioVersion ?? 'unknown',
      url: 'https://istio.io',
      contact: [],
      gatewayClassName: sel.gatewayClass,
    },
    environment: {
      ...facts,
      kindNodeImage: o.cluster === 'kind' ? KIND.nodeImage : undefined,
      commandLine: `npm run e2e -- ${process.argv.slice(2).join(' ')}`.trim(),
    },
    mode: o.certify ? 'certification' : 'e2e',
    claimedFeatures: o.certify && sel.claim ? [...sel.claim.features] : undefined,
    claimedProfiles: o.certify ? sel.claim?.profiles : undefined,
  });
}

/** A setup step broke: the bundle records the step, what broke and the fix; every scenario is not run. */
export async function reportSetupFailure(o: E2eOptions, sel: Selection, facts: Facts, step: string, err: unknown): Promise<void> {
  const setup = { step, message: (err as Error).message, fix: (err as { fix?: string }).fix };
  await report(o, sel, facts, { results: notRunAll(sel.scenarios, `setup failed: ${step}`), setup }).catch((e) => {
    console.error(`could not write the report of the failed setup: ${(e as Error).message}`);
  });
}

/** An interrupted run's record: the step it was in and the signal; every scenario not run (nothing of the run is claimed). */
export async function reportInterrupted(o: E2eOptions, sel: Selection, facts: Facts, step: string, signal: string): Promise<void> {
  const setup = {
    outcome: 'interrupted' as const,
    step,
    message: `interrupted by ${signal}; what the run created was torn down`,
    fix: 'run again',
  };
  await report(o, sel, facts, { results: notRunAll(sel.scenarios, `interrupted by ${signal} at ${step}`), setup }).catch((e) => {
    console.error(`could not write the report of the interrupted run: ${(e as Error).message}`);
  });
}

/** What a failed run leaves to look at, written before the bundle seals the directory with evidence.json. */
export async function failureEvidence(
  o: E2eOptions,
  access: ClusterAccess | undefined,
  cluster: Cluster | undefined,
  setupFailed: boolean,
): Promise<void> {
  if (cluster && setupFailed) {
    mkdirSync(path.join(o.reportDir, 'diagnostics'), { recursive: true });
    // One line per message (lineWidth 0): what the API server said stays greppable.
    writeFileSync(path.join(o.reportDir, 'diagnostics', 'setup.yaml'), stringify(await setupDiagnostics(cluster), { lineWidth: 0 }));
  }
  await access?.collectLogs?.(path.join(o.reportDir, 'kind-logs'));
}
