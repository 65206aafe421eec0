/**
 * Writes a run's artefacts: report.yaml, junit.xml, summary.md, diagnostics/ for failures, and
 * evidence.json holding the sha256 of every artefact (report:verify checks it).
 */
import { appendFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import junitModule, { type Builder } from 'junit-report-builder';
import { sha256File } from '../digest.ts';
import { buildReport, type ConformanceReport, type ReportInput } from './model.ts';

export const EVIDENCE_FILE = 'evidence.json';

// The package is CommonJS; under NodeNext its default export arrives wrapped.
const junit = ((junitModule as unknown as { default?: Builder }).default ?? junitModule) as unknown as Builder;

export function junitXml(report: ConformanceReport): string {
  const builder = junit.newBuilder();
  const suite = builder.testSuite().name(`waypoint conformance (${report.implementation.project} ${report.implementation.version})`);
  suite.property('suiteVersion', report.environment.suiteVersion);
  suite.property('istioVersion', report.environment.istioVersion ?? 'none');
  suite.property('kubernetesVersion', report.environment.kubernetesVersion);
  for (const s of report.scenarios) {
    const tc = suite.testCase().className(s.area).name(s.id).time(s.durationMs / 1000);
    if (s.result === 'failed') tc.failure(s.failure ?? 'failed');
    if (s.result === 'skipped') tc.skipped();
    tc.standardOutput(s.checks.map((c) => `[${c.result}] ${c.step}: ${c.check} — ${c.detail}`).join('\n'));
  }
  return builder.build();
}

export function markdownSummary(report: ConformanceReport): string {
  const lines = [
    `# Waypoint conformance: ${report.implementation.project} ${report.implementation.version}`,
    '',
    `Suite ${report.environment.suiteVersion}, Istio ${report.environment.istioVersion ?? 'none'}, Kubernetes ${report.environment.kubernetesVersion}, ` +
      `Gateway API ${report.environment.gatewayApi.version} (${report.environment.gatewayApi.channel}), mode ${report.mode}.`,
    '',
    '| profile | result | passed | failed | skipped |',
    '| --- | --- | --- | --- | --- |',
    ...report.profiles.map((p) => `| ${p.name} | ${p.result} | ${p.summary.passed} | ${p.summary.failed} | ${p.summary.skipped} |`),
    '',
    '| scenario | result | duration | convergence | note |',
    '| --- | --- | --- | --- | --- |',
    ...report.scenarios.map((s) => `| ${s.id} | ${s.result} | ${(s.durationMs / 1000).toFixed(1)}s | ${(s.convergenceMs / 1000).toFixed(1)}s | ${(s.failure ?? s.skipReason ?? '').replace(/\|/g, '\\|').slice(0, 200)} |`),
    '',
  ];
  return lines.join('\n');
}

export function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((f) => {
    const full = path.join(dir, f);
    return statSync(full).isDirectory() ? listFiles(full, base) : [path.relative(base, full)];
  });
}

export async function writeReportBundle(dir: string, input: ReportInput): Promise<ConformanceReport> {
  mkdirSync(dir, { recursive: true });
  const report = buildReport(input);
  writeFileSync(path.join(dir, 'report.yaml'), stringify(report));
  writeFileSync(path.join(dir, 'junit.xml'), junitXml(report));
  const summary = markdownSummary(report);
  writeFileSync(path.join(dir, 'summary.md'), summary);
  if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, summary);
  for (const r of input.results.filter((x) => x.diagnostics)) {
    const dd = path.join(dir, 'diagnostics');
    mkdirSync(dd, { recursive: true });
    writeFileSync(path.join(dd, `${r.id.replace('/', '__')}.yaml`), stringify({ id: r.id, failure: r.failure, checks: r.checks, ...r.diagnostics }));
  }
  const files = listFiles(dir).filter((f) => f !== EVIDENCE_FILE).sort();
  const evidence = { apiVersion: report.apiVersion, kind: 'EvidenceManifest', files: Object.fromEntries(files.map((f) => [f, sha256File(path.join(dir, f))])) };
  writeFileSync(path.join(dir, EVIDENCE_FILE), `${JSON.stringify(evidence, null, 2)}\n`);
  return report;
}
