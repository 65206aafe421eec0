/**
 * The response check's markers against the real sh + curl: a redirect's status and Location are
 * recorded and the redirect is not followed; response headers and the echoed request are read.
 */
import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { execa } from 'execa';
import { batchScript, parseBatch } from '../../../harness/traffic/curl.ts';
import {
  ECHO_POD_MARKER,
  LOCATION_MARKER,
  ECHOED_PATH_MARKER,
  echoedHeaderMarker,
  responseHeaderMarker,
} from '../../../harness/traffic/response-markers.ts';
import { responseMismatch } from '../../../harness/checks/response.ts';
import { response } from '../../../harness/record/builders.ts';

describe('response check (real sh + curl)', () => {
  let server: http.Server;
  let base = '';
  const hits: string[] = [];

  before(async () => {
    server = http.createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/go') {
        res.writeHead(308, { Location: `${base}/target`, 'X-Wpt-Mark': 'a b' });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      const echo = {
        path: req.url,
        headers: { 'x-wpt-add': req.headers['x-wpt-add'] },
        hostname: '127.0.0.1',
        os: { hostname: 'echo-v1-abc-123' },
      };
      res.end(JSON.stringify(echo, null, 2));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const run = async (path: string, headers: Record<string, string> = {}) => {
    const markers = [
      LOCATION_MARKER,
      ECHOED_PATH_MARKER,
      responseHeaderMarker('rh0', 'x-wpt-mark'),
      echoedHeaderMarker('qh0', 'X-Wpt-Add'),
      ECHO_POD_MARKER,
    ];
    const { stdout } = await execa('sh', ['-c', batchScript({ url: `${base}${path}`, headers, maxTimeSec: 5, markers }, 1)]);
    return parseBatch(stdout)[0];
  };

  it("records a redirect's status and Location without following it", async () => {
    hits.length = 0;
    const r = await run('/go');
    expect(hits).to.deep.equal(['/go']);
    const e = response('sleep', { kind: 'service', ns: 'app', name: 'x', port: 1, path: '/go' }, 308, {
      location: { host: '127.0.0.1', path: '/target' },
      responseHeaders: { 'X-Wpt-Mark': 'a b' },
    });
    expect(responseMismatch(e, r, `${base}/go`)).to.equal(undefined);
    expect(responseMismatch({ ...e, status: 302 }, r, `${base}/go`)).to.match(/status 308, expected 302/);
    expect(responseMismatch({ ...e, location: { path: '/elsewhere' } }, r, `${base}/go`)).to.match(
      /path "\/target", expected "\/elsewhere"/,
    );
  });

  it('reads the backend, the path and the request headers the backend saw, and absent headers', async () => {
    const r = await run('/seen', { 'X-Wpt-Add': 'one, two' });
    const e = response('sleep', { kind: 'service', ns: 'app', name: 'x', port: 1, path: '/seen' }, 200, {
      backend: 'echo-v1',
      backendPath: '/seen',
      requestHeaders: { 'X-Wpt-Add': 'one,two' },
      responseHeaders: { 'X-Wpt-Mark': null },
    });
    expect(responseMismatch(e, r, `${base}/seen`)).to.equal(undefined);
    expect(responseMismatch({ ...e, backend: 'echo-v2' }, r, `${base}/seen`)).to.match(/served by echo-v1-abc-123, expected echo-v2/);
    expect(responseMismatch({ ...e, requestHeaders: { 'X-Wpt-Add': 'one' } }, r, `${base}/seen`)).to.match(
      /request header X-Wpt-Add was "one, two"/,
    );
  });
});
