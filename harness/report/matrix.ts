/**
 * The conformance matrix: several report bundles (implementations × Istio versions) side by side,
 * one row per scenario and one column per bundle, rows whose outcomes differ first. Each bundle is
 * verified before it is read, so a cell is always a measured outcome of a bundle that checks out.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../cli/errors.ts';
import type { Outcome } from '../runner/results.ts';
import { OUTCOMES } from '../runner/results.ts';
import type { Scenario } from '../scenario/types.ts';
import type { ConformanceReport } from './model.ts';
import { BundleReadError, verifyBundle } from './verify.ts';

export interface MatrixColumn {
  label: string;
  dir: string;
  outcomes: Map<string, Outcome>;
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
  passed: 'passed', failed: 'failed', 'not-run': 'not run', 'not-supported': 'not supported', error: 'error',
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
    throw new UserError(`${dir} holds no report.yaml`, 'pass report bundle directories, as written by npm run e2e or npm run selftest -- --report-dir DIR');
  }
  let check: ReturnType<typeof verifyBundle>;
  try {
    check = verifyBundle(dir, catalogue);
  } catch (err) {
    if (err instanceof BundleReadError) throw new UserError(`${dir}: ${err.message}`, `see npm run report:verify -- ${dir}`);
    throw err;
  }
  const { problems, report } = check;
  if (problems.length > 0 || !report) throw new UserError(`${dir} is not a valid report bundle: ${problems.join('; ')}`, `see npm run report:verify -- ${dir}`);
  return { label: columnLabel(report), dir, outcomes: new Map(report.scenarios.map((s) => [s.id, s.outcome as Outcome])) };
}

/** Columns whose labels collide get their directory's name, so every column stays distinguishable. */
function distinctLabels(columns: MatrixColumn[]): MatrixColumn[] {
  return columns.map((c) => (columns.filter((o) => o.label === c.label).length > 1 ? { ...c, label: `${c.label} [${path.basename(path.resolve(c.dir))}]` } : c));
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
    .filter(([, n]) => n > 0).map(([o, n]) => `${n} ${WORDS[o]}`).join(', ');
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

function html(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function matrixHtml(m: Matrix): string {
  const head = m.columns.map((c) => `<th title="${html(c.dir)}">${html(c.label)}</th>`).join('');
  const body = m.rows.map((r) => `<tr${r.differs ? ' class="differs"' : ''}><th scope="row">${html(r.id)}</th>${r.cells.map((o) => `<td class="${o ?? 'absent'}">${html(cell(o))}</td>`).join('')}</tr>`).join('\n');
  const foot = m.columns.map((c, i) => `<li>${html(c.label)}: ${html(counts(m, i))}</li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Waypoint conformance matrix</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em}table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}
tr.differs th{font-weight:bold}td.passed{background:#dff5df}td.failed,td.error{background:#f8d7d7}td.not-supported{background:#eee}td.not-run{background:#fff4cc}td.absent{color:#999}
</style></head><body>
<h1>Waypoint conformance matrix</h1>
<p>${m.columns.length} bundles, ${m.rows.length} scenarios, ${m.rows.filter((r) => r.differs).length} with differing outcomes (listed first).</p>
<table><thead><tr><th>scenario</th>${head}</tr></thead><tbody>
${body}
</tbody></table>
<ul>${foot}</ul>
</body></html>
`;
}
