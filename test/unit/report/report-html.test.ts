/** report.html as a file of the bundle: written, sealed, verified, and what it says (no browser; see report-browser.test.ts). */
import { expect } from 'chai';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildReport } from '../../../harness/report/model.ts';
import { reportHtml, REPORT_HTML_FILE, sourceLink } from '../../../harness/report/report-html.ts';
import type { SplitTrace } from '../../../harness/stats/split-config.ts';
import { splitTrajectory } from '../../../harness/stats/split-trace.ts';
import { verifyBundle } from '../../../harness/report/verify.ts';
import { CATALOGUE } from '../../../suites/index.ts';
import { copyBundle, modelBundle, readReport, removeTempDirs, reseal } from './report-fixtures.ts';

const problemsOf = (dir: string) => verifyBundle(dir, CATALOGUE).problems;

/** The section of one scenario in the page. */
function section(page: string, id: string): string {
  const start = page.indexOf(`<section class="scenario" id="s-${id}"`);
  expect(start, id).to.be.above(0);
  return page.slice(start, page.indexOf('</section>', start));
}

describe('report.html', function () {
  this.timeout(120_000);
  let failed: string;
  let page: string;

  before(async () => {
    failed = await modelBundle('failed');
    page = readFileSync(path.join(failed, REPORT_HTML_FILE), 'utf8');
  });
  after(removeTempDirs);

  it('is in the bundle and sealed; report:verify renders it again, so an edit or a removal shows even resealed', () => {
    expect(problemsOf(failed)).to.deep.equal([]);
    const edited = copyBundle(failed);
    writeFileSync(path.join(edited, REPORT_HTML_FILE), page.replace('data-outcome="failed"', 'data-outcome="passed"'));
    reseal(edited);
    expect(problemsOf(edited)).to.deep.equal([
      `${REPORT_HTML_FILE}: differs from the page report.yaml gives (changed after writing, or written by another suite version than this one)`,
    ]);
    const removed = copyBundle(failed);
    rmSync(path.join(removed, REPORT_HTML_FILE));
    reseal(removed);
    expect(problemsOf(removed)).to.include(`${REPORT_HTML_FILE}: missing from the bundle`);
  });

  it('opens each failed scenario with why: the reason, expected beside seen, and the split test plotted', () => {
    const s = section(page, 'routing/httproute-90-10');
    expect(s).to.include('data-outcome="failed"').and.include('<details open>').and.include('Why it failed');
    expect(s).to.match(/<th>expected<\/th><td>shares reviews-v1=90\/reviews-v2=10\/reviews-v3=0<\/td>/);
    expect(s).to.match(/<th>seen<\/th><td><code>reviews-v1=\d+ reviews-v2=\d+ reviews-v3=0<\/code>/);
    expect(s).to.include('<svg').and.include('<polyline').and.include('fail: log ΣL');
    // The page links the scenario's upstream sources and its diagnostics file, which is in the bundle.
    expect(s).to.include(
      'href="https://github.com/istio/istio.io/blob/HEAD/content/en/docs/ambient/getting-started/manage-traffic/index.md"',
    );
    const diag = /href="(diagnostics\/[^"]+)"/.exec(s)![1];
    expect(existsSync(path.join(failed, diag))).to.equal(true);
    // A passing scenario is there too, closed.
    expect(section(page, 'mesh/basic')).to.include('data-outcome="passed"').and.not.include('<details open>');
  });

  it('replays every split check from its recorded trace to the verdict the check reached', () => {
    const checks = readReport(failed)
      .scenarios.flatMap((s) => s.checks)
      .filter((c) => c.evidence?.split);
    expect(checks.length).to.be.above(5);
    for (const c of checks) {
      const t = splitTrajectory(c.evidence!.split as SplitTrace);
      expect(t.state.decision, c.check).to.equal(c.outcome === 'passed' ? 'pass' : 'fail');
      expect(t.points.length).to.be.at.most(c.requests);
    }
  });

  it('records verdict counts and status conditions seen beside expected', () => {
    const s = section(page, 'mesh/basic');
    expect(s).to.match(/<small>\d+ requests by verdict:<\/small><div class="bar"><span class="seg v-allowed"/);
    expect(section(page, 'mesh/simple-same-namespace')).to.match(
      /<table class="condition"><tr><th>HTTPRoute [^<]+<\/th><th>expected<\/th><th>seen<\/th><\/tr>\s*<tr><th>type<\/th><td>Accepted<\/td><td>Accepted<\/td>/,
    );
  });

  it('links only to files of the bundle, its own sections, and upstream sources on GitHub; loads nothing', () => {
    const hrefs = [...page.matchAll(/href="([^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, '&'));
    expect(hrefs.length).to.be.above(100);
    for (const h of hrefs) {
      if (h.startsWith('#')) expect(page, h).to.include(`id="${h.slice(1)}"`);
      else if (h.startsWith('https://')) expect(h).to.match(/^https:\/\/(github\.com\/|acme\.example)/);
      else expect(existsSync(path.join(failed, h)), h).to.equal(true);
    }
    expect(page).to.not.match(/\ssrc=/);
    expect(page).to.include('http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;;');
  });

  it('escapes what it shows', () => {
    const report = JSON.parse(JSON.stringify(readReport(failed)));
    report.scenarios[0].reason = '<img src=x onerror=alert(1)> & "quotes"';
    const out = reportHtml(report, CATALOGUE);
    expect(out).to.include('&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quotes&quot;').and.not.include('<img');
  });

  it('links an upstream source at the tag it names, else at HEAD, and leaves other text as text', () => {
    expect(sourceLink('kubernetes-sigs/gateway-api conformance/tests/mesh/mesh-basic.go (v1.6.0)').text).to.equal(
      '<a href="https://github.com/kubernetes-sigs/gateway-api/blob/v1.6.0/conformance/tests/mesh/mesh-basic.go">kubernetes-sigs/gateway-api conformance/tests/mesh/mesh-basic.go</a> (v1.6.0)',
    );
    expect(sourceLink('istio/istio pilot/pkg/a.go; istio/istio.io content/b/index.md (x)').text).to.match(
      /blob\/HEAD\/pilot\/pkg\/a\.go.*; <a href="https:\/\/github.com\/istio\/istio.io\/blob\/HEAD\/content\/b\/index.md">/,
    );
    expect(sourceLink('Gateway API GEP-1426').text).to.equal('Gateway API GEP-1426');
  });

  it('a run whose setup failed still gets a page that says so', () => {
    const r = buildReport({
      results: [],
      scenarios: [],
      images: [],
      mode: 'e2e',
      planes: ['control', 'data'],
      claimedFeatures: undefined,
      setup: { step: 'install Istio', message: 'istioctl failed' },
      implementation: {
        organization: 'o',
        project: 'p',
        version: '1',
        url: 'https://example.org',
        contact: [],
        gatewayClassName: 'istio-waypoint',
      },
      environment: { kubernetesVersion: 'v1.34.0', gatewayApi: { version: 'unknown', channel: 'unknown' }, commandLine: 'npm run e2e' },
    });
    const out = reportHtml(JSON.parse(JSON.stringify(r)), CATALOGUE);
    expect(out)
      .to.include('Setup failed at &quot;install Istio&quot;: istioctl failed.')
      .and.include('No scenario ran, so there is no timeline.');
  });
});
