/**
 * report.html: the bundle for a person. Rendered from report.yaml alone (and the catalogue's
 * descriptions), so report:verify renders it again and compares: what the page says is what the
 * report says. Static, self-contained, no fetches; every essential shown without JavaScript (failed
 * scenarios open, everything else one click away in <details>); the inline script only filters.
 */
import { countOutcomes, OUTCOMES, type Outcome } from '../runner/results.ts';
import type { CheckEvidence } from '../checks/check.ts';
import type { Scenario } from '../scenario/types.ts';
import { splitTrajectory, type SplitTrace } from '../stats/split-test.ts';
import { PHASES, type Lap } from '../runner/stopwatch.ts';
import type { ConformanceReport } from './model.ts';
import { GATEWAY_API_REPORT_FILE, gatewayApiReportFor, type GatewayApiReport, type Status } from './gateway-api-report.ts';
import { EVIDENCE_FILE, SIGNATURE_FILE } from './seal.ts';
import { BASE_STYLE, href, html, page, type Html } from './html.ts';

export const REPORT_HTML_FILE = 'report.html';

type Report = ConformanceReport;
type ScenarioEntry = Report['scenarios'][number];
type CheckEntry = ScenarioEntry['checks'][number];

const WORDS: Record<Outcome, string> = { passed: 'passed', failed: 'failed', 'not-run': 'not run', 'not-supported': 'not supported', error: 'error' };
const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** The anchor of a scenario's section, also what the matrix page links to. */
export const scenarioAnchor = (id: string) => `s-${id}`;
const badge = (o: string, text = WORDS[o as Outcome] ?? o) => html`<span class="badge ${o}">${text}</span>`;

/** "owner/repo path/to/file (note)" → a link to that file on GitHub (at the tag the text names, else HEAD). */
export function sourceLink(source: string): Html {
  const parts = source.split(/;\s*/);
  return html`${parts.map((part, i) => {
    const m = /^([\w.-]+\/[\w.-]+)\s+([\w./@-]+\.[\w]+|[\w./-]+\/)(.*)$/s.exec(part.trim());
    const sep = i < parts.length - 1 ? '; ' : '';
    if (!m) return html`${part}${sep}`;
    const ref = /\((v\d+\.\d+\.\d+)\)/.exec(m[3])?.[1] ?? 'HEAD';
    return html`<a href="${href(`https://github.com/${m[1]}/blob/${ref}/${m[2]}`)}">${m[1]} ${m[2]}</a>${m[3]}${sep}`;
  })}`;
}

function headline(r: Report): string {
  if (r.setup) return `Setup failed at "${r.setup.step}": ${r.setup.message}. No scenario ran: this report records a failed run, not conformance.`;
  const n = countOutcomes(r.scenarios);
  const broken = n.failed + n.error;
  if (broken > 0) return `${n.failed} failed, ${n.error} errors of ${r.scenarios.length} scenarios. Each failed scenario below says why; an error means the harness or the cluster broke.`;
  return `${n.passed} passed of ${r.scenarios.length} scenarios (${n['not-run']} not run, ${n['not-supported']} not supported).`;
}

function facts(r: Report): Html {
  const e = r.environment;
  const rows: [string, string][] = [
    ['mode', `${r.mode}${r.mode === 'selftest' ? ' (the suite against its model of ambient)' : ''}`],
    ['date', r.date],
    ['planes checked', r.planes.join(', ')],
    ['GatewayClass', `${r.implementation.gatewayClassName}${e.gatewayClass ? ` (controller ${e.gatewayClass.controllerName})` : ''}`],
    ['versions', `suite ${e.suiteVersion} · Istio ${e.istioVersion ?? 'none'} · Kubernetes ${e.kubernetesVersion} · Gateway API ${e.gatewayApi.version} (${e.gatewayApi.channel})`],
  ];
  return html`<table class="facts">${rows.map(([k, v]) => html`<tr><th>${k}</th><td>${v}</td></tr>`)}</table>`;
}

function summary(r: Report): Html {
  const n = countOutcomes(r.scenarios);
  const attention = r.scenarios.filter((s) => s.outcome === 'failed' || s.outcome === 'error');
  return html`<section id="summary"><h2>Summary</h2>
<p class="counts">${OUTCOMES.map((o) => html`${badge(o, `${n[o]} ${WORDS[o]}`)} `)}</p>
${attention.length ? html`<p><strong>Needs attention:</strong></p><ul class="attention">${attention.map((s) => html`<li><a href="#${scenarioAnchor(s.id)}">${s.id}</a> ${badge(s.outcome)} ${s.reason ?? ''}</li>`)}</ul>` : ''}
<table><tr><th>profile</th><th>result</th>${OUTCOMES.map((o) => html`<th>${WORDS[o]}</th>`)}<th>supported features</th><th>unsupported</th></tr>
${r.profiles.map((p) => html`<tr><td>${p.name}</td><td>${badge(p.result, p.result)}</td>${OUTCOMES.map((o) => html`<td>${p.summary[o]}</td>`)}<td>${p.supportedFeatures.join(', ')}</td><td>${p.unsupportedFeatures.join(', ')}</td></tr>`)}
</table></section>`;
}

