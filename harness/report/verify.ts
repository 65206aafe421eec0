/** Checks a report bundle: schema, every hash, certification rules, versions consistent across files. */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { EVIDENCE_FILE, listFiles } from './bundle.ts';
import { sha256File } from '../digest.ts';
import type { ConformanceReport } from './model.ts';
import { UserError } from '../cli/errors.ts';

/** A file of the bundle that cannot be parsed at all: the input is unusable, not a problem in a report (exit 2). */
export class BundleInputError extends UserError {}

function parseFile<T>(file: string, parser: (text: string) => unknown): T {
  try {
    const doc = parser(readFileSync(file, 'utf8'));
    if (doc === null || typeof doc !== 'object') throw new Error('not an object');
    return doc as T;
  } catch (err) {
    throw new BundleInputError(`${file} cannot be parsed: ${(err as Error).message}`, 'pass the directory of an unmodified report bundle written by npm run e2e');
  }
}

const SCHEMA = JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), 'report.schema.json'), 'utf8'));

export function verifyBundle(dir: string): string[] {
  const problems: string[] = [];
  const evidencePath = path.join(dir, EVIDENCE_FILE);
  if (!existsSync(evidencePath)) return [`${EVIDENCE_FILE}: missing`];
  const evidence = parseFile<{ files?: Record<string, string> }>(evidencePath, JSON.parse);
  if (typeof evidence.files !== 'object' || evidence.files === null) return [`${EVIDENCE_FILE}: has no "files" map`];
  for (const [file, digest] of Object.entries(evidence.files)) {
    const full = path.join(dir, file);
    if (!existsSync(full)) problems.push(`${file}: listed in ${EVIDENCE_FILE} but missing`);
    else if (sha256File(full) !== digest) problems.push(`${file}: sha256 differs from ${EVIDENCE_FILE} (the file was changed)`);
  }
  for (const file of listFiles(dir)) {
    if (file !== EVIDENCE_FILE && file !== 'run.log' && !(file in evidence.files)) problems.push(`${file}: not listed in ${EVIDENCE_FILE}`);
  }
  const reportPath = path.join(dir, 'report.yaml');
  if (!existsSync(reportPath)) return [...problems, 'report.yaml: missing'];
  const report = parseFile<ConformanceReport>(reportPath, parse);
  const ajv = new Ajv({ allErrors: true });
  if (!ajv.validate(SCHEMA, report)) {
    for (const e of ajv.errors ?? []) problems.push(`report.yaml: ${e.instancePath || '/'} ${e.message}`);
    return problems;
  }
  if (report.mode === 'certification') {
    for (const s of report.scenarios) {
      if (s.tier === 'core' && s.outcome === 'not-supported') problems.push(`report.yaml: core scenario ${s.id} not supported in a certification report`);
    }
    const claimed = new Set(report.claimedFeatures ?? []);
    for (const s of report.scenarios) {
      const coveredByClaim = s.features.every((f) => claimed.has(f));
      if (coveredByClaim && s.outcome === 'not-supported') problems.push(`report.yaml: ${s.id} not supported although its features are all claimed`);
      if (!coveredByClaim && s.outcome !== 'not-supported') problems.push(`report.yaml: ${s.id} ran although it needs unclaimed features`);
    }
  }
  const junitPath = path.join(dir, 'junit.xml');
  if (existsSync(junitPath)) {
    const junit = readFileSync(junitPath, 'utf8');
    const prop = (name: string) => new RegExp(`<property name="${name}" value="([^"]*)"`).exec(junit)?.[1];
    if (prop('suiteVersion') !== report.environment.suiteVersion) problems.push('junit.xml: suiteVersion differs from report.yaml');
    if (prop('istioVersion') !== (report.environment.istioVersion ?? 'none')) problems.push('junit.xml: istioVersion differs from report.yaml');
    const cases = (junit.match(/<testcase /g) ?? []).length;
    const expected = report.scenarios.length + (report.setup ? 1 : 0);
    if (cases !== expected) problems.push(`junit.xml: ${cases} test cases, report.yaml has ${report.scenarios.length} scenarios${report.setup ? ' and a setup failure' : ''}`);
  } else problems.push('junit.xml: missing');
  const summaryPath = path.join(dir, 'summary.md');
  if (existsSync(summaryPath)) {
    const summary = readFileSync(summaryPath, 'utf8');
    if (!summary.includes(`Suite ${report.environment.suiteVersion}, Istio ${report.environment.istioVersion ?? 'none'}`)) {
      problems.push('summary.md: versions differ from report.yaml');
    }
  } else problems.push('summary.md: missing');
  return problems;
}
