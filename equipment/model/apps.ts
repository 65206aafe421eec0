/**
 * What the workloads answer. echo: mendhak/http-https-echo (index.js of docker-http-https-echo)
 * returns the request as JSON pretty-printed with two spaces, its fields in the order echoReply
 * writes them: "hostname" is the request's Host (Express req.hostname), "os": {"hostname"} the pod.
 * It answers with the status in x-set-response-status-code and waits x-set-response-delay-ms (each a
 * header or a query parameter), and logs each request. bookinfo: productpage prints "Reviews served by: <pod>" once per
 * review, twice a page on 1.20.x images (istio samples/bookinfo/src/productpage/templates/productpage.html),
 * and "Sorry, product reviews are currently unavailable for this book." when reviews fail.
 * grpc-echo: Istio's echo app (Gateway API's echo-advanced) on its gRPC port, see grpcEcho.
 */
import { isIP } from 'node:net';
import type { KubeObject } from '../../harness/cluster/types.ts';
import { ECHO_GRPC_METHOD, grpcFrame } from '../../harness/traffic/grpc.ts';

export interface AppRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  host: string;
  /** The request body, when the client sent one (a gRPC frame). */
  body?: Buffer;
  /** The address the request arrived from, as the application sees it (the caller's, or its waypoint's). */
  peer?: string;
}

export interface AppResponse {
  status: number;
  /** Text, or for a gRPC answer its frame's bytes as latin1. */
  body: string;
  delaySec: number;
  /** Absent: the model's plain-text default. gRPC answers carry grpc-status (curl -D shows trailers with the headers). */
  headers?: Record<string, string>;
}

export type MeshCall = (url: string) => AppResponse;

/**
 * The line the echo backend prints for a request it answered: one line with LOG_WITHOUT_NEWLINE,
 * else indented over several; none for LOG_IGNORE_PATH (mendhak/http-https-echo index.js).
 */
export function echoLogLines(pod: KubeObject, req: AppRequest, resp: AppResponse): string[] {
  const env: { name: string; value?: string }[] = pod.spec?.containers?.[0]?.env ?? [];
  const setting = (n: string) => env.find((e) => e.name === n)?.value;
  const path = req.path.split('?')[0];
  if (setting('LOG_IGNORE_PATH') === path) return [];
  const echo = JSON.parse(resp.body) as unknown;
  return JSON.stringify(echo, null, setting('LOG_WITHOUT_NEWLINE') ? undefined : 4).split('\n');
}

export function appOf(pod: KubeObject): string {
  const image: string = pod.spec?.containers?.[0]?.image ?? '';
  if (image.includes('http-https-echo')) return 'echo';
  if (image.includes('echo-advanced')) return 'grpc-echo';
  return /examples-bookinfo-([a-z]+)-/.exec(image)?.[1] ?? 'unknown';
}

export function serve(pod: KubeObject, req: AppRequest, call: MeshCall): AppResponse {
  const name = pod.metadata.name;
  switch (appOf(pod)) {
    case 'echo':
      return echoReply(name, req);
    case 'grpc-echo':
      return grpcEcho(pod, req);
    case 'productpage': {
      if (!req.path.startsWith('/productpage')) return { status: 404, body: 'Not Found', delaySec: 0 };
      const reviews = call('http://reviews:9080/reviews/0');
      const served = /"podname": ?"([^"]+)"/.exec(reviews.body)?.[1];
      const part = reviews.status === 200 && served
        ? `<div>Reviews served by: \n  ${served}\n</div>\n<div>Reviews served by: \n  ${served}\n</div>`
        : '<p>Sorry, product reviews are currently unavailable for this book.</p>';
      return { status: 200, body: `<html><head><title>Simple Bookstore App</title></head><body>${part}</body></html>`, delaySec: reviews.delaySec };
    }
    case 'reviews':
      return { status: 200, body: `{"id": "0","podname": "${name}","clustername": "null","reviews": []}`, delaySec: 0 };
    case 'details':
      return { status: 200, body: '{"id":0,"author":"William Shakespeare"}', delaySec: 0 };
    case 'ratings':
      return { status: 200, body: '{"id":0,"ratings":{"Reviewer1":5}}', delaySec: 0 };
    default:
      return { status: 200, body: 'ok', delaySec: 0 };
  }
}

/** mendhak/http-https-echo's answer: Express's view of the request, then the pod's hostname. */
export function echoReply(pod: string, req: AppRequest): AppResponse {
  const url = new URL(req.path, 'http://echo');
  const query = Object.fromEntries(url.searchParams);
  const knob = (k: string) => req.headers[k] || query[k];
  const asked = Number.parseInt(knob('x-set-response-status-code') ?? '', 10);
  const delayMs = Number.parseInt(knob('x-set-response-delay-ms') ?? '', 10);
  const hostname = req.host.replace(/:\d+$/, '');
  const echo = {
    path: url.pathname,
    headers: { host: req.host, ...req.headers },
    method: req.method,
    body: '',
    fresh: false,
    hostname,
    ip: `::ffff:${req.peer ?? '127.0.0.1'}`,
    ips: [],
    protocol: 'http',
    query,
    subdomains: isIP(hostname) ? [] : hostname.split('.').reverse().slice(2),
    xhr: false,
    os: { hostname: pod },
    connection: {},
  };
  return {
    status: asked >= 100 && asked < 600 ? asked : 200,
    body: JSON.stringify(echo, null, 2),
    delaySec: Number.isFinite(delayMs) && delayMs > 0 ? delayMs / 1000 : 0,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  };
}

/** The single message of a gRPC request body: field 1 of the protobuf, or undefined when the frame is not one. */
function grpcMessage(body: Buffer | undefined): string | undefined {
  if (!body || body.length < 5 || body[0] !== 0 || body.readUInt32BE(1) !== body.length - 5) return undefined;
  const proto = body.subarray(5);
  if (proto.length === 0) return '';
  return proto[0] === 0x0a && proto[1] === proto.length - 2 ? proto.subarray(2).toString('utf8') : undefined;
}

/**
 * Istio's echo app on its gRPC port (istio/istio pkg/test/echo/server/endpoint/grpc.go): Echo answers
 * Field=value lines, Hostname last; grpc-go answers an unknown method with grpc-status 12
 * (UNIMPLEMENTED) and a request that is not gRPC with HTTP 415 and no grpc-status.
 */
function grpcEcho(pod: KubeObject, req: AppRequest): AppResponse {
  const message = grpcMessage(req.body);
  const grpc = req.method === 'POST' && (req.headers['content-type'] ?? '').startsWith('application/grpc') && message !== undefined;
  if (!grpc) return { status: 415, body: 'invalid gRPC request content-type', delaySec: 0, headers: { 'content-type': 'text/plain' } };
  const trailers = (status: number) => ({ 'content-type': 'application/grpc', 'grpc-status': String(status) });
  if (req.path !== ECHO_GRPC_METHOD) return { status: 200, body: '', delaySec: 0, headers: trailers(12) };
  const version = /--version=(\S+)/.exec((pod.spec?.containers?.[0]?.args ?? []).join(' '))?.[1] ?? '';
  const text = `StatusCode=200\nServiceVersion=${version}\nProtocol=GRPC\nEcho=${message}\nHostname=${pod.metadata.name}\n`;
  return { status: 200, body: grpcFrame(text).toString('latin1'), delaySec: 0, headers: trailers(0) };
}
