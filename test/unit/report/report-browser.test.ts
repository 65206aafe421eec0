/**
 * report.html and the matrix page in a real browser: Debian's Chromium, headless, driven by
 * puppeteer-core (which downloads no browser). What a person looks for is on the page, every link
 * resolves inside the bundle, nothing is fetched, and the essentials hold with JavaScript off.
 * Screenshots are kept in reports/browser-test/ (gitignored). Skipped, with the reason, without Chromium.
 */
import { expect } from 'chai';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { REPORT_HTML_FILE } from '../../../harness/report/report-html.ts';
import { modelBundle, readReport, removeTempDirs, tempDir } from './report-fixtures.ts';
import { CATALOGUE } from '../../../suites/index.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SCREENSHOTS = path.join(REPO, 'reports', 'browser-test');

/** Debian's package installs /usr/bin/chromium; CHROMIUM_PATH overrides. */
function chromium(): string | undefined {
  return [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p): p is string => !!p && existsSync(p));
}

interface Link {
  href: string;
  text: string;
}

/** Every link of the page, resolved as the browser follows it (SVG links included). */
async function links(page: Page): Promise<Link[]> {
  return page.$$eval('a[href]', (as) =>
    as.map((a) => ({ href: new URL(a.getAttribute('href')!, document.baseURI).href, text: a.textContent ?? '' })),
  );
}

/** Opens the page and records every request it makes (a self-contained page makes only its own). */
async function open(browser: Browser, file: string, js = true): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage();
  await page.setViewport({ width: 1300, height: 900 });
  await page.setJavaScriptEnabled(js);
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, requests };
}

/**
 * Each file: link must name an existing file inside `root`, and its fragment an element of that page
 * (each page opened once); an https link must go to an upstream source.
 */
async function brokenLinks(browser: Browser, root: string, all: Link[]): Promise<string[]> {
  const problems: string[] = [];
  const anchors = new Map<string, Set<string>>();
  for (const l of all) {
    const url = new URL(l.href);
    if (url.protocol === 'https:') {
      if (url.hostname !== 'github.com' && url.hostname !== 'acme.example') problems.push(`external link to ${l.href}`);
      continue;
    }
    if (url.protocol !== 'file:') {
      problems.push(`link ${l.href} is neither a bundle file nor an upstream source`);
      continue;
    }
    const file = fileURLToPath(url);
    if (!file.startsWith(root + path.sep)) problems.push(`${l.href} points outside ${root}`);
    else if (!existsSync(file) || !statSync(file).isFile()) problems.push(`${l.href}: no such file in the bundle`);
    else if (url.hash && file.endsWith('.html'))
      anchors.set(file, (anchors.get(file) ?? new Set()).add(decodeURIComponent(url.hash.slice(1))));
  }
  for (const [file, ids] of anchors) {
    const { page } = await open(browser, file, false);
    const missing = await page.evaluate((xs) => xs.filter((id) => document.getElementById(id) === null), [...ids]);
    await page.close();
    problems.push(...missing.map((id) => `${path.relative(root, file)}#${id}: no such element`));
  }
  return problems;
}

