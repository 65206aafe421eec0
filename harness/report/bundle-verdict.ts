/** What a verified bundle shows (resultOf, only with a checked signature) and what an unchecked one claims (claimOf). */
import { countOutcomes } from '../runner/results.ts';
import type { ConformanceReport } from './apis/v1alpha1.ts';

function tally(report: ConformanceReport): string {
  const n = countOutcomes(report.scenarios);
  const words: [string, number][] = [
    ['failed', n.failed],
    [n.error === 1 ? 'error' : 'errors', n.error],
    ['not run', n['not-run']],
  ];
  return [`${n.passed} passed`, ...words.filter(([, k]) => k > 0).map(([w, k]) => `${k} ${w}`), `${n['not-supported']} not supported`].join(
    ', ',
  );
}

function stopped(setup: NonNullable<ConformanceReport['setup']>): string {
  return setup.outcome === 'interrupted' ? `interrupted at "${setup.step}"` : `setup failed at "${setup.step}"`;
}

/**
 * What a consistent, signature-verified bundle shows: a failed or interrupted run, a run that is no
 * certification, or a conformant certification. Only for a bundle whose signer was checked.
 */
export function resultOf(report: ConformanceReport): { conformant: boolean; text: string } {
  if (report.setup)
    return {
      conformant: false,
      text: `not conformant: a record of ${report.setup.outcome === 'interrupted' ? 'an interrupted' : 'a failed'} run (${stopped(report.setup)})`,
    };
  const n = countOutcomes(report.scenarios);
  const bad = (
    [
      ['failed', n.failed],
      [n.error === 1 ? 'error' : 'errors', n.error],
      ['not run', n['not-run']],
    ] as const
  ).filter(([, k]) => k > 0);
  if (bad.length > 0) return { conformant: false, text: `not conformant: ${bad.map(([w, k]) => `${k} ${w}`).join(', ')}` };
  const counts = `${n.passed} passed, ${n['not-supported']} not supported`;
  if (report.mode === 'selftest')
    return { conformant: false, text: `a self-test of the suite on its model of ambient, not a result of any implementation: ${counts}` };
  if (report.mode !== 'certification') return { conformant: false, text: `not a certification (mode ${report.mode}): ${counts}` };
  return { conformant: true, text: `conformant (profiles ${(report.claimedProfiles ?? []).join(', ')}: ${counts})` };
}

/**
 * What a bundle claims, in words that judge nothing: without a checked signature anyone could have
 * written a consistent bundle, so an unsigned one is never called conformant or certified.
 */
export function claimOf(report: ConformanceReport): string {
  const impl = report.implementation;
  const who = `GatewayClass ${impl.gatewayClassName} (${impl.project} ${impl.version})`;
  const what =
    report.mode === 'selftest'
      ? "a self-test on the suite's model of ambient"
      : report.mode === 'certification'
        ? `a certification run of ${who}, profiles ${(report.claimedProfiles ?? []).join(', ')}`
        : `an e2e run of ${who}`;
  return report.setup ? `${what}, ${stopped(report.setup)}` : `${what}: ${tally(report)}`;
}
