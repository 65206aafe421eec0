/** The host-side outside client answers in curl's terms, against real local servers. */
import { expect } from 'chai';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { fromHost } from '../../harness/traffic/outside.ts';
import { classify, CURL_EXIT } from '../../harness/traffic/verdict.ts';

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
        expect(classify({ seq: 1, exitCode: r.exitCode, httpCode: r.httpCode, timeSec: r.timeSec, stderr: '', markers: {} })).to.equal('denied-l4');
      } finally {
        srv.close();
      }
    });
  }
});
