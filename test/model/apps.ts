/**
 * What the workloads answer. echo: mendhak/http-https-echo returns the request as JSON with the
 * headers it saw and os.hostname, answers with the status in x-set-response-status-code, and logs
 * each request. bookinfo: productpage prints "Reviews served by: <pod>" once per
 * review, twice a page on 1.20.x images (istio samples/bookinfo/src/productpage/templates/productpage.html),
 * and "Sorry, product reviews are currently unavailable for this book." when reviews fail.
 */
import type { KubeObject } from '../../harness/cluster/types.ts';

export interface AppRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  host: string;
}

export interface AppResponse {
  status: number;
  body: string;
  delaySec: number;
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
  return /examples-bookinfo-([a-z]+)-/.exec(image)?.[1] ?? 'unknown';
}

export function serve(pod: KubeObject, req: AppRequest, call: MeshCall): AppResponse {
  const name = pod.metadata.name;
  switch (appOf(pod)) {
    case 'echo': {
      const delayMs = Number(req.headers['x-set-response-delay-ms'] ?? 0);
      const asked = Number.parseInt(req.headers['x-set-response-status-code'] ?? '', 10);
      const echo = { path: req.path.split('?')[0], headers: { host: req.host, ...req.headers }, method: req.method, os: { hostname: name } };
      return { status: asked >= 100 && asked < 600 ? asked : 200, body: JSON.stringify(echo), delaySec: delayMs / 1000 };
    }
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
