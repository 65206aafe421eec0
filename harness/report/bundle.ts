/**
 * Writes a run's artefacts: report.yaml, report.html, junit.xml, summary.md and diagnostics/ for failures. The
 * entry point seals the bundle (seal.ts) after its last write, so the evidence covers final bytes.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import junitModule, { type Builder } from 'junit-report-builder';
import { buildReport, diagnosticsFile, type ReportInput } from './model.ts';
import type { ConformanceReport } from './apis/v1alpha1.ts';
import { countOutcomes, OUTCOMES } from '../runner/results.ts';
import { slowestLaps } from './profile.ts';
import { reportHtml, REPORT_HTML_FILE } from './report-html.ts';
import { gatewayApiReportFor, gatewayApiReportYaml, GATEWAY_API_REPORT_FILE } from './gateway-api-report.ts';

export { listFiles } from './seal.ts';

// The package is CommonJS; under NodeNext its default export arrives wrapped.
const junit = ((junitModule as unknown as { default?: Builder }).default ?? junitModule) as unknown as Builder;

export function junitXml(report: ConformanceReport): string {
  const builder = junit.newBuilder();
  const suite = builder.testSuite().name(`waypoint conformance (${report.implementation.project} ${report.implementation.version})`);
  suite.property('suiteVersion', report.environment.suiteVersion);
  suite.property('istioVersion', report.environment.istioVersion ?? 'none');
  suite.property('kubernetesVersion', report.environment.kubernetesVersion);
  if (report.setup) suite.testCase().className('setup').name(report.setup.step).error(report.setup.message, 'SetupFailed');
  for (const s of report.scenarios) {
    const tc = suite
      .testCase()
      .className(s.area)
      .name(s.id)
      .time(s.durationMs / 1000);
    if (s.outcome === 'failed') tc.failure(s.reason ?? 'failed');
    if (s.outcome === 'error') tc.error(s.reason ?? 'error', 'HarnessOrClusterError');
    if (s.outcome === 'not-run' || s.outcome === 'not-supported') tc.skipped();
    tc.standardOutput(
      [
        ...(s.reason && (s.outcome === 'not-run' || s.outcome === 'not-supported') ? [`${s.outcome}: ${s.reason}`] : []),
        ...s.checks.map((c) => `[${c.outcome}] (${c.plane}) ${c.step}: ${c.check} — ${c.detail}`),
      ].join('\n'),
    );
  }
  return builder.build();
}

/** The summary's first line: what broke and what to do, or that everything selected passed. */
export function headline(report: ConformanceReport): string {
  if (report.setup?.outcome === 'interrupted') {
    return `**Interrupted** at "${report.setup.step}": ${report.setup.message}${report.setup.fix ? ` — fix: ${report.setup.fix}` : ''}. This report records an interrupted run, not conformance.`;
  }
  if (report.setup) {
    return `**Setup failed** at "${report.setup.step}": ${report.setup.message}${report.setup.fix ? ` — fix: ${report.setup.fix}` : ''}. No scenario ran; this report records a failed run, not conformance.`;
  }
  const n = countOutcomes(report.scenarios);
  const broken = report.scenarios.filter((s) => s.outcome === 'failed' || s.outcome === 'error');
  if (broken.length > 0) {
    return (
      `**${n.failed} failed, ${n.error} errors** of ${report.scenarios.length} scenarios (first: ${broken[0].id}: ${broken[0].reason ?? ''}). ` +
      'See diagnostics/ for each failure; an error means the harness or the cluster broke, not the implementation.'
    );
  }
  return `**${n.passed} passed** of ${report.scenarios.length} scenarios (${n['not-run']} not run, ${n['not-supported']} not supported).`;
}

export function markdownSummary(report: ConformanceReport): string {
  const cell = (t: string) => t.replace(/\|/g, '\\|').slice(0, 200);
  const lines = [
    headline(report),
    '',
    `# Waypoint conformance: ${report.implementation.project} ${report.implementation.version}`,
    '',
    `Suite ${report.environment.suiteVersion}, Istio ${report.environment.istioVersion ?? 'none'}, Kubernetes ${report.environment.kubernetesVersion}, ` +
      `Gateway API ${report.environment.gatewayApi.version} (${report.environment.gatewayApi.channel}), mode ${report.mode}.`,
    `Images: ${report.environment.images.join(', ')}.`,
    '',
    `| profile | result | ${OUTCOMES.join(' | ')} |`,
    `| --- | --- |${OUTCOMES.map(() => ' --- |').join('')}`,
    ...report.profiles.map((p) => `| ${p.name} | ${p.result} | ${OUTCOMES.map((o) => p.summary[o]).join(' | ')} |`),
    '',
    '| scenario | outcome | duration | convergence | note |',
    '| --- | --- | --- | --- | --- |',
    ...report.scenarios.map(
      (s) =>
        `| ${s.id} | ${s.outcome} | ${(s.durationMs / 1000).toFixed(1)}s | ${(s.convergenceMs / 1000).toFixed(1)}s | ${cell(s.reason ?? '')} |`,
    ),
    '',
    '## Slowest steps',
    '',
    '| time | phase | scenario | step | what |',
    '| --- | --- | --- | --- | --- |',
    ...slowestLaps(report.scenarios, 10).map(
      (l) => `| ${(l.ms / 1000).toFixed(1)}s | ${l.phase} | ${l.id} | ${cell(l.step)} | ${cell(l.name)} |`,
    ),
    '',
  ];
  return lines.join('\n');
}

export async function writeReportBundle(dir: string, input: ReportInput): Promise<ConformanceReport> {
  mkdirSync(dir, { recursive: true });
  const report = buildReport(input);
  const yaml = stringify(report);
  writeFileSync(path.join(dir, 'report.yaml'), yaml);
  // From report.yaml as written, so that report:verify, rendering it again, gets the same page.
  writeFileSync(path.join(dir, REPORT_HTML_FILE), reportHtml(parse(yaml) as ConformanceReport, input.scenarios));
  const gatewayApiReport = gatewayApiReportFor(report);
  if (gatewayApiReport) writeFileSync(path.join(dir, GATEWAY_API_REPORT_FILE), gatewayApiReportYaml(gatewayApiReport));
  writeFileSync(path.join(dir, 'junit.xml'), junitXml(report));
  const summary = markdownSummary(report);
  writeFileSync(path.join(dir, 'summary.md'), summary);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, summary);
  for (const r of input.results.filter((x) => x.diagnostics)) {
    mkdirSync(path.join(dir, 'diagnostics'), { recursive: true });
    writeFileSync(
      path.join(dir, diagnosticsFile(r.id)),
      stringify({ id: r.id, outcome: r.outcome, reason: r.reason, checks: r.checks, ...r.diagnostics }),
    );
  }
  return report;
}
