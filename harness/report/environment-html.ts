/** report.html's environment section (who, which versions, which images) and its list of the bundle's files. */
import type { ConformanceReport as Report } from './apis/v1alpha1.ts';
import { GATEWAY_API_REPORT_FILE, gatewayApiReportFor } from './gateway-api-report.ts';
import { EVIDENCE_FILE, SIGNATURE_FILE } from './seal.ts';
import { href, html, type Html } from './html.ts';

/** A link when the URL is https, else the text: the page links nowhere else. */
const external = (url: string) => (/^https:\/\//.test(url) ? html`<a href="${url}">${url}</a>` : html`${url}`);

export function environment(r: Report): Html {
  const e = r.environment;
  return html`<section id="environment"><h2>Environment</h2>
<table><tr><th>implementation</th><td>${r.implementation.organization} · ${r.implementation.project} ${r.implementation.version} · ${external(r.implementation.url)} · contact ${r.implementation.contact.join(', ') || 'none'}</td></tr>
<tr><th>suite</th><td>${e.suiteVersion}</td></tr><tr><th>Istio</th><td>${e.istioVersion ?? 'none'}</td></tr><tr><th>Kubernetes</th><td>${e.kubernetesVersion}${e.kindNodeImage ? ` (kind node ${e.kindNodeImage})` : ''}</td></tr>
<tr><th>Gateway API CRDs</th><td>${e.gatewayApi.version} (${e.gatewayApi.channel})</td></tr>
<tr><th>command</th><td><code>${e.commandLine}</code></td></tr>
${r.claimedFeatures ? html`<tr><th>claimed features</th><td>${r.claimedFeatures.join(', ')}</td></tr>` : ''}
<tr><th>images deployed</th><td><ul>${e.images.map((i) => html`<li><code>${i}</code></li>`)}</ul></td></tr></table></section>`;
}

export function files(r: Report): Html {
  const list: [string, string][] = [
    ['report.yaml', 'the report this page shows'],
    ['junit.xml', 'JUnit XML'],
    ['summary.md', 'Markdown summary'],
    ['run.log', "the run's log"],
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
