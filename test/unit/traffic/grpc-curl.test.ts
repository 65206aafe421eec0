/**
 * The batch script's gRPC call, run by a real /bin/sh with the real curl against a real gRPC server
 * (equipment/real-node/grpc-standin.ts, grpc-js) and against servers that are not gRPC: a call counts only when
 * it completed with grpc-status 0, and the backend's hostname is read from the binary response.
 */
import { expect } from 'chai';
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { execa } from 'execa';
import { batchScript, curlArgs, parseBatch, type RequestSpec } from '../../../harness/traffic/curl.ts';
import { asText, ECHO_GRPC_METHOD, fromPrintfOctal, grpcFrame, GRPC_MESSAGE, printfOctal } from '../../../harness/traffic/grpc.ts';
import { classify, grpcSucceeded, VERDICT_MARKERS } from '../../../harness/traffic/verdict.ts';
import { parseScript } from '../../../equipment/model/curl-emulator.ts';
import { startGrpcStandin, type GrpcStandin } from '../../../equipment/real-node/grpc-standin.ts';

const HOST = 'grpc-echo-v2-7f9c-x2k4q';
const markers = [
  ...VERDICT_MARKERS,
  { name: 'backend', pattern: 'Hostname=grpc-echo-v[0-9]-', in: 'body' as const },
  { name: 'echoed', pattern: 'Echo=[a-z]*', in: 'body' as const },
];
const grpcSpec = (url: string, extra: Partial<RequestSpec> = {}): RequestSpec => ({
  url,
  maxTimeSec: 5,
  markers,
  protocol: 'grpc',
  ...extra,
});

async function run(spec: RequestSpec, n: number) {
  const res = await execa('sh', ['-c', batchScript(spec, n)], { reject: false });
  return { records: parseBatch(res.stdout), stderr: res.stderr };
}

