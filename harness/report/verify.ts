/**
 * Checks a report bundle: the evidence manifest against every file, the files a bundle may hold,
 * the report's schema, and its consistency (consistency.ts). The verdict says what the bundle shows.
 * Bundles come from strangers: every file is read through files/read.ts (regular files only, no
 * links, bounded sizes), so no bundle can make the verifier hang or exhaust memory.
 */
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { isDeepStrictEqual } from 'node:util';
import { countOutcomes } from '../runner/results.ts';
import type { Scenario } from '../record/record.ts';
import { checkAgainstCatalogue, checkReportItself, checkRunLog, checkSummary } from './consistency.ts';
import { checkJunit } from './junit-check.ts';
import { EVIDENCE_FILE, EVIDENCE_KIND, evidenceFiles, SIGNATURE_FILE, type EvidenceManifest } from './seal.ts';
import { REPORT_API_VERSION, type ConformanceReport } from './apis/v1alpha1.ts';
import { gatewayApiReportFor, GATEWAY_API_REPORT_FILE, validateGatewayApiReport } from './gateway-api-report.ts';
import { checkReportHtml, REPORT_HTML_FILE } from './report-html.ts';
import { bundleEntry, hashBundleFile, UnsafeFileError } from '../files/read.ts';
import { readSchema, schemaProblems } from '../schema.ts';
import { BundleReadError, isFile, isThere, parseBundleFile, readText } from './bundle-files.ts';

const reportProblems = schemaProblems(readSchema(new URL('report.schema.json', import.meta.url)));
const REQUIRED = ['report.yaml', 'report.html', 'junit.xml', 'summary.md', 'run.log'];

export interface BundleCheck {
  problems: string[];
  report?: ConformanceReport;
  signed: boolean;
}

function readManifest(dir: string): EvidenceManifest {
  const read = parseBundleFile(dir, EVIDENCE_FILE, 'JSON');
  if ('notParsed' in read)
    throw new BundleReadError(`${EVIDENCE_FILE} is not JSON (${read.notParsed}); reseal the bundle or ask the submitter for an intact one`);
  const m = read.value as EvidenceManifest;
  const hashes = Object.values(m?.files ?? { bad: 0 });
  if (
    m?.apiVersion !== REPORT_API_VERSION ||
    m.kind !== EVIDENCE_KIND ||
    typeof m.files !== 'object' ||
    !hashes.every((h) => /^[0-9a-f]{64}$/.test(String(h)))
  ) {
    throw new BundleReadError(
      `${EVIDENCE_FILE} is not an ${EVIDENCE_KIND} of ${REPORT_API_VERSION} (apiVersion, kind and files of sha256 hex)`,
    );
  }
  return m;
}

/** A manifest key is a relative path inside the bundle, in normal form: no '..', '.', '\\' or leading '/'. */
export function insideBundle(key: string): boolean {
  return (
    key.length > 0 &&
    !key.includes('\\') &&
    !path.posix.isAbsolute(key) &&
    !/^[a-zA-Z]:/.test(key) &&
    path.posix.normalize(key) === key &&
    key.split('/').every((seg) => seg !== '..' && seg !== '.' && seg !== '')
  );
}

function evidenceProblem(dir: string, file: string, digest: string): string | undefined {
  if (!insideBundle(file)) return `${EVIDENCE_FILE}: key "${file}" points outside the bundle or is not a normal relative path`;
  const entry = bundleEntry(dir, file);
  if (entry.kind === 'missing') return `${file}: listed in ${EVIDENCE_FILE} but missing`;
  if (entry.kind !== 'file') return `${file}: ${entry.why ?? 'a directory, not a file'}`;
  try {
    if (hashBundleFile(dir, file) !== digest) return `${file}: sha256 differs from ${EVIDENCE_FILE} (the file was changed after sealing)`;
  } catch (err) {
    if (err instanceof UnsafeFileError) return err.message;
    throw new BundleReadError(`cannot read ${path.join(dir, file)}: ${(err as Error).message}`);
  }
  return undefined;
}

function checkEvidence(dir: string, manifest: EvidenceManifest): string[] {
  const problems: string[] = [];
  for (const [file, digest] of Object.entries(manifest.files)) {
    const problem = evidenceProblem(dir, file, digest);
    if (problem) problems.push(problem);
  }
  for (const file of evidenceFiles(dir))
    if (!Object.hasOwn(manifest.files, file)) problems.push(`${file}: not listed in ${EVIDENCE_FILE} (added after sealing)`);
  for (const file of REQUIRED) if (!Object.hasOwn(manifest.files, file)) problems.push(`${file}: missing from the bundle`);
  return problems;
}

/**
 * The files a bundle holds: the four reports, run.log, the diagnostics report.yaml names, and, for a
 * run that failed, kind-logs/ (the e2e exports them then) and diagnostics/setup.yaml when its setup
 * failed (the state of the install namespaces). Anything else was added.
 */
const SETUP_DIAGNOSTICS = 'diagnostics/setup.yaml';

