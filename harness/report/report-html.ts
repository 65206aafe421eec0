/**
 * report.html: the bundle for a person. Rendered from report.yaml alone (and the catalogue's
 * descriptions), so report:verify renders it again and compares: what the page says is what the
 * report says. Static, self-contained, no fetches; every essential shown without JavaScript (failed
 * scenarios open, everything else one click away in <details>); the inline script only filters.
 */
import { countOutcomes, OUTCOMES } from '../runner/results.ts';
import type { Scenario } from '../record/record.ts';
import { type Lap } from '../runner/stopwatch.ts';
import type { ConformanceReport } from './apis/v1alpha1.ts';
import { GATEWAY_API_REPORT_FILE, gatewayApiReportFor } from './gateway-api-report.ts';
import { type GatewayApiReport, type Status } from './apis/gateway-api-v1.ts';
import { BASE_STYLE, href, html, page, type Html } from './html.ts';
import { evidence } from './evidence-html.ts';
import { environment, files } from './environment-html.ts';
import { badge, scenarioAnchor, sec, WORDS } from './outcome-html.ts';
import { timeline } from './timeline-html.ts';

export const REPORT_HTML_FILE = 'report.html';

type Report = ConformanceReport;
type ScenarioEntry = Report['scenarios'][number];
type CheckEntry = ScenarioEntry['checks'][number];

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
  if (r.setup)
    return `Setup failed at "${r.setup.step}": ${r.setup.message}. No scenario ran: this report records a failed run, not conformance.`;
  const n = countOutcomes(r.scenarios);
  const broken = n.failed + n.error;
  if (broken > 0)
    return `${n.failed} failed, ${n.error} errors of ${r.scenarios.length} scenarios. Each failed scenario below says why; an error means the harness or the cluster broke.`;
  return `${n.passed} passed of ${r.scenarios.length} scenarios (${n['not-run']} not run, ${n['not-supported']} not supported).`;
}

function facts(r: Report): Html {
  const e = r.environment;
  const rows: [string, string][] = [
    ['mode', `${r.mode}${r.mode === 'selftest' ? ' (the suite against its model of ambient)' : ''}`],
    ['date', r.date],
    ['planes checked', r.planes.join(', ')],
    ['GatewayClass', `${r.implementation.gatewayClassName}${e.gatewayClass ? ` (controller ${e.gatewayClass.controllerName})` : ''}`],
    [
      'versions',
      `suite ${e.suiteVersion} · Istio ${e.istioVersion ?? 'none'} · Kubernetes ${e.kubernetesVersion} · Gateway API ${e.gatewayApi.version} (${e.gatewayApi.channel})`,
    ],
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
  const tests = g
    ? html`<table><tr><th>Gateway API test</th><th>result</th><th>scenario</th></tr>
${g.tests.map((t) => html`<tr><td>${t.name}</td><td>${badge(t.result, t.result)}</td><td><a href="#${scenarioAnchor(t.scenario)}">${t.scenario}</a></td></tr>`)}</table>`
    : '';
  const body = doc
    ? html`<p>Gateway API's own ConformanceReport (<a href="${GATEWAY_API_REPORT_FILE}">${GATEWAY_API_REPORT_FILE}</a>), built by Gateway API ${g?.version}'s rules; <code>npm run report:gateway-api -- DIR</code> lays it out for submission.</p>
<table><tr><th>profile</th><th>core</th><th></th><th>extended</th><th></th><th>summary</th></tr>
${(doc.profiles ?? []).map((p) => html`<tr><td>${p.name}</td>${status(p.core)}${status(p.extended)}<td>${p.summary}${p.extended?.supportedFeatures ? html`<br><small>supported: ${p.extended.supportedFeatures.join(', ')}</small>` : ''}${p.extended?.unsupportedFeatures ? html`<br><small>unsupported: ${p.extended.unsupportedFeatures.join(', ')}</small>` : ''}</td></tr>`)}
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
  return [
    `${REPORT_HTML_FILE}: differs from the page report.yaml gives (changed after writing, or written by another suite version than this one)`,
  ];
}