function status(s: Status | undefined): Html {
  if (!s) return html`<td colspan="2">—</td>`;
  const st = s.statistics;
  const lists = [...(s.failedTests ?? []).map((t) => `failed: ${t}`), ...(s.skippedTests ?? []).map((t) => `skipped: ${t}`)];
  return html`<td>${badge(s.result, s.result)}</td><td>${st.Passed} passed, ${st.Failed} failed, ${st.Skipped} skipped${lists.length ? html`<br><small>${lists.join(', ')}</small>` : ''}</td>`;
}

function gatewayApi(r: Report): Html {
  const g = r.gatewayApiConformance;
  const doc: GatewayApiReport | undefined = gatewayApiReportFor(r);
  const tests = g ? html`<table><tr><th>Gateway API test</th><th>result</th><th>scenario</th></tr>
${g.tests.map((t) => html`<tr><td>${t.name}</td><td>${badge(t.result, t.result)}</td><td><a href="#${scenarioAnchor(t.scenario)}">${t.scenario}</a></td></tr>`)}</table>` : '';
  const body = doc
    ? html`<p>Gateway API's own ConformanceReport (<a href="${GATEWAY_API_REPORT_FILE}">${GATEWAY_API_REPORT_FILE}</a>), built by Gateway API ${g?.version}'s rules; <code>npm run report:gateway-api -- DIR</code> lays it out for submission.</p>
<table><tr><th>profile</th><th>core</th><th></th><th>extended</th><th></th><th>summary</th></tr>
${doc.profiles.map((p) => html`<tr><td>${p.name}</td>${status(p.core)}${status(p.extended)}<td>${p.summary}${p.extended?.supportedFeatures ? html`<br><small>supported: ${p.extended.supportedFeatures.join(', ')}</small>` : ''}${p.extended?.unsupportedFeatures ? html`<br><small>unsupported: ${p.extended.unsupportedFeatures.join(', ')}</small>` : ''}</td></tr>`)}
</table>${doc.succeededProvisionalTests ? html`<p>Provisional tests that succeeded: ${doc.succeededProvisionalTests.join(', ')}.</p>` : ''}`
    : html`<p>No Gateway API ConformanceReport in this bundle: ${g?.withheld ?? 'report.yaml gives none'}.</p>`;
  return html`<section id="gateway-api"><h2>Gateway API conformance</h2>${body}<details><summary>Per-test results (${g?.tests.length ?? 0} mesh tests)</summary>${tests}</details></section>`;
}

function overview(r: Report): Html {
  return html`<section id="scenarios"><h2>Scenarios</h2>
<p class="filter-note">Failed and broken scenarios are open below; the others open with a click.</p>
<table class="overview"><tr><th>scenario</th><th>area</th><th>outcome</th><th>duration</th><th>why</th></tr>
${r.scenarios.map((s) => html`<tr data-outcome="${s.outcome}"><td><a href="#${scenarioAnchor(s.id)}">${s.id}</a></td><td>${s.area}</td><td>${badge(s.outcome)}</td><td>${sec(s.durationMs)}</td><td>${(s.reason ?? '').slice(0, 160)}</td></tr>`)}
</table></section>`;
}

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
    return ['0', ...idx.map((i) => i + 1)].map((k) => `${x(Number(k)).toFixed(1)},${y(k === '0' ? 0 : f(Number(k) - 1)).toFixed(1)}`).join(' ');
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
</svg><figcaption>Sequential test over ${n} decided requests: <strong>${t.state.decision}</strong>, ${t.state.reason}. Red: log ΣL<sub>i</sub> against the failure bound log(m/α); thin lines: each ratio's log L<sub>i</sub>, accepted at log B. Counts: ${Object.entries(t.state.counts).map(([b, c]) => `${b} ${c} (${((100 * c) / n).toFixed(1)}%, configured ${((100 * (t.state.expectedShares[b] ?? 0))).toFixed(1)}%)`).join(', ')}.${requests !== undefined && requests > n ? ` The check's other ${requests - n} of its ${requests} requests came first: the warm-up that waits until the configuration is in effect, not part of the test.` : ''}</figcaption></figure>`;
}

