/**
 * A bundle's Gateway API ConformanceReport laid out as kubernetes-sigs/gateway-api conformance/reports/
 * asks of submitters (conformance/reports/README.md, v1.6.0): <version dir>/<implementation dir>/ with
 * the report named <API channel>-<implementation version>-<mode>-report.yaml, unchanged ("uploaded
 * exactly as they have been created by the conformance suite"), and a README.md with a table of
 * contents row per report and a Reproduce section.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { ConformanceReport } from './apis/v1alpha1.ts';
import { UserError } from '../errors.ts';
import { readBundleFile } from '../files/read.ts';
import { GATEWAY_API_REPORT_FILE } from './gateway-api-report.ts';
import { type GatewayApiReport } from './apis/gateway-api-v1.ts';

export interface SubmissionLayout {
  /** conformance/reports/v<major>.<minor> (upstream's folders from v1.5 on are per minor release). */
  versionDir: string;
  /** <organization>-<project>, as most implementations' folders are named. */
  implementationDir: string;
  fileName: string;
}

/** The submission cannot be laid out (a usage error: exit 2 with its fix). */
export class SubmissionError extends UserError {}

const slug = (s: string) =>
  s
    .toLowerCase()
    .replace(/[^a-z0-9.]+/g, '-')
    .replace(/^-+|-+$/g, '');

export function submissionLayout(doc: GatewayApiReport): SubmissionLayout {
  const m = /^v(\d+)\.(\d+)\./.exec(doc.gatewayAPIVersion);
  if (!m)
    throw new SubmissionError(
      `gatewayAPIVersion "${doc.gatewayAPIVersion}" names no Gateway API release`,
      'submit a report of a run against released Gateway API CRDs',
    );
  const { version } = doc.implementation;
  if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(version)) {
    throw new SubmissionError(
      `implementation.version "${version}" cannot be part of a report's file name (<channel>-<version>-<mode>-report.yaml)`,
      'set version in the implementation file to the release you tested (a semver, a tag or a commit; no spaces), and run again',
    );
  }
  return {
    versionDir: `v${m[1]}.${m[2]}`,
    implementationDir: slug(`${doc.implementation.organization}-${doc.implementation.project}`),
    fileName: `${doc.gatewayAPIChannel}-${version}-${doc.mode}-report.yaml`,
  };
}

function tableRow(doc: GatewayApiReport, fileName: string): string {
  const v = doc.implementation.version;
  return `| ${doc.gatewayAPIChannel} | [${v}](${doc.implementation.url}) | ${doc.mode} | [${v} report](./${fileName}) |`;
}

function reproduce(report: ConformanceReport): string[] {
  const env = report.environment;
  return [
    '## Reproduce',
    '',
    `This report was written by waypoint-conformance ${env.suiteVersion} and is submitted unchanged (the run's ${GATEWAY_API_REPORT_FILE}). The run:`,
    '',
    '```sh',
    env.commandLine,
    '```',
    '',
    `Istio ${env.istioVersion ?? 'not recorded'}, Kubernetes ${env.kubernetesVersion}, Gateway API ${env.gatewayApi.version} (${env.gatewayApi.channel}) CRDs. ` +
      `The mesh dataplane under test is the waypoint of Istio ambient, GatewayClass \`${report.implementation.gatewayClassName}\`: every route's parentRef is a Service bound to a waypoint.`,
    "Each test was measured by a scenario of the suite; the run's bundle (report.yaml, report.html, evidence.json) holds each scenario's checks and their evidence, " +
      'and `npm run report:verify -- DIR` checks it.',
    '',
  ];
}

/** A new README, or the existing one with this report's row added to its table of contents. */
export function readmeWith(existing: string | undefined, doc: GatewayApiReport, report: ConformanceReport, fileName: string): string {
  const row = tableRow(doc, fileName);
  if (existing !== undefined) {
    if (existing.includes(`(./${fileName})`)) return existing;
    const lines = existing.split('\n');
    const sep = lines.findIndex((l) => /^\|\s*-{3,}/.test(l));
    if (sep < 0)
      throw new SubmissionError(
        'the README.md already there has no table of contents',
        'add the table of contents upstream asks for (conformance/reports/README.md), or remove the README and run again',
      );
    let end = sep + 1;
    while (end < lines.length && lines[end].startsWith('|')) end++;
    lines.splice(end, 0, row);
    return lines.join('\n');
  }
  const i = doc.implementation;
  return [
    `# ${i.project}`,
    '',
    `${i.project} by ${i.organization} (${i.url}), checked as the mesh dataplane of Gateway API's mesh conformance profiles. Contact: ${i.contact.join(', ')}.`,
    '',
    '## Table of Contents',
    '',
    '| API channel | Implementation version | Mode | Report |',
    '|-------------|------------------------|------|--------|',
    row,
    '',
    ...reproduce(report),
  ].join('\n');
}

export interface Written {
  report: string;
  readme: string;
  layout: SubmissionLayout;
  doc: GatewayApiReport;
}

/** Writes the bundle's report (its bytes) and the README under out/conformance/reports/. */
export function writeSubmission(bundle: string, report: ConformanceReport, out: string): Written {
  // Read as report:verify reads it (the bundle is a stranger's): a regular file inside it, bounded in size.
  const bytes = readBundleFile(bundle, GATEWAY_API_REPORT_FILE);
  const doc = parse(bytes.toString('utf8')) as GatewayApiReport;
  const layout = submissionLayout(doc);
  const dir = path.join(out, 'conformance', 'reports', layout.versionDir, layout.implementationDir);
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, layout.fileName);
  const readme = path.join(dir, 'README.md');
  writeFileSync(file, bytes);
  writeFileSync(readme, readmeWith(existsSync(readme) ? readFileSync(readme, 'utf8') : undefined, doc, report, layout.fileName));
  return { report: file, readme, layout, doc };
}
