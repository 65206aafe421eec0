/**
 * Issue 28, "hostile servers reach the terminal and the report": raw bytes from an API server (NUL,
 * invalid UTF-8, escape sequences, bidi overrides) were echoed to the terminal and into
 * report.yaml/summary.md, and its response headers were copied into them on 401/403/500. Now every
 * such byte is escaped where it is printed or written, only the Status reason and message of an
 * answer are kept, and the bundle still verifies. Fake API servers on loopback.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { safeLine, safeText } from '../../../harness/text.ts';
import { listFiles } from '../../../harness/report/bundle.ts';
import { verifyBundle } from '../../../harness/report/verify.ts';
import { CATALOGUE } from '../../../suites/index.ts';
import { e2eAgainst, fakeApi, pooled, status, type Fake } from '../fake-api.ts';
import { forge, modelBundle, removeTempDirs } from '../report/report-fixtures.ts';
import { tempDirs } from '../tmp.ts';

const tmp = tempDirs('wpt-hs-');

/** Any byte a terminal would act on: C0 but newline and tab, DEL, C1, bidi overrides. */
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const HEADER = 'leak-me-header-value';
const EVIL = 'evil \u001b]0;pwned\u0007\u001b[2J\u0000\u202etxt.exe';

function withHeader(res: import('node:http').ServerResponse, code: number, type: string): void {
  res.writeHead(code, { 'content-type': type, 'x-evil': HEADER, 'set-cookie': `session=${HEADER}` });
}

interface Case {
  name: string;
  server: () => Promise<Fake>;
  escaped: string;
}

const CASES: Case[] = [
  {
    name: '403 whose Status message holds escape sequences, NUL and a bidi override',
    server: () =>
      fakeApi((_q, res) => {
        withHeader(res, 403, 'application/json');
        res.end(status(403, 'Forbidden', EVIL));
      }),
    escaped: '\\x1b]0;pwned\\x07\\x1b[2J\\x00\\u{202e}txt.exe',
  },
  {
    name: '500 whose body is raw bytes (NUL, ESC, invalid UTF-8)',
    server: () =>
      fakeApi((_q, res) => {
        withHeader(res, 500, 'text/plain');
        res.end(Buffer.concat([Buffer.from('boom \u0000\u001b[31m'), Buffer.from([0xff, 0xfe]), Buffer.from(HEADER)]));
      }),
    escaped: '500 (no Kubernetes Status in the answer)',
  },
  {
    name: 'a /version whose gitVersion holds an escape sequence, then 401',
    server: () =>
      fakeApi((q, res) => {
        if (q.url === '/version') {
          withHeader(res, 200, 'application/json');
          return res.end(JSON.stringify({ major: '1', minor: '34', gitVersion: `v1.34.0${EVIL}` }));
        }
        withHeader(res, 401, 'application/json');
        res.end(status(401, 'Unauthorized', EVIL));
      }),
    escaped: 'v1.34.0evil \\x1b]0;pwned\\x07\\x1b[2J\\x00\\u{202e}txt.exe',
  },
];

describe('hostile servers reach neither the terminal nor the report (issue 28)', function () {
  this.timeout(180_000);
  after(removeTempDirs);

  it('text is escaped, never dropped silently: control characters become \\xNN, bidi overrides \\u{NNNN}', () => {
    expect(safeLine('a\u001b[31mb\nc\td\u0000\u202e')).to.equal('a\\x1b[31mb\\x0ac\\x09d\\x00\\u{202e}');
    expect(safeText('a\nb\tc\u0007')).to.equal('a\nb\tc\\x07');
    expect(safeLine('x'.repeat(10), 4)).to.equal('xxxx… (6 more characters)');
    expect(safeText('\u00e9\ufffd ok')).to.equal('\u00e9\ufffd ok');
  });

  it('each hostile answer: no raw control byte and no header in stdout, stderr or any file of the bundle; the bundle verifies', async () => {
    const runs = await pooled(CASES, async (c) => {
      const server = await c.server();
      try {
        return { c, ...(await e2eAgainst(server.url, tmp)) };
      } finally {
        await server.close();
      }
    });
    for (const { c, r, dir } of runs) {
      const what = `${c.name}: exit ${r.exitCode}\n${r.stderr}`;
      expect(r.exitCode, what).to.be.oneOf([2, 3]);
      for (const [where, text] of [
        ['stdout', r.stdout],
        ['stderr', r.stderr],
      ] as const) {
        expect(RAW_CONTROL.test(text), `${c.name}: a raw control character in ${where}: ${JSON.stringify(text)}`).to.equal(false);
        expect(text, `${c.name}: ${where}`).not.to.include(HEADER);
      }
      expect(existsSync(path.join(dir, 'evidence.json')), what).to.equal(true);
      for (const f of listFiles(dir)) {
        const text = readFileSync(path.join(dir, f), 'utf8');
        expect(RAW_CONTROL.test(text), `${c.name}: a raw control character in ${f}`).to.equal(false);
        expect(text, `${c.name}: ${f}`).not.to.include(HEADER);
      }
      const report = parse(readFileSync(path.join(dir, 'report.yaml'), 'utf8'));
      expect(JSON.stringify(report), what).to.include(JSON.stringify(c.escaped).slice(1, -1));
      expect(verifyBundle(dir, CATALOGUE).problems, what).to.deep.equal([]);
    }
  });

  it('report:verify rejects a report.yaml with raw control characters (the suite never writes one)', async () => {
    const dir = await modelBundle('passed');
    forge(dir, (r) => (r.implementation.project = 'acme\u001b[2J'), { regenerate: true });
    expect(verifyBundle(dir, CATALOGUE).problems).to.include(
      'report.yaml: /implementation/project holds control characters, which the suite never writes',
    );
  });
});
