/**
 * Cross-checks of a report bundle that hashes cannot give: report.yaml against itself (profile totals,
 * scenario outcomes against their checks), against the scenario catalogue of its suite version, and
 * against junit.xml, summary.md and run.log. Each problem names the file and what differs.
 */
import type { Scenario } from '../record/record.ts';
import { countOutcomes, OUTCOMES, type Outcome } from '../runner/results.ts';
import { SUITE_VERSION } from '../versions/versions.ts';
import { resultLine } from '../runner/results.ts';
import { markdownSummary } from './bundle.ts';
import { profileResult } from './model.ts';
import type { ConformanceReport } from './apis/v1alpha1.ts';
import { isSafeText } from '../text.ts';

type ReportScenario = ConformanceReport['scenarios'][number];

/** Profile totals and results recomputed from the scenarios; outcomes that their checks contradict. */
export function checkReportItself(report: ConformanceReport): string[] {
  const problems: string[] = [];
  const names = report.profiles.map((p) => p.name).join(', ');
  if (names !== 'core, extended') problems.push(`report.yaml: profiles are [${names}], expected [core, extended]`);
  for (const p of report.profiles) {
    const counts = countOutcomes(report.scenarios.filter((s) => s.profile === p.name));
    for (const o of OUTCOMES) {
      if (p.summary[o] !== counts[o])
        problems.push(`report.yaml: profile ${p.name} counts ${p.summary[o]} ${o}, its scenarios ${counts[o]}`);
    }
    if (p.result !== profileResult(counts))
      problems.push(`report.yaml: profile ${p.name} result is ${p.result}, its scenarios make it ${profileResult(counts)}`);
  }
  for (const s of report.scenarios) problems.push(...checkOutcome(s));
  problems.push(...checkText(report), ...checkModelIsSelftest(report));
  return problems;
}

/** The suite escapes control characters in everything it writes (text.ts): one in report.yaml was put there by hand. */
function checkText(report: ConformanceReport): string[] {
  const found: string[] = [];
  const walk = (v: unknown, at: string) => {
    if (typeof v === 'string' && !isSafeText(v)) found.push(at);
    else if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${at}/${i}`));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, `${at}/${k}`);
  };
  walk(report, '');
  return found.slice(0, 3).map((at) => `report.yaml: ${at} holds control characters, which the suite never writes`);
}

/**
 * The self-test writes its model into the environment (istioVersion and Gateway API version
 * "model"; scripts/selftest.ts): whatever the mode says, such a bundle is a self-test.
 */
export function ranOnModel(report: ConformanceReport): boolean {
  const env = report.environment;
  const version = report.implementation.version;
  return env.istioVersion === 'model' || env.gatewayApi.version === 'model' || version === 'model' || version.endsWith(' (model)');
}

function checkModelIsSelftest(report: ConformanceReport): string[] {
  if (!ranOnModel(report) || report.mode === 'selftest') return [];
  return [
    `report.yaml: mode ${report.mode}, but its environment is the self-test's model of ambient (istioVersion ${report.environment.istioVersion}): a self-test relabelled`,
  ];
}

function checkOutcome(s: ReportScenario): string[] {
  const has = (o: Outcome) => s.checks.some((c) => c.outcome === o);
  const problems: string[] = [];
  if (s.outcome === 'passed' && !has('passed')) problems.push(`report.yaml: ${s.id} is passed, but no check of it passed`);
  if ((has('failed') || has('error')) && s.outcome !== 'failed' && s.outcome !== 'error')
    problems.push(`report.yaml: ${s.id} is ${s.outcome}, but a check of it failed or broke`);
  // The runner collects diagnostics for every scenario it stops; a failure without them was edited.
  if (s.outcome === 'failed' && !s.diagnostics) problems.push(`report.yaml: ${s.id} failed but names no diagnostics file`);
  if (s.diagnostics && s.outcome !== 'failed' && s.outcome !== 'error')
    problems.push(`report.yaml: ${s.id} is ${s.outcome} but has diagnostics, which only a stopped scenario has`);
  return problems;
}

/**
 * Ids, metadata and completeness against the catalogue of the suite version that wrote the report;
 * certification rules (claimed profiles complete, claimed features agree with what ran).
 */
