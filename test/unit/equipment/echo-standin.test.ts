/**
 * The real node's echo stand-in (equipment/real-node/echo-standin.py) answers as the echo image does, point by
 * point of what the suite reads (docs/real-data-plane.md "The real echo image"): it is run here on
 * loopback and compared with the model's reading of the image's index.js (equipment/model/apps.ts echoReply).
 */
import { expect } from 'chai';
import http from 'node:http';
import os from 'node:os';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { echoReply } from '../../../equipment/model/apps.ts';

interface Answer {
  status: number;
  text: string;
  ms: number;
}

function get(port: number, path: string, headers: Record<string, string | string[]> = {}): Promise<Answer> {
  const start = performance.now();
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, headers: { host: `echo-v1.app.svc.cluster.local:${port}`, ...headers } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, ms: performance.now() - start }));
      })
      .on('error', reject);
  });
}

describe('echo stand-in of the real node, against the echo image as the model reads it', function () {
  this.timeout(30_000);
  let child: ChildProcess;
  let port = 0;
  let stdout = '';

  before(async () => {
    child = spawn('python3', ['equipment/real-node/echo-standin.py'], {
      env: { ...process.env, HTTP_PORT: '0', BIND: '127.0.0.1', LOG_WITHOUT_NEWLINE: 'true', LOG_IGNORE_PATH: '/healthz' },
    });
    child.stdout!.on('data', (d) => (stdout += d));
    let err = '';
    while (!port) {
      const [chunk] = (await once(child.stderr!, 'data')) as [Buffer];
      err += chunk;
      port = Number(/Listening on ports (\d+)/.exec(err)?.[1] ?? 0);
    }
  });
  after(() => child.kill());

  it('replies with the image\'s fields in its order, two-space JSON, the Host as "hostname" and the pod in "os"', async () => {
    const a = await get(port, '/some/path?x=1&y=two', { 'x-wpt-add': ['one', 'two'], 'user-agent': ['first', 'second'] });
    expect(a.status).to.equal(200);
    const got = JSON.parse(a.text) as Record<string, unknown>;
    expect(a.text).to.equal(JSON.stringify(got, null, 2));
    const want = JSON.parse(
      echoReply(os.hostname(), {
        method: 'GET',
        path: '/some/path?x=1&y=two',
        host: `echo-v1.app.svc.cluster.local:${port}`,
        headers: {},
        peer: '127.0.0.1',
      }).body,
    ) as Record<string, unknown>;
    expect(Object.keys(got)).to.deep.equal(Object.keys(want));
    for (const k of [
      'path',
      'method',
      'body',
      'fresh',
      'hostname',
      'ip',
      'ips',
      'protocol',
      'query',
      'subdomains',
      'xhr',
      'os',
      'connection',
    ]) {
      expect(got[k], k).to.deep.equal(want[k]);
    }
    expect(got.hostname).to.equal('echo-v1.app.svc.cluster.local');
    expect(got.subdomains).to.deep.equal(['svc', 'app', 'echo-v1']);
  });

  it('keeps repeated request headers as Node does: comma-joined, or the first for those Node keeps once', async () => {
    const a = await get(port, '/', { 'x-wpt-add': ['one', 'two'], 'user-agent': ['first', 'second'], cookie: ['a=1', 'b=2'] });
    const headers = (JSON.parse(a.text) as { headers: Record<string, string> }).headers;
    expect(headers['x-wpt-add']).to.equal('one, two');
    expect(headers['user-agent']).to.equal('first');
    expect(headers.cookie).to.equal('a=1; b=2');
  });

  it('answers the status and waits the delay asked for, as a header or a query parameter', async () => {
    expect((await get(port, '/', { 'x-set-response-status-code': '503' })).status).to.equal(503);
    expect((await get(port, '/?x-set-response-status-code=418')).status).to.equal(418);
    expect((await get(port, '/?x-set-response-status-code=99')).status).to.equal(200);
    expect((await get(port, '/', { 'x-set-response-delay-ms': '400' })).ms).to.be.at.least(400);
    expect((await get(port, '/?x-set-response-delay-ms=300')).ms).to.be.at.least(300);
  });

  it('logs each answered request as one JSON line, except the ignored path', async () => {
    stdout = '';
    await get(port, '/logged', { 'x-request-id': 'r-1' });
    await get(port, '/healthz');
    await get(port, '/after');
    // The image logs after it answers: wait (bounded) for the last request's line.
    for (let i = 0; i < 100 && !stdout.includes('"/after"'); i++) await once(child.stdout!, 'data');
    const logged = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { path: string; headers: Record<string, string> });
    expect(logged.map((l) => l.path)).to.deep.equal(['/logged', '/after']);
    expect(logged[0].headers['x-request-id']).to.equal('r-1');
  });
});