function evidence(c: CheckEntry): Html {
  const e = c.evidence as CheckEvidence | undefined;
  if (!e) return html``;
  return html`<div class="evidence">
${e.expected || e.seen ? html`<table class="expected-seen"><tr><th>expected</th><td>${e.expected ?? ''}</td></tr>${e.seen ? html`<tr class="${c.outcome === 'passed' ? '' : 'mismatch'}"><th>seen</th><td><code>${e.seen}</code></td></tr>` : ''}</table>` : ''}
${e.verdicts ? html`<div class="verdicts"><small>${c.requests} requests by verdict:</small>${verdictBar(e.verdicts)}</div>` : ''}
${e.condition ? conditionTable(e.condition) : ''}
${e.split ? splitPlot(e.split, c.requests) : ''}
</div>`;
}

function check(c: CheckEntry): Html {
  const open = c.outcome === 'failed' || c.outcome === 'error';
  return html`<tr class="check" data-outcome="${c.outcome}"><td>${c.step}</td><td>${c.check}</td><td>${c.plane}</td><td>${badge(c.outcome)}</td><td>${c.requests}</td>
<td>${open ? html`<pre>${c.detail}</pre>` : html`<details><summary>detail</summary><pre>${c.detail}</pre></details>`}${evidence(c)}</td></tr>`;
}

function laps(timings: readonly Lap[]): Html {
  if (timings.length === 0) return html``;
  return html`<details><summary>Timings (${timings.length} laps)</summary><table><tr><th>phase</th><th>step</th><th>what</th><th>ms</th></tr>
${timings.map((l) => html`<tr><td>${l.phase}</td><td>${l.step}</td><td>${l.name}</td><td>${Math.round(l.ms)}</td></tr>`)}</table></details>`;
}

const WHY: Record<string, string> = { failed: 'Why it failed', error: 'Why it broke (the harness or the cluster, not the implementation)' };

function scenarioSection(s: ScenarioEntry, description: string | undefined): Html {
  const bad = s.outcome === 'failed' || s.outcome === 'error';
  const failing = s.checks.find((c) => c.outcome === 'failed' || c.outcome === 'error');
  return html`<section class="scenario" id="${scenarioAnchor(s.id)}" data-outcome="${s.outcome}">
<details${bad ? html` open` : ''}><summary><h3>${s.id} ${badge(s.outcome)}</h3> <span class="dur">${sec(s.durationMs)}</span></summary>
${description ? html`<p>${description}</p>` : ''}
${s.reason ? html`<div class="why why-${s.outcome}"><strong>${WHY[s.outcome] ?? 'Why'}:</strong> ${s.reason}${failing ? evidence(failing) : ''}</div>` : ''}
<table class="meta"><tr><th>profile</th><td>${s.profile}</td></tr><tr><th>features</th><td>${s.features.join(', ')}</td></tr>
<tr><th>upstream source</th><td>${s.source.map((x) => html`<div>${sourceLink(x)}</div>`)}</td></tr>
<tr><th>time</th><td>${sec(s.durationMs)}, converged in ${sec(s.convergenceMs)}</td></tr>
${s.diagnostics ? html`<tr><th>diagnostics</th><td><a href="${href(s.diagnostics)}">${s.diagnostics}</a> (curl batches, applied objects, status, events, logs)</td></tr>` : ''}
</table>
<table class="checks"><tr><th>step</th><th>check</th><th>plane</th><th>outcome</th><th>requests</th><th>detail and evidence</th></tr>
${s.checks.map(check)}</table>
${laps(s.timings)}
</details></section>`;
}

const PHASE_COLOURS: Record<string, string> = { apply: '#7baaf7', wait: '#fbcb43', check: '#57bb8a', diagnostics: '#c58af9', cleanup: '#bdbdbd' };
const OUTCOME_COLOURS: Record<string, string> = { passed: '#1f7a3a', failed: '#b3261e', error: '#8a3ffc', 'not-run': '#8a6d00', 'not-supported': '#777' };