describe('report.html and the matrix page in headless Chromium', function () {
  this.timeout(300_000);
  let browser: Browser;
  let failed: string;
  let passed: string;
  let report: string;

  before(async function () {
    const exe = chromium();
    if (!exe) {
      console.log("      skipped: no Chromium (install Debian's package: apt-get install chromium; .ci/run does), or set CHROMIUM_PATH");
      this.skip();
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    console.log(`      screenshots: ${SCREENSHOTS}`);
    [failed, passed] = await Promise.all([modelBundle('failed'), modelBundle('passed')]);
    report = path.join(failed, REPORT_HTML_FILE);
    // Debian's Chromium as root needs --no-sandbox; nothing it loads here comes from the network.
    browser = await puppeteer.launch({ executablePath: exe, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
  });
  after(async () => {
    await browser?.close();
    removeTempDirs();
  });

  it('shows what a person looks for, and fetches nothing but the page', async () => {
    const { page, requests } = await open(browser, report);
    expect(await page.$eval('h1', (h) => h.textContent)).to.equal('Waypoint conformance · acme-waypoint 2.3.0');
    expect(await page.$eval('.headline', (p) => p.textContent)).to.match(
      new RegExp(`^6 failed, 0 errors of ${CATALOGUE.length} scenarios`),
    );
    expect(await page.$$eval('ul.attention li', (l) => l.length)).to.equal(6);
    expect(await page.$eval('#gateway-api', (s) => (s as HTMLElement).innerText))
      .to.match(/MESH-HTTP/)
      .and.match(/failure/);
    expect(await page.$$eval('#timeline svg rect', (r) => r.length)).to.be.above(75);
    expect(await page.$eval('#environment', (s) => (s as HTMLElement).innerText))
      .to.include('Istio')
      .and.include('images deployed');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'report-top.png') });
    await (await page.$('#timeline'))!.screenshot({ path: path.join(SCREENSHOTS, 'report-timeline.png') });
    expect(requests).to.deep.equal([pathToFileURL(report).href]);
    await page.close();
  });

  it("with JavaScript off, a failed scenario's section shows why it failed, its split test plotted", async () => {
    const { page } = await open(browser, report, false);
    const id = 's-routing/httproute-90-10';
    const text = await page.$eval(`[id="${id}"]`, (s) => (s as HTMLElement).innerText);
    expect(text)
      .to.include('Why it failed')
      .and.match(/share of reviews-v2 is not 10\.0%/)
      .and.match(/expected\s+shares reviews-v1=90\/reviews-v2=10\/reviews-v3=0/);
    expect(await page.$eval(`[id="${id}"] .why svg polyline`, (e) => e.checkVisibility()), 'the plot is shown, not folded away').to.equal(
      true,
    );
    // The requests column counts the warm-up too; the caption says what of them the test did not decide on.
    const requests = Number(await page.$eval(`[id="${id}"] tr.check[data-outcome="failed"] td:nth-child(5)`, (td) => td.textContent));
    const decided = Number(/Sequential test over (\d+) decided requests/.exec(text)![1]);
    expect(requests).to.be.above(decided);
    expect(text).to.include(`The check's other ${requests - decided} of its ${requests} requests came first: the warm-up`);
    // Nothing of a section is cut off at the right: the screenshot below holds all of it (the plot overflowed its cell before).
    expect(await page.$$eval('section.scenario', (ss) => ss.filter((s) => s.scrollWidth > s.clientWidth).map((s) => s.id))).to.deep.equal(
      [],
    );
    // What passed stays one click away: its checks are folded until opened.
    expect(await page.$eval('[id="s-mesh/basic"] table.checks', (e) => e.checkVisibility())).to.equal(false);
    await (await page.$(`[id="${id}"]`))!.screenshot({ path: path.join(SCREENSHOTS, 'failed-scenario-no-js.png') });
    await page.close();
  });

  it('every link resolves inside the bundle (files and sections), or is an upstream source', async () => {
    const { page } = await open(browser, report, false);
    const all = await links(page);
    await page.close();
    const inside = all.filter((l) => !l.href.startsWith('https:'));
    expect(inside.length).to.be.above(100);
    expect(new Set(inside.map((l) => new URL(l.href).pathname.split('/').pop()))).to.include.members([
      REPORT_HTML_FILE,
      'report.yaml',
      'evidence.json',
      'gateway-api-conformance-report.yaml',
    ]);
    expect(await brokenLinks(browser, failed, all)).to.deep.equal([]);
  });

  it('with JavaScript on, a button shows only the failed and broken scenarios', async () => {
    const { page } = await open(browser, report);
    await page.click('.filter-note button');
    const shown = await page.$$eval('section.scenario', (ss) =>
      ss.filter((s) => (s as HTMLElement).offsetParent !== null).map((s) => s.getAttribute('data-outcome')),
    );
    expect(shown).to.deep.equal(Array(6).fill('failed'));
    await page.close();
  });

  it("the matrix page links each cell to its scenario in the bundle's page, and says why a differing cell did not pass", async () => {
    const out = tempDir('wpt-matrix-page-');
    const file = path.join(out, 'matrix.html');
    const r = await execa(process.execPath, ['scripts/report-matrix.ts', passed, failed, '--html', file], {
      cwd: REPO,
      reject: false,
      all: true,
    });
    expect(r.exitCode, r.all).to.equal(0);
    const { page, requests } = await open(browser, file, false);
    expect(requests).to.deep.equal([pathToFileURL(file).href]);
    const row = await page.$eval('tr[data-scenario="routing/httproute-90-10"]', (tr) => (tr as HTMLElement).innerText);
    expect(row)
      .to.match(/passed/)
      .and.match(/failed\s+split reviews 90\/10: .*share of reviews-v2 is not 10\.0%/s);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'matrix.png') });
    const cells = (await links(page)).filter((l) => l.href.includes('#'));
    await page.close();
    expect(cells).to.have.length(2 * CATALOGUE.length);
    // Each cell opens the scenario's section in its bundle's report.html, which says the same outcome.
    const outcomes = new Map([passed, failed].map((d) => [d, new Map(readReport(d).scenarios.map((s) => [s.id, s.outcome]))]));
    const root = path.dirname(passed);
    expect(await brokenLinks(browser, root, cells)).to.deep.equal([]);
    for (const l of cells) {
      const u = new URL(l.href);
      const dir = path.dirname(fileURLToPath(u));
      const id = decodeURIComponent(u.hash.slice(1)).replace(/^s-/, '');
      expect(l.text.replace('not supported', 'not-supported').replace('not run', 'not-run'), `${dir} ${id}`).to.equal(
        outcomes.get(dir)!.get(id),
      );
    }
  });
});
