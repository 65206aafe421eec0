/**
 * The batch script runs in a real /bin/sh with the real curl against local servers that answer,
 * deny with 403, reset the connection, close it without a reply, and hang: the parser reads what
 * curl really prints.
 */
import { expect } from 'chai';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { execa } from 'execa';
import { batchScript, parseBatch, type RequestSpec } from '../../../harness/traffic/curl.ts';
import { classify, VERDICT_MARKERS } from '../../../harness/traffic/verdict.ts';
import { ECHO_POD_MARKER, jsonStringValue } from '../../../harness/traffic/response-markers.ts';
import { ECHO_BACKEND } from '../../../suites/vocabulary.ts';

function listen(server: net.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('curl batch script and parser (real sh + curl)', () => {
  let httpServer: http.Server;
  let resetServer: net.Server;
  let closeServer: net.Server;
  let closePort = 0;
  const sockets = new Set<net.Socket>();
  let port = 0;
  let resetPort = 0;

  before(async () => {
    httpServer = http.createServer((req, res) => {
      if (req.url?.startsWith('/deny')) {
        res.writeHead(403, { 'content-type': 'text/plain' });
        res.end('RBAC: access denied');
      } else if (req.url?.startsWith('/hang')) {
        // never answers; the client's --max-time ends it
      } else {
        // The echo image's shape: two-space JSON, the request's Host as "hostname" before the pod's.
        res.writeHead(200, { 'content-type': 'application/json', 'x-served-by': 'echo-v2' });
        const echo = {
          path: '/x',
          headers: { 'x-wpt-via': req.headers['x-wpt-via'] ?? null, 'x-request-id': 'abc' },
          hostname: 'echo-v1',
          os: { hostname: 'echo-v2-5d9f-abcde' },
        };
        res.end(JSON.stringify(echo, null, 2));
      }
    });
    httpServer.on('connection', (s) => sockets.add(s));
    port = await listen(httpServer);
    resetServer = net.createServer((s) => s.on('data', () => s.resetAndDestroy()));
    resetPort = await listen(resetServer);
    closeServer = net.createServer((s) => s.on('data', () => s.end()));
    closePort = await listen(closeServer);
  });

  after(() => {
    sockets.forEach((s) => s.destroy());
    httpServer.close();
    resetServer.close();
    closeServer.close();
  });

  const run = async (spec: RequestSpec, n: number) => {
    const { stdout } = await execa('sh', ['-c', batchScript(spec, n)], { reject: false });
    return parseBatch(stdout);
  };
  const markers = [
    ...VERDICT_MARKERS,
    { name: 'backend', pattern: ECHO_BACKEND.pattern, in: 'body' as const },
    ECHO_POD_MARKER,
    { name: 'firsthostname', pattern: '"hostname": ?"[^"]*"', in: 'body' as const },
    { name: 'via', pattern: '"x-wpt-via": ?"[^"]*"', in: 'body' as const },
    { name: 'served', pattern: 'x-served-by: [a-z0-9-]+', in: 'headers' as const },
  ];

  it('reads one record per request with status, time, markers and headers', async () => {
    const recs = await run({ url: `http://127.0.0.1:${port}/x?q='1'`, headers: { 'x-wpt-via': "it's here" }, maxTimeSec: 5, markers }, 3);
    expect(recs.map((r) => r.seq)).to.deep.equal([1, 2, 3]);
    for (const r of recs) {
      expect(r.exitCode).to.equal(0);
      expect(r.httpCode).to.equal(200);
      expect(r.timeSec).to.be.greaterThan(0);
      expect(r.markers.backend).to.equal('"os": {    "hostname": "echo-v2-');
      expect(jsonStringValue(r.markers.servedby)).to.equal('echo-v2-5d9f-abcde');
      expect(jsonStringValue(r.markers.firsthostname), 'the first "hostname" is the Host').to.equal('echo-v1');
      expect(r.markers.via).to.equal('"x-wpt-via": "it\'s here"');
      expect(r.markers.served).to.equal('x-served-by: echo-v2');
      expect(r.markers.rbac).to.equal('');
      expect(classify(r)).to.equal('allowed');
    }
  });

  it('classifies a 403 with the RBAC body as denied at L7, curl exit 0', async () => {
    const [r] = await run({ url: `http://127.0.0.1:${port}/deny`, method: 'DELETE', maxTimeSec: 5, markers }, 1);
    expect(r).to.include({ exitCode: 0, httpCode: 403 });
    expect(r.markers.rbac).to.equal('RBAC: access denied');
    expect(classify(r)).to.equal('denied-l7');
  });

  it('classifies a connection reset as denied at L4, curl exit 56', async () => {
    const [r] = await run({ url: `http://127.0.0.1:${resetPort}/`, maxTimeSec: 5, markers }, 1);
    expect(r.exitCode).to.equal(56);
    expect(r.httpCode).to.equal(0);
    expect(r.stderr).to.match(/curl: \(56\)/);
    expect(classify(r)).to.equal('denied-l4');
  });

  it('classifies a connection closed without a reply as denied at L4, curl exit 52', async () => {
    const [r] = await run({ url: `http://127.0.0.1:${closePort}/`, maxTimeSec: 5, markers }, 1);
    expect(r.exitCode).to.equal(52);
    expect(r.httpCode).to.equal(0);
    expect(r.stderr).to.match(/curl: \(52\) Empty reply from server/);
    expect(classify(r)).to.equal('denied-l4');
  });

  it('classifies a request that outlives --max-time as a timeout, curl exit 28', async () => {
    const [r] = await run({ url: `http://127.0.0.1:${port}/hang`, maxTimeSec: 1, markers }, 1);
    expect(r.exitCode).to.equal(28);
    expect(classify(r)).to.equal('timeout');
  });

  it('rejects a batch size that is not a positive integer and marker names the parser cannot read', () => {
    expect(() => batchScript({ url: 'http://x', maxTimeSec: 1, markers: [] }, 0)).to.throw(/positive integer/);
    expect(() => batchScript({ url: 'http://x', maxTimeSec: 1, markers: [{ name: 'Bad Name', pattern: 'x', in: 'body' }] }, 1)).to.throw(
      /marker name/,
    );
  });
});
