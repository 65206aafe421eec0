/**
 * The conformance matrix: several report bundles (implementations × Istio versions) side by side,
 * one row per scenario and one column per bundle, rows whose outcomes differ first. Each bundle is
 * verified before it is read, so a cell is always a measured outcome of a bundle that checks out.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../errors.ts';
import type { Outcome } from '../runner/results.ts';
import { OUTCOMES } from '../runner/results.ts';
import type { Scenario } from '../record/record.ts';
import type { ConformanceReport } from './apis/v1alpha1.ts';
import { BundleReadError } from './bundle-files.ts';
import { verifyBundle } from './verify.ts';
import { html, page, BASE_STYLE } from './html.ts';
import { REPORT_HTML_FILE } from './report-html.ts';
import { scenarioAnchor } from './outcome-html.ts';

export interface MatrixColumn {
  label: string;
  dir: string;
  outcomes: Map<string, Outcome>;
  /** Why a scenario did not pass, as its report says. */
  reasons: Map<string, string>;
  /** Whether the bundle carries a signature (report:verify checks it against a signer). */
  signed: boolean;
}

export interface MatrixRow {
  id: string;
  /** One per column; undefined where the bundle has no such scenario. */
  cells: (Outcome | undefined)[];
  differs: boolean;
}

export interface Matrix {
  columns: MatrixColumn[];
  rows: MatrixRow[];
}

const WORDS: Record<Outcome, string> = {
  passed: 'passed',
  failed: 'failed',
  'not-run': 'not run',
  'not-supported': 'not supported',
  error: 'error',
};
const ABSENT = '—';

function columnLabel(r: ConformanceReport): string {
  const v = r.environment.istioVersion;
  const where = r.mode === 'selftest' ? ' · model' : v ? ` · Istio ${v}` : '';
  return `${r.implementation.gatewayClassName}${where}`;
}

/** One bundle's column, after report:verify's checks against the catalogue of this suite version. */
export function readColumn(dir: string, catalogue: Scenario[]): MatrixColumn {
  if (!existsSync(path.join(dir, 'report.yaml'))) {
    throw new UserError(
      `${dir} holds no report.yaml`,
      'pass report bundle directories, as written by npm run e2e or npm run selftest -- --report-dir DIR',
    );
  }
  let check: ReturnType<typeof verifyBundle>;
  try {
    check = verifyBundle(dir, catalogue);
  } catch (err) {
    if (err instanceof BundleReadError) throw new UserError(`${dir}: ${err.message}`, `see npm run report:verify -- ${dir}`);
    throw err;
  }
  const { problems, report, signed } = check;
  if (problems.length > 0 || !report)
    throw new UserError(`${dir} is not a valid report bundle: ${problems.join('; ')}`, `see npm run report:verify -- ${dir}`);
  return {
    label: columnLabel(report),
    dir,
    signed,
    outcomes: new Map(report.scenarios.map((s) => [s.id, s.outcome as Outcome])),
    reasons: new Map(report.scenarios.flatMap((s) => (s.reason ? [[s.id, s.reason] as const] : []))),
  };
}

/** Columns whose labels collide get their directory's name, so every column stays distinguishable. */
function distinctLabels(columns: MatrixColumn[]): MatrixColumn[] {
  return columns.map((c) =>
    columns.filter((o) => o.label === c.label).length > 1 ? { ...c, label: `${c.label} [${path.basename(path.resolve(c.dir))}]` } : c,
  );
}

export function buildMatrix(columns: MatrixColumn[]): Matrix {
  const cols = distinctLabels(columns);
  const ids: string[] = [];
  for (const c of cols) for (const id of c.outcomes.keys()) if (!ids.includes(id)) ids.push(id);
  const rows = ids.map((id) => {
    const cells = cols.map((c) => c.outcomes.get(id));
    return { id, cells, differs: new Set(cells).size > 1 };
  });
  // Stable: differences first, each group in the bundles' own scenario order.
  return { columns: cols, rows: [...rows.filter((r) => r.differs), ...rows.filter((r) => !r.differs)] };
}

