/** report.html's pictures of what a check saw: verdict bars, a condition table, the split test's plot. */
import type { CheckEvidence } from '../checks/check.ts';
import type { SplitTrace } from '../stats/split-config.ts';
import { splitTrajectory } from '../stats/split-trace.ts';
import { html, type Html } from './html.ts';

function verdictBar(verdicts: Record<string, number>): Html {
  const total = Object.values(verdicts).reduce((a, b) => a + b, 0) || 1;
  return html`<div class="bar">${Object.entries(verdicts).map(([v, n]) => html`<span class="seg v-${v.replace(/[^a-z0-9-]/gi, '-')}" style="width:${((100 * n) / total).toFixed(2)}%" title="${v}: ${n}">${v} ${n}</span>`)}</div>`;
}

function conditionTable(c: NonNullable<CheckEvidence['condition']>): Html {
  const seen = c.seen ?? {};
  const keys = [...new Set([...Object.keys(c.expected), 'type', 'status', 'reason', 'message'])];
  const seenOf = (k: string) => (k === 'messagePrefix' ? seen.message : seen[k]);
  const differs = (k: string) => {
    const want = c.expected[k];
    const got = seenOf(k);
    if (want === undefined) return false;
    return k === 'messagePrefix' ? !String(got ?? '').startsWith(want) : String(got ?? '') !== want;
  };
  return html`<table class="condition"><tr><th>${c.object}</th><th>expected</th><th>seen</th></tr>
${keys.map((k) => html`<tr${differs(k) ? html` class="mismatch"` : ''}><th>${k}</th><td>${c.expected[k] ?? '(any)'}</td><td>${c.seen === null ? '(no such condition)' : String(seenOf(k) ?? '—')}</td></tr>`)}</table>`;
}

/** The split test's statistics after each request, against its bounds (harness/stats/split-test.ts). */
export function splitPlot(trace: SplitTrace, requests?: number): Html {
  const t = splitTrajectory(trace);
  const n = t.points.length;
  if (n === 0) return html`<p>No request was decided.</p>`;
  const W = 640;
  const H = 220;
  const pad = { l: 48, r: 150, t: 12, b: 28 };
  const ys = t.points.flatMap((p) => [p.logSum, ...p.llr]).filter(Number.isFinite);
  const lo = Math.min(t.logB, ...ys) - 0.5;
  const hi = Math.max(t.logThreshold, ...ys) + 0.5;
  const x = (i: number) => pad.l + ((W - pad.l - pad.r) * i) / Math.max(1, n);
  const y = (v: number) => pad.t + ((H - pad.t - pad.b) * (hi - Math.min(hi, Math.max(lo, v)))) / (hi - lo);
  const step = Math.max(1, Math.ceil(n / 600));
  const line = (f: (i: number) => number) => {
    const idx = [...Array(n).keys()].filter((i) => i % step === 0 || i === n - 1);
    return ['0', ...idx.map((i) => i + 1)]
      .map((k) => `${x(Number(k)).toFixed(1)},${y(k === '0' ? 0 : f(Number(k) - 1)).toFixed(1)}`)
      .join(' ');
  };
  const colours = ['#1a73e8', '#0f9d58', '#f29900', '#a142f4'];
  const legend = [
    html`<text x="${W - pad.r + 8}" y="${y(t.logThreshold) + 4}" class="lbl fail">fail: log ΣL = ${t.logThreshold.toFixed(1)}</text>`,
    html`<text x="${W - pad.r + 8}" y="${y(t.logB) + 4}" class="lbl">accept: log B = ${t.logB.toFixed(1)}</text>`,
  ];
  return html`<figure class="split"><svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" role="img" aria-label="sequential split test: ${t.state.decision} after ${n} requests">
<rect x="${pad.l}" y="${pad.t}" width="${W - pad.l - pad.r}" height="${H - pad.t - pad.b}" fill="#fff" stroke="#ccc"/>
<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(t.logThreshold)}" y2="${y(t.logThreshold)}" class="bound fail"/>
<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(t.logB)}" y2="${y(t.logB)}" class="bound"/>
<line x1="${pad.l}" x2="${W - pad.r}" y1="${y(0)}" y2="${y(0)}" stroke="#ddd"/>
${t.tested.map((r, k) => html`<polyline fill="none" stroke="${colours[k % colours.length]}" stroke-width="1" points="${line((i) => t.points[i].llr[k])}"><title>log L for ${r.backend} at ${(r.p1 * 100).toFixed(0)}% (configured ${(r.p0 * 100).toFixed(0)}%)</title></polyline>`)}
<polyline fill="none" stroke="#b3261e" stroke-width="2" points="${line((i) => t.points[i].logSum)}"><title>log Σ L (the test fails when it reaches the upper bound)</title></polyline>
${legend}
<text x="${pad.l}" y="${H - 8}" class="lbl">request 1</text><text x="${W - pad.r}" y="${H - 8}" text-anchor="end" class="lbl">request ${n}</text>
<text x="6" y="${y(0) + 4}" class="lbl">0</text>
</svg><figcaption>Sequential test over ${n} decided requests: <strong>${t.state.decision}</strong>, ${t.state.reason}. Red: log ΣL<sub>i</sub> against the failure bound log(m/α); thin lines: each ratio's log L<sub>i</sub>, accepted at log B. Counts: ${Object.entries(
    t.state.counts,
  )
    .map(([b, c]) => `${b} ${c} (${((100 * c) / n).toFixed(1)}%, configured ${(100 * (t.state.expectedShares[b] ?? 0)).toFixed(1)}%)`)
    .join(
      ', ',
    )}.${requests !== undefined && requests > n ? ` The check's other ${requests - n} of its ${requests} requests came first: the warm-up that waits until the configuration is in effect, not part of the test.` : ''}</figcaption></figure>`;
}

/** A check's evidence: expected beside seen, the verdicts, a condition, the split test. */
export function evidence(c: { evidence?: unknown; outcome: string; requests: number }): Html {
  const e = c.evidence as CheckEvidence | undefined;
  if (!e) return html``;
  return html`<div class="evidence">
${e.expected || e.seen ? html`<table class="expected-seen"><tr><th>expected</th><td>${e.expected ?? ''}</td></tr>${e.seen ? html`<tr class="${c.outcome === 'passed' ? '' : 'mismatch'}"><th>seen</th><td><code>${e.seen}</code></td></tr>` : ''}</table>` : ''}
${e.verdicts ? html`<div class="verdicts"><small>${c.requests} requests by verdict:</small>${verdictBar(e.verdicts)}</div>` : ''}
${e.condition ? conditionTable(e.condition) : ''}
${e.split ? splitPlot(e.split, c.requests) : ''}
</div>`;
}