function listen(server: http.Server | http2.Http2Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('gRPC frame and script (pure)', () => {
  it('frames the Echo request: 5-byte header, then field 1 as a length-delimited string', () => {
    expect([...grpcFrame('wpt')]).to.deep.equal([0, 0, 0, 0, 5, 0x0a, 3, 0x77, 0x70, 0x74]);
    const long = grpcFrame('x'.repeat(200));
    expect([...long.subarray(0, 8)]).to.deep.equal([0, 0, 0, 0, 203, 0x0a, 0xc8, 0x01]);
  });

  it('writes the frame as printf octal escapes that read back to the same bytes', () => {
    const f = grpcFrame(GRPC_MESSAGE);
    expect(printfOctal(f)).to.match(/^(\\[0-7]{3})+$/);
    expect(fromPrintfOctal(printfOctal(f)).equals(f)).to.equal(true);
    expect(() => fromPrintfOctal("\\000'; rm -rf /")).to.throw(/octal escapes/);
  });

  it('turns the binary body into lines without losing a field', () => {
    expect(asText(grpcFrame('Echo=wpt\nHostname=grpc-echo-v1-a\n'))).to.match(/\nHostname=grpc-echo-v1-a\n$/);
  });

  it('builds a POST over HTTP/2 with the gRPC headers, and refuses another method', () => {
    const args = curlArgs(grpcSpec(`http://grpc-echo:7070${ECHO_GRPC_METHOD}`, { headers: { 'x-a': 'b' } }));
    expect(args).to.include.members([
      '--http2-prior-knowledge',
      'content-type: application/grpc',
      'te: trailers',
      '--data-binary',
      '@-',
      'x-a: b',
    ]);
    expect(args[args.indexOf('-X') + 1]).to.equal('POST');
    expect(() => curlArgs(grpcSpec('http://x/', { method: 'GET' }))).to.throw(/POST, not GET/);
  });

  it("is read back by the model's curl emulator: the frame, the grpc field and the text conversion", () => {
    const parsed = parseScript(batchScript(grpcSpec(`http://grpc-echo:7070${ECHO_GRPC_METHOD}`), 2));
    expect(parsed.call.body?.equals(grpcFrame(GRPC_MESSAGE))).to.equal(true);
    expect(parsed.bodyAsText).to.equal(true);
    expect(parsed.markers.map((m) => m.name)).to.deep.equal(['grpc', ...markers.map((m) => `m.${m.name}`)]);
    expect(parseScript(batchScript({ url: 'http://echo:8080/', maxTimeSec: 5, markers }, 1)).bodyAsText).to.equal(false);
  });
});

describe('gRPC calls with the batch script (real sh + curl, real gRPC server)', () => {
  let standin: GrpcStandin;
  let notGrpc: http2.Http2Server;
  let http1: http.Server;
  const ports = { grpc: 0, h2: 0, h1: 0 };

  before(async () => {
    standin = await startGrpcStandin(HOST);
    ports.grpc = standin.port;
    // HTTP/2 but not gRPC: 200 with the hostname line in the body, no grpc-status.
    notGrpc = http2.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(`Hostname=${HOST}\n`);
    });
    ports.h2 = await listen(notGrpc);
    http1 = http.createServer((_req, res) => res.end(`Hostname=${HOST}\n`));
    ports.h1 = await listen(http1);
  });

  after(async () => {
    await standin?.close();
    notGrpc?.close();
    http1?.close();
  });

  it('completes the Echo call: HTTP 200, grpc-status 0 from the trailers, the hostname and the echoed message read from the body', async () => {
    const { records, stderr } = await run(grpcSpec(`http://127.0.0.1:${ports.grpc}${ECHO_GRPC_METHOD}`), 3);
    expect(records, stderr).to.have.length(3);
    for (const r of records) {
      expect(r).to.include({ exitCode: 0, httpCode: 200, grpcStatus: '0' });
      expect(r.markers.backend).to.equal('Hostname=grpc-echo-v2-');
      expect(r.markers.echoed).to.equal(`Echo=${GRPC_MESSAGE}`);
      expect(classify(r)).to.equal('allowed');
      expect(grpcSucceeded(r)).to.equal(true);
    }
    expect(standin.received.slice(-3)).to.deep.equal([GRPC_MESSAGE, GRPC_MESSAGE, GRPC_MESSAGE]);
  });

  it('does not count a call the server failed (grpc-status 14), nor one to a method it lacks (12)', async () => {
    const failed = await run(grpcSpec(`http://127.0.0.1:${ports.grpc}${ECHO_GRPC_METHOD}`, { headers: { 'x-wpt-fail': '1' } }), 1);
    const missing = await run(grpcSpec(`http://127.0.0.1:${ports.grpc}/proto.EchoTestService/Missing`), 1);
    expect(failed.records[0]).to.include({ exitCode: 0, httpCode: 200, grpcStatus: '14' });
    // grpc-js answers an unknown method trailers-only before reading the request, then resets the
    // stream: about one call in ten, curl is still sending and exits 92 (HTTP/2 stream error).
    const m = missing.records[0];
    expect(m.exitCode === 0 ? { exitCode: 0, httpCode: m.httpCode, grpcStatus: m.grpcStatus } : { exitCode: m.exitCode }).to.deep.equal(
      m.exitCode === 0 ? { exitCode: 0, httpCode: 200, grpcStatus: '12' } : { exitCode: 92 },
    );
    for (const r of [failed.records[0], m]) {
      expect(classify(r)).to.equal('other');
      expect(grpcSucceeded(r)).to.equal(false);
    }
  });

  it('does not count an HTTP/2 answer without grpc-status, though its body names a backend', async () => {
    const [r] = (await run(grpcSpec(`http://127.0.0.1:${ports.h2}${ECHO_GRPC_METHOD}`), 1)).records;
    expect(r).to.include({ exitCode: 0, httpCode: 200, grpcStatus: '' });
    expect(r.markers.backend).to.equal('Hostname=grpc-echo-v2-');
    expect(classify(r)).to.equal('other');
    expect(grpcSucceeded(r)).to.equal(false);
  });

  it("does not count an HTTP/1.1 server: curl's HTTP/2 preface fails", async () => {
    const [r] = (await run(grpcSpec(`http://127.0.0.1:${ports.h1}${ECHO_GRPC_METHOD}`), 1)).records;
    expect(r.exitCode).to.not.equal(0);
    expect(classify(r)).to.not.equal('allowed');
    expect(grpcSucceeded(r)).to.equal(false);
  });

  it('an HTTP request record carries no gRPC status', async () => {
    const [r] = (await run({ url: `http://127.0.0.1:${ports.h1}/`, maxTimeSec: 5, markers }, 1)).records;
    expect(r.grpcStatus).to.equal(undefined);
    expect(classify(r)).to.equal('allowed');
  });
});
