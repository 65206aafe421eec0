import { expect } from 'chai';
import { execa, type ResultPromise } from 'execa';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { request } from 'undici';
import { REAL_CLOCK, waitFor } from '../../harness/wait.ts';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../real/echo-standin.py');

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

describe('real node: the echo stand-in answers as the real echo image does where the suite looks', function () {
  this.timeout(30_000);
  let proc: ResultPromise;
  let base: string;

  before(async function () {
    if ((await execa('python3', ['--version'], { reject: false })).exitCode !== 0) {
      console.log('    (skipped: no python3 on this machine; the stand-in runs in the real node\'s Debian image)');
      this.skip();
    }
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    proc = execa('python3', [SCRIPT], { env: { HTTP_PORT: String(port), LOG_WITHOUT_NEWLINE: 'true' }, reject: false });
    await waitFor('the stand-in answers', async () => (await request(`${base}/healthz`).then((r) => r.body.text().then(() => true), () => undefined)), {
      intervalMs: 50, maxIntervalMs: 200, readyTimeoutMs: 10_000, convergeTimeoutMs: 0, consecutive: 1, clock: REAL_CLOCK,
    });
  });

  after(() => {
    proc?.kill();
  });

  it('keeps a repeated request header as one comma-joined value, and the pod name under os.hostname', async () => {
    const r = await request(`${base}/h`, { headers: ['X-Wpt-Add', 'from-client', 'X-Wpt-Add', 'from-route'] });
    const body = (await r.body.json()) as { headers: Record<string, string>; path: string; os: { hostname: string } };
    expect(body.headers['x-wpt-add']).to.equal('from-client, from-route');
    expect(body.path).to.equal('/h');
    expect(body.os.hostname).to.match(/^\S+$/);
  });

  it('sets the status and delays the answer from a request header or a query parameter', async () => {
    const byQuery = await request(`${base}/?x-set-response-status-code=503`);
    await byQuery.body.text();
    expect(byQuery.statusCode).to.equal(503);
    const started = Date.now();
    const delayed = await request(`${base}/`, { headers: { 'x-set-response-delay-ms': '400' } });
    await delayed.body.text();
    expect(delayed.statusCode).to.equal(200);
    expect(Date.now() - started).to.be.at.least(400);
  });
});