/** Each scenario that ran as a bar from its start, its laps in it by phase (the run's clock). */
function timeline(r: Report): Html {
  const ran = r.scenarios.filter((s) => s.startedMs !== undefined).sort((a, b) => a.startedMs! - b.startedMs!);
  if (ran.length === 0) return html`<section id="timeline"><h2>Timeline</h2><p>No scenario ran, so there is no timeline.</p></section>`;
  const t0 = ran[0].startedMs!;
  const end = Math.max(...ran.map((s) => s.startedMs! + s.durationMs)) - t0 || 1;
  const [W, label, row] = [1150, 340, 13];
  const x = (ms: number) => label + ((W - label - 10) * ms) / end;
  const H = ran.length * row + 30;
  const ticks = [...Array(11).keys()].map((i) => (end * i) / 10);
  return html`<section id="timeline"><h2>Timeline</h2>
<p>${ran.length} scenarios over ${sec(end)} of the run's clock${r.mode === 'selftest' ? ' (the model\'s virtual clock)' : ''}; bars coloured by phase: ${PHASES.map((p) => html`<span class="key" style="background:${PHASE_COLOURS[p]}">${p}</span> `)}, outlined by outcome.</p>
<svg viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" class="timeline" role="img" aria-label="timeline of ${ran.length} scenarios">
${ticks.map((ms) => html`<line x1="${x(ms)}" x2="${x(ms)}" y1="0" y2="${H - 18}" stroke="#eee"/><text x="${x(ms)}" y="${H - 4}" text-anchor="middle" class="lbl">${sec(ms)}</text>`)}
${ran.map((s, i) => html`<a href="#${scenarioAnchor(s.id)}"><title>${s.id}: ${WORDS[s.outcome as Outcome]}, ${sec(s.durationMs)}</title>
<text x="${label - 6}" y="${i * row + 10}" text-anchor="end" class="lbl">${s.id}</text>
<rect x="${x(s.startedMs! - t0)}" y="${i * row + 1}" width="${Math.max(1, x(s.startedMs! - t0 + s.durationMs) - x(s.startedMs! - t0))}" height="${row - 3}" fill="#f4f4f4" stroke="${OUTCOME_COLOURS[s.outcome] ?? '#000'}"/>
${s.timings.filter((l) => l.atMs !== undefined).map((l) => html`<rect x="${x(l.atMs! - t0)}" y="${i * row + 3}" width="${Math.max(0.5, x(l.atMs! - t0 + l.ms) - x(l.atMs! - t0))}" height="${row - 7}" fill="${PHASE_COLOURS[l.phase] ?? '#999'}"><title>${l.phase}: ${l.step} · ${l.name} (${Math.round(l.ms)} ms)</title></rect>`)}
</a>`)}
</svg></section>`;
}