function checkContents(report: ConformanceReport, manifest: EvidenceManifest): string[] {
  const named = new Set(report.scenarios.flatMap((s) => (s.diagnostics ? [s.diagnostics] : [])));
  const n = countOutcomes(report.scenarios);
  const failedRun = report.setup !== undefined || n.failed > 0 || n.error > 0;
  const problems = [...named]
    .filter((f) => !Object.hasOwn(manifest.files, f))
    .map((f) => `${f}: named in report.yaml but not in the bundle`);
  for (const f of Object.keys(manifest.files)) {
    if (REQUIRED.includes(f) || named.has(f)) continue;
    if (f.startsWith('kind-logs/') && failedRun) continue;
    if (f === SETUP_DIAGNOSTICS && report.setup !== undefined) continue;
    if (f === GATEWAY_API_REPORT_FILE && gatewayApiReportFor(report)) continue;
    problems.push(
      f.startsWith('diagnostics/')
        ? `${f}: no scenario in report.yaml names it`
        : `${f}: not a file a report bundle holds${f.startsWith('kind-logs/') ? ' (kind logs belong to failed runs)' : ''}`,
    );
  }
  return problems;
}

/** A diagnostics file records the id and outcome of its scenario: an outcome flipped in report.yaml shows here. */
function checkDiagnostics(dir: string, report: ConformanceReport): string[] {
  return report.scenarios.flatMap((s) => {
    if (!s.diagnostics || !isFile(dir, s.diagnostics)) return [];
    const read = parseBundleFile(dir, s.diagnostics, 'YAML');
    if ('notParsed' in read) return [`${s.diagnostics}: not YAML (${read.notParsed.split('\n')[0]})`];
    const d = read.value as { id?: string; outcome?: string } | null;
    return d?.id === s.id && d.outcome === s.outcome
      ? []
      : [`${s.diagnostics}: records ${d?.id} ${d?.outcome}, report.yaml ${s.id} ${s.outcome}`];
  });
}

/**
 * The Gateway API ConformanceReport is derived from report.yaml alone: it must be there exactly when
 * report.yaml gives one, valid against Gateway API's types, and equal to the one report.yaml gives.
 */
function checkGatewayApiReport(dir: string, report: ConformanceReport): string[] {
  const want = gatewayApiReportFor(report);
  const there = isThere(dir, GATEWAY_API_REPORT_FILE);
  if (!want) return there ? [`${GATEWAY_API_REPORT_FILE}: report.yaml gives no Gateway API report, yet the bundle holds one`] : [];
  if (!there) return [`${GATEWAY_API_REPORT_FILE}: missing, though report.yaml gives one`];
  const read = parseBundleFile(dir, GATEWAY_API_REPORT_FILE, 'YAML');
  if ('notParsed' in read) return [`${GATEWAY_API_REPORT_FILE}: not YAML (${read.notParsed.split('\n')[0]})`];
  const got = read.value;
  const invalid = validateGatewayApiReport(got);
  if (invalid.length > 0) return invalid;
  return isDeepStrictEqual(got, parse(stringify(want)))
    ? []
    : [`${GATEWAY_API_REPORT_FILE}: differs from the report report.yaml gives (results, statistics or claims changed)`];
}

function readReport(dir: string): ConformanceReport {
  const read = parseBundleFile(dir, 'report.yaml', 'YAML');
  if ('notParsed' in read) throw new BundleReadError(`report.yaml is not YAML: ${read.notParsed}`);
  return read.value as ConformanceReport;
}

/** Every problem of the bundle in dir, judged against the catalogue of this suite version. */
export function verifyBundle(dir: string, catalogue: Scenario[]): BundleCheck {
  const signed = isThere(dir, SIGNATURE_FILE);
  const problems: string[] = [];
  try {
    return checkBundle(dir, catalogue, signed, problems);
  } catch (err) {
    // A file the checks needed is unsafe to read: that is a problem of the bundle, and the last one looked at.
    if (err instanceof UnsafeFileError) return { problems: [...problems, err.message], signed };
    throw err;
  }
}

function checkBundle(dir: string, catalogue: Scenario[], signed: boolean, problems: string[]): BundleCheck {
  if (!isThere(dir, EVIDENCE_FILE)) return { problems: [`${EVIDENCE_FILE}: missing (the bundle was never sealed)`], signed };
  const manifest = readManifest(dir);
  problems.push(...checkEvidence(dir, manifest));
  if (!isThere(dir, 'report.yaml')) return { problems, signed };
  if (!isFile(dir, 'report.yaml'))
    return { problems: [...new Set([...problems, `report.yaml: ${bundleEntry(dir, 'report.yaml').why}`])], signed };
  const report = readReport(dir);
  const invalid = reportProblems(report);
  if (invalid.length > 0) return { problems: [...problems, ...invalid.map((p) => `report.yaml: ${p}`)], signed };
  problems.push(
    ...checkContents(report, manifest),
    ...checkDiagnostics(dir, report),
    ...checkReportItself(report),
    ...checkAgainstCatalogue(report, catalogue),
  );
  problems.push(...checkGatewayApiReport(dir, report));
  const checkHtml = (r: ConformanceReport, text: string) => checkReportHtml(r, text, catalogue);
  for (const [file, check] of [
    ['junit.xml', checkJunit],
    ['summary.md', checkSummary],
    ['run.log', checkRunLog],
    [REPORT_HTML_FILE, checkHtml],
  ] as const) {
    if (isFile(dir, file)) problems.push(...check(report, readText(dir, file)));
  }
  return { problems, report, signed };
}