const cell = (o: Outcome | undefined) => (o ? WORDS[o] : ABSENT);

function counts(m: Matrix, i: number): string {
  return OUTCOMES.map((o) => [o, m.rows.filter((r) => r.cells[i] === o).length] as const)
    .filter(([, n]) => n > 0)
    .map(([o, n]) => `${n} ${WORDS[o]}`)
    .join(', ');
}

export function matrixMarkdown(m: Matrix): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|');
  const differing = m.rows.filter((r) => r.differs).length;
  const lines = [
    '# Conformance matrix',
    '',
    `${m.columns.length} bundles, ${m.rows.length} scenarios, ${differing} with differing outcomes (listed first).`,
    '',
    `| scenario | ${m.columns.map((c) => esc(c.label)).join(' | ')} |`,
    `|---|${m.columns.map(() => '---').join('|')}|`,
    ...m.rows.map((r) => `| ${r.differs ? '**' + esc(r.id) + '**' : esc(r.id)} | ${r.cells.map(cell).join(' | ')} |`),
    '',
    ...m.columns.map((c, i) => `- ${esc(c.label)} (${c.dir}): ${counts(m, i)}`),
    '',
  ];
  return lines.join('\n');
}

/** A link to the bundle's page (from where the matrix page is written), at the scenario's section. */
function pageLink(pageDir: string, bundle: string, id?: string): string {
  const rel = path.relative(pageDir, path.resolve(bundle, REPORT_HTML_FILE)).split(path.sep).map(encodeURIComponent).join('/');
  return id ? `${rel}#${encodeURIComponent(scenarioAnchor(id))}` : rel;
}

const STYLE = `${BASE_STYLE}
main{max-width:none}td{max-width:28em}td .why{font-size:.85em;color:#333;margin-top:.2em}tr.differs th{font-weight:bold}
td a{text-decoration:none;color:inherit;font-weight:600}td.absent{color:#999}th small{font-weight:normal;color:#555}
`;

/**
 * The matrix as a page: each cell links to its bundle's report.html at the scenario's section, and
 * where a row differs each cell that did not pass says why (the scenario's reason in its report).
 */
export function matrixHtml(m: Matrix, pageDir = '.'): string {
  const head = m.columns.map(
    (c) =>
      html`<th title="${c.dir}"><a href="${pageLink(pageDir, c.dir)}">${c.label}</a><br><small>${c.signed ? 'signed' : 'unsigned'}</small></th>`,
  );
  const cellOf = (r: MatrixRow, i: number) => {
    const o = r.cells[i];
    if (!o) return html`<td class="absent">${ABSENT}</td>`;
    const why = r.differs && o !== 'passed' ? m.columns[i].reasons.get(r.id) : undefined;
    return html`<td class="${o}"><a href="${pageLink(pageDir, m.columns[i].dir, r.id)}">${cell(o)}</a>${why ? html`<div class="why">${why.length > 300 ? `${why.slice(0, 300)}…` : why}</div>` : ''}</td>`;
  };
  const body = html`<main><h1>Waypoint conformance matrix</h1>
<p>${m.columns.length} bundles, ${m.rows.length} scenarios, ${m.rows.filter((r) => r.differs).length} with differing outcomes (listed first). Each cell opens the scenario in its bundle's report; where outcomes differ, a cell that did not pass says why.</p>
<table><thead><tr><th>scenario</th>${head}</tr></thead><tbody>
${m.rows.map(
  (
    r,
  ) => html`<tr${r.differs ? html` class="differs"` : ''} data-scenario="${r.id}"><th scope="row">${r.id}</th>${r.cells.map((_, i) => cellOf(r, i))}</tr>
`,
)}
</tbody></table>
<ul>${m.columns.map((c, i) => html`<li>${c.label}: ${counts(m, i)}</li>`)}</ul></main>`;
  return page('Waypoint conformance matrix', STYLE, body);
}