/** A link when the URL is https, else the text: the page links nowhere else. */
const external = (url: string) => (/^https:\/\//.test(url) ? html`<a href="${url}">${url}</a>` : html`${url}`);

function environment(r: Report): Html {
  const e = r.environment;
  return html`<section id="environment"><h2>Environment</h2>
<table><tr><th>implementation</th><td>${r.implementation.organization} · ${r.implementation.project} ${r.implementation.version} · ${external(r.implementation.url)} · contact ${r.implementation.contact.join(', ') || 'none'}</td></tr>
<tr><th>suite</th><td>${e.suiteVersion}</td></tr><tr><th>Istio</th><td>${e.istioVersion ?? 'none'}</td></tr><tr><th>Kubernetes</th><td>${e.kubernetesVersion}${e.kindNodeImage ? ` (kind node ${e.kindNodeImage})` : ''}</td></tr>
<tr><th>Gateway API CRDs</th><td>${e.gatewayApi.version} (${e.gatewayApi.channel})</td></tr>
<tr><th>command</th><td><code>${e.commandLine}</code></td></tr>
${r.claimedFeatures ? html`<tr><th>claimed features</th><td>${r.claimedFeatures.join(', ')}</td></tr>` : ''}
<tr><th>images deployed</th><td><ul>${e.images.map((i) => html`<li><code>${i}</code></li>`)}</ul></td></tr></table></section>`;
}

function files(r: Report): Html {
  const list: [string, string][] = [
    ['report.yaml', 'the report this page shows'], ['junit.xml', 'JUnit XML'], ['summary.md', 'Markdown summary'], ['run.log', 'the run\'s log'],
    ...(gatewayApiReportFor(r) ? [[GATEWAY_API_REPORT_FILE, 'Gateway API ConformanceReport'] as [string, string]] : []),
    ...r.scenarios.filter((s) => s.diagnostics).map((s) => [s.diagnostics!, `diagnostics of ${s.id}`] as [string, string]),
    [EVIDENCE_FILE, 'sha256 of every file of the bundle, this page included'],
  ];
  return html`<section id="seal"><h2>Seal and signature</h2>
<p>This page is one of the files <a href="${EVIDENCE_FILE}">${EVIDENCE_FILE}</a> seals: it lists the sha256 of every file of the bundle, written after the last one.
A signature covers ${EVIDENCE_FILE} and so every file: <code>npm run report:sign -- DIR</code> adds <code>${SIGNATURE_FILE}</code> beside it.
This page is written before any signature, so it cannot say whether the bundle is signed: <code>npm run report:verify -- DIR --identity SIGNER</code> checks the seal, this page against report.yaml, and the signature.</p>
<h3>Files</h3><ul>${list.map(([f, what]) => html`<li><a href="${href(f)}">${f}</a>: ${what}</li>`)}</ul></section>`;
}

const STYLE = `${BASE_STYLE}
header{background:#fff;border-bottom:1px solid #ddd}header main{padding-bottom:.5em}
nav{background:#263238}nav a{color:#fff;display:inline-block;padding:.5em .8em;text-decoration:none}
.headline{font-size:1.1em;font-weight:600}.facts th{width:9em}
section.scenario{background:#fff;border:1px solid #ddd;margin:.6em 0;padding:.2em .8em}
section.scenario summary{cursor:pointer}section.scenario h3{display:inline;font-size:1.05em;margin:0}.dur{color:#666;margin-left:.5em}
.why{margin:.5em 0;padding:.5em .8em;border-left:4px solid}.why-failed{border-color:var(--fail);background:#fff7f6}.why-error{border-color:var(--err);background:#faf6ff}
.why-not-run,.why-not-supported{border-color:#aaa;background:#f7f7f7}
.mismatch td,.mismatch th{background:var(--fail-bg)}
.bar{display:flex;width:100%;max-width:640px;height:1.4em;border:1px solid #ccc;margin:.2em 0;font-size:.8em;overflow:hidden}
.seg{overflow:hidden;white-space:nowrap;padding:0 .3em;background:#cfd8dc}.seg.v-allowed{background:#a8dab5}.seg.v-denied-l7,.seg.v-denied-l4{background:#f6aea9}
.seg.v-timeout,.seg.v-unavailable,.seg.v-other{background:#fdd663}
svg .bound{stroke:#555;stroke-dasharray:4 3}svg .bound.fail{stroke:#b3261e}svg .lbl{font-size:10px;fill:#333}svg .lbl.fail{fill:#b3261e}
figure.split{margin:.5em 0}figure.split svg{max-width:100%;height:auto}figcaption{font-size:.9em;color:#333;max-width:800px}
.key{display:inline-block;padding:0 .4em;font-size:.85em}
.checks td:nth-child(6){max-width:700px}
body.only-bad section.scenario:not([data-outcome=failed]):not([data-outcome=error]),body.only-bad table.overview tr[data-outcome]:not([data-outcome=failed]):not([data-outcome=error]){display:none}
`;

/** Progressive only: a button that hides what passed. Everything is on the page without it. */
const SCRIPT = `(function(){var p=document.querySelector('.filter-note');if(!p)return;var b=document.createElement('button');b.type='button';b.textContent='Show only failed and broken';
b.addEventListener('click',function(){var on=document.body.classList.toggle('only-bad');b.textContent=on?'Show all':'Show only failed and broken';});p.appendChild(document.createTextNode(' '));p.appendChild(b);})();`;

export function reportHtml(r: Report, catalogue: readonly Pick<Scenario, 'id' | 'description'>[]): string {
  const describe = new Map(catalogue.map((s) => [s.id, s.description]));
  const body = html`<header><main><h1>Waypoint conformance · ${r.implementation.project} ${r.implementation.version}</h1>
<p class="headline">${headline(r)}</p>${facts(r)}</main></header>
<nav><a href="#summary">Summary</a><a href="#gateway-api">Gateway API</a><a href="#scenarios">Scenarios</a><a href="#timeline">Timeline</a><a href="#environment">Environment</a><a href="#seal">Seal</a></nav>
<main>${summary(r)}${gatewayApi(r)}${overview(r)}
${r.scenarios.map((s) => scenarioSection(s, describe.get(s.id)))}
${timeline(r)}${environment(r)}${files(r)}</main>`;
  return page(`Waypoint conformance: ${r.implementation.project} ${r.implementation.version}`, STYLE, body, SCRIPT);
}

/** report:verify: the page is the one report.yaml gives (rendered again with this suite version). */
export function checkReportHtml(r: Report, text: string, catalogue: readonly Pick<Scenario, 'id' | 'description'>[]): string[] {
  if (text === reportHtml(r, catalogue)) return [];
  return [`${REPORT_HTML_FILE}: differs from the page report.yaml gives (changed after writing, or written by another suite version than this one)`];
}
