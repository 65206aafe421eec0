/** junit.xml held against report.yaml: one testcase per check, in the same state, nothing added. */
import { XMLParser } from 'fast-xml-parser';
import { type Outcome } from '../runner/results.ts';
import type { ConformanceReport } from './apis/v1alpha1.ts';

interface JunitCase {
  classname: string;
  name: string;
  failure?: unknown;
  error?: unknown;
  skipped?: unknown;
}

/** The outcome as JUnit can tell it: not-run and not-supported are both skipped. */
function junitKind(o: Outcome): string {
  return o === 'not-run' || o === 'not-supported' ? 'skipped' : o;
}

function caseKind(c: JunitCase): string {
  if (c.error !== undefined) return 'error';
  if (c.failure !== undefined) return 'failed';
  return c.skipped !== undefined ? 'skipped' : 'passed';
}

/** junit.xml against report.yaml: versions, one test case per scenario with the same outcome, totals. */
export function checkJunit(report: ConformanceReport, xml: string): string[] {
  let doc;
  try {
    doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
    }).parse(xml);
  } catch (err) {
    return [`junit.xml: not XML (${(err as Error).message})`];
  }
  const suites = (doc?.testsuites?.testsuite ?? []) as {
    properties?: { property?: { name: string; value: string }[] };
    testcase?: JunitCase[];
  }[];
  if (suites.length !== 1) return [`junit.xml: ${suites.length} test suites, expected 1`];
  const problems: string[] = [];
  const props = new Map((suites[0].properties?.property ?? []).map((p) => [p.name, String(p.value)]));
  const env = report.environment;
  const want: Record<string, string> = {
    suiteVersion: env.suiteVersion,
    istioVersion: env.istioVersion ?? 'none',
    kubernetesVersion: env.kubernetesVersion,
  };
  for (const [k, v] of Object.entries(want)) if (props.get(k) !== v) problems.push(`junit.xml: ${k} is ${props.get(k)}, report.yaml ${v}`);
  const cases = suites[0].testcase ?? [];
  const setupCases = cases.filter((c) => c.classname === 'setup');
  if (report.setup && (setupCases.length !== 1 || setupCases[0].name !== report.setup.step || caseKind(setupCases[0]) !== 'error')) {
    problems.push(`junit.xml: no setup error for step "${report.setup.step}" that report.yaml records`);
  }
  if (!report.setup && setupCases.length > 0) problems.push('junit.xml: a setup failure that report.yaml does not record');
  const inJunit = new Map(cases.filter((c) => c.classname !== 'setup').map((c) => [String(c.name), c]));
  for (const s of report.scenarios) {
    const c = inJunit.get(s.id);
    if (!c) problems.push(`junit.xml: no test case for ${s.id}`);
    else if (caseKind(c) !== junitKind(s.outcome)) problems.push(`junit.xml: ${s.id} is ${caseKind(c)}, report.yaml says ${s.outcome}`);
    inJunit.delete(s.id);
  }
  for (const id of inJunit.keys()) problems.push(`junit.xml: test case ${id} is not in report.yaml`);
  return problems;
}
