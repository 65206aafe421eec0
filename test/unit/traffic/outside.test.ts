/** The host-side outside client answers in curl's terms, against real local servers. */
import { expect } from 'chai';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import { execa } from 'execa';
import { ContainerClient, fromHost, headersOf } from '../../../harness/traffic/outside.ts';
import { classify, CURL_EXIT } from '../../../harness/traffic/verdict.ts';

async function server(onData: (s: net.Socket) => void): Promise<{ url: string; close: () => void }> {
  const srv = net.createServer((s) => s.on('data', () => onData(s)));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(srv.address() as AddressInfo).port}/`, close: () => srv.close() };
}

describe('outside client (undici) in curl terms', () => {
  for (const [what, onData, exit] of [
    ['a reset', (s: net.Socket) => s.resetAndDestroy(), CURL_EXIT.reset],
    ['a close without a reply', (s: net.Socket) => s.end(), CURL_EXIT.emptyReply],
  ] as const) {
    it(`reads ${what} as curl exit ${exit}, an L4 denial`, async () => {
      const srv = await server(onData);
      try {
        const r = await fromHost({ url: srv.url, method: 'GET', headers: {}, timeoutMs: 5000 });
        expect(r.exitCode).to.equal(exit);
        expect(classify({ seq: 1, exitCode: r.exitCode, httpCode: r.httpCode, timeSec: r.timeSec, stderr: '', markers: {} })).to.equal(
          'denied-l4',
        );
      } finally {
        srv.close();
      }
    });
  }
});

describe('outside client in a curl container (macOS, Windows): the response as undici gives it', () => {
  it('returns the status, the body and the real headers (repeated ones joined), so header markers can match', async () => {
    const srv = http.createServer((_req, res) => {
      res.setHeader('x-wpt-route', 'v2');
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.writeHead(418, { 'content-type': 'text/plain' });
      res.end('hello\nworld');
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
    try {
      // The container's shell, run on this host: the same script, curl and base64 as in the curl image.
      const client = new ContainerClient('unused', 'none', async (script) => (await execa('sh', ['-c', script])).stdout);
      const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}/`;
      const viaContainer = await client.request({ url, method: 'GET', headers: {}, timeoutMs: 5000 });
      const direct = await fromHost({ url, method: 'GET', headers: {}, timeoutMs: 5000 });
      expect(viaContainer).to.include({ exitCode: 0, httpCode: 418, body: 'helloworld' });
      expect(viaContainer.headers).to.include({ 'x-wpt-route': 'v2', 'set-cookie': 'a=1, b=2', 'content-type': 'text/plain' });
      expect(viaContainer.headers).to.deep.equal(direct.headers);
    } finally {
      srv.close();
    }
  });

  it('reads the last response of a header dump (after a 100 Continue)', () => {
    const head = 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nX-A: 1\r\nx-a: 2\r\nServer: envoy\r\n\r\n';
    expect(headersOf(head)).to.deep.equal({ 'x-a': '1, 2', server: 'envoy' });
  });
});
