/** report.html's timeline: each scenario that ran as a bar from its start, its laps in it by phase. */
import type { Outcome } from '../runner/results.ts';
import { PHASES } from '../runner/stopwatch.ts';
import type { ConformanceReport as Report } from './apis/v1alpha1.ts';
import { html, type Html } from './html.ts';
import { scenarioAnchor, sec, WORDS } from './outcome-html.ts';

const PHASE_COLOURS: Record<string, string> = {
  apply: '#7baaf7',
  wait: '#fbcb43',
  check: '#57bb8a',
  diagnostics: '#c58af9',
  cleanup: '#bdbdbd',
};
const OUTCOME_COLOURS: Record<string, string> = {
  passed: '#1f7a3a',
  failed: '#b3261e',
  error: '#8a3ffc',
  'not-run': '#8a6d00',
  'not-supported': '#777',
};

/** Each scenario that ran as a bar from its start, its laps in it by phase (the run's clock). */
export function timeline(r: Report): Html {
  const ran = r.scenarios.filter((s) => s.startedMs !== undefined).sort((a, b) => a.startedMs! - b.startedMs!);
  if (ran.length === 0) return html`<section id="timeline"><h2>Timeline</h2><p>No scenario ran, so there is no timeline.</p></section>`;
  const t0 = ran[0].startedMs!;
  const end = Math.max(...ran.map((s) => s.startedMs! + s.durationMs)) - t0 || 1;
  const [W, label, row] = [1150, 340, 13];
  const x = (ms: number) => label + ((W - label - 10) * ms) / end;
  const H = ran.length * row + 30;
  const ticks = [...Array(11).keys()].map((i) => (end * i) / 10);
  return html`<section id="timeline"><h2>Timeline</h2>
<p>${ran.length} scenarios over ${sec(end)} of the run's clock${r.mode === 'selftest' ? " (the model's virtual clock)" : ''}; bars coloured by phase: ${PHASES.map((p) => html`<span class="key" style="background:${PHASE_COLOURS[p]}">${p}</span> `)}, outlined by outcome.</p>
<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" class="timeline" role="img" aria-label="timeline of ${ran.length} scenarios">
${ticks.map((ms) => html`<line x1="${x(ms)}" x2="${x(ms)}" y1="0" y2="${H - 18}" stroke="#eee"/><text x="${x(ms)}" y="${H - 4}" text-anchor="middle" class="lbl">${sec(ms)}</text>`)}
${ran.map(
  (s, i) => html`<a href="#${scenarioAnchor(s.id)}"><title>${s.id}: ${WORDS[s.outcome as Outcome]}, ${sec(s.durationMs)}</title>
<text x="${label - 6}" y="${i * row + 10}" text-anchor="end" class="lbl">${s.id}</text>
<rect x="${x(s.startedMs! - t0)}" y="${i * row + 1}" width="${Math.max(1, x(s.startedMs! - t0 + s.durationMs) - x(s.startedMs! - t0))}" height="${row - 3}" fill="#f4f4f4" stroke="${OUTCOME_COLOURS[s.outcome] ?? '#000'}"/>
${s.timings.filter((l) => l.atMs !== undefined).map((l) => html`<rect x="${x(l.atMs! - t0)}" y="${i * row + 3}" width="${Math.max(0.5, x(l.atMs! - t0 + l.ms) - x(l.atMs! - t0))}" height="${row - 7}" fill="${PHASE_COLOURS[l.phase] ?? '#999'}"><title>${l.phase}: ${l.step} · ${l.name} (${Math.round(l.ms)} ms)</title></rect>`)}
</a>`,
)}
</svg></section>`;
}