export function checkAgainstCatalogue(report: ConformanceReport, catalogue: Scenario[]): string[] {
  if (report.environment.suiteVersion !== SUITE_VERSION) {
    return [
      `report.yaml: written by suite ${report.environment.suiteVersion}, this is suite ${SUITE_VERSION}: verify with the suite version that wrote it (its catalogue differs)`,
    ];
  }
  const problems: string[] = [];
  const byId = new Map(catalogue.map((s) => [s.id, s]));
  const seen = new Set<string>();
  for (const s of report.scenarios) {
    const known = byId.get(s.id);
    if (seen.has(s.id)) problems.push(`report.yaml: ${s.id} is listed twice`);
    seen.add(s.id);
    if (!known) {
      problems.push(`report.yaml: ${s.id} is not a scenario of suite ${SUITE_VERSION}`);
      continue;
    }
    for (const key of ['area', 'profile', 'features', 'source'] as const) {
      if (JSON.stringify(s[key]) !== JSON.stringify(known[key]))
        problems.push(`report.yaml: ${s.id} has ${key} ${JSON.stringify(s[key])}, the catalogue ${JSON.stringify(known[key])}`);
    }
  }
  return [...problems, ...checkClaims(report, catalogue, seen)];
}

function checkClaims(report: ConformanceReport, catalogue: Scenario[], present: Set<string>): string[] {
  const certifies = report.mode === 'certification';
  const hasClaims = report.claimedProfiles !== undefined || report.claimedFeatures !== undefined;
  if (!certifies) {
    return hasClaims
      ? [`report.yaml: mode ${report.mode} with claimed profiles or features: only a certification run claims them (was the mode changed?)`]
      : [];
  }
  if (!report.claimedProfiles || !report.claimedFeatures)
    return ['report.yaml: a certification report needs claimedProfiles and claimedFeatures'];
  const problems: string[] = [];
  const profiles = new Set<string>(report.claimedProfiles);
  if (!profiles.has('core')) problems.push('report.yaml: a certification claims the core profile');
  if (!report.planes.includes('data'))
    problems.push('report.yaml: a certification checks both planes; this run checked only the control plane (--checks control-plane)');
  for (const s of catalogue.filter((c) => profiles.has(c.profile) && !present.has(c.id))) {
    problems.push(`report.yaml: ${s.id} (${s.profile}) is missing: a certification holds every scenario of its claimed profiles`);
  }
  for (const s of report.scenarios.filter((x) => !profiles.has(x.profile)))
    problems.push(`report.yaml: ${s.id} is ${s.profile}, a profile this certification does not claim`);
  const claimed = new Set<string>(report.claimedFeatures);
  for (const s of report.scenarios) {
    if (s.profile === 'core' && s.outcome === 'not-supported')
      problems.push(`report.yaml: core scenario ${s.id} not supported in a certification report`);
    const coveredByClaim = s.features.every((f) => claimed.has(f));
    if (coveredByClaim && s.outcome === 'not-supported')
      problems.push(`report.yaml: ${s.id} not supported although its features are all claimed`);
    if (!coveredByClaim && s.outcome !== 'not-supported') problems.push(`report.yaml: ${s.id} ran although it needs unclaimed features`);
  }
  return problems;
}

/** summary.md is generated from report.yaml alone: any line that differs names the edit. */
export function checkSummary(report: ConformanceReport, summary: string): string[] {
  const want = markdownSummary(report).split('\n');
  const got = summary.split('\n');
  const problems: string[] = [];
  for (let i = 0; i < Math.max(want.length, got.length) && problems.length < 3; i++) {
    if (want[i] !== got[i])
      problems.push(`summary.md: line ${i + 1} is "${got[i] ?? '(missing)'}", report.yaml gives "${want[i] ?? '(nothing)'}"`);
  }
  return problems;
}

/** The line the run printed to run.log when the scenario finished. */
export function runLogLine(s: ReportScenario): string {
  return resultLine({
    id: s.id,
    outcome: s.outcome,
    durationMs: s.durationMs,
    convergenceMs: s.convergenceMs,
    reason: s.reason,
    checks: [],
    timings: [],
  });
}

/** run.log holds the line each scenario printed as it finished (none when the run's setup failed). */
export function checkRunLog(report: ConformanceReport, log: string): string[] {
  if (report.setup) return [];
  const missing = report.scenarios.filter((s) => !log.includes(`${runLogLine(s)}\n`));
  return missing
    .slice(0, 3)
    .map((s) => `run.log: no line "${runLogLine(s)}" for ${s.id} as report.yaml records it`)
    .concat(missing.length > 3 ? [`run.log: ${missing.length - 3} more scenarios without their line`] : []);
}
