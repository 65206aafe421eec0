/**
 * Clients outside the cluster for ingress scenarios. On Linux the host routes to the docker
 * network "kind", so undici calls the LoadBalancer address directly; on macOS and Windows it does
 * not (kind docs, "LoadBalancer"), so a curl container attached to that network makes the call.
 */
import { request } from 'undici';
import { GenericContainer, type StartedTestContainer } from 'testcontainers';
import { batchScript, parseBatch } from './curl.ts';
import { CURL_EXIT } from './verdict.ts';

/** A request made from outside the cluster (ingress), answered in curl's terms. */
export interface OutsideRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

export interface OutsideResponse {
  exitCode: number; // curl's exit code (CURL_EXIT)
  httpCode: number;
  timeSec: number;
  headers: Record<string, string>;
  body: string;
}

export type OutsideClient = (req: OutsideRequest) => Promise<OutsideResponse>;

export async function fromHost(req: OutsideRequest): Promise<OutsideResponse> {
  const start = performance.now();
  try {
    const res = await request(req.url, {
      method: req.method as 'GET',
      headers: req.headers,
      headersTimeout: req.timeoutMs,
      bodyTimeout: req.timeoutMs,
    });
    const body = await res.body.text();
    const headers = Object.fromEntries(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
    return { exitCode: 0, httpCode: res.statusCode, timeSec: (performance.now() - start) / 1000, headers, body };
  } catch (err) {
    return { exitCode: curlExitOf(err), httpCode: 0, timeSec: (performance.now() - start) / 1000, headers: {}, body: '' };
  }
}

/** The curl exit code for an undici failure: undici's "other side closed" is curl's empty reply (52). */
export function curlExitOf(err: unknown): number {
  const code = (err as { code?: string }).code;
  if (code === 'ECONNRESET') return CURL_EXIT.reset;
  if (code === 'UND_ERR_SOCKET') return CURL_EXIT.emptyReply;
  if (code === 'ECONNREFUSED') return CURL_EXIT.refused;
  return code?.includes('TIMEOUT') ? CURL_EXIT.timeout : 1;
}

/** A curl container on the kind network, started once and reused. */
export class ContainerClient {
  private started: Promise<StartedTestContainer> | undefined;

  /**
   * image: the curl image the run deploys (its --image curl=). run: how a script is run in the
   * container (a test runs it on this host instead).
   */
  private readonly image: string;
  private readonly network: string;
  private readonly run: (script: string) => Promise<string>;

  constructor(
    image: string,
    network = 'kind',
    run: (script: string) => Promise<string> = async (script) => (await (await this.container()).exec(['sh', '-c', script])).output,
  ) {
    this.image = image;
    this.network = network;
    this.run = run;
  }

  private container(): Promise<StartedTestContainer> {
    this.started ??= new GenericContainer(this.image).withNetworkMode(this.network).withCommand(['sleep', 'infinity']).start();
    return this.started;
  }

  async request(req: OutsideRequest): Promise<OutsideResponse> {
    const script = batchScript(
      { url: req.url, method: req.method, headers: req.headers, maxTimeSec: Math.ceil(req.timeoutMs / 1000), markers: [], capture: true },
      1,
    );
    const output = await this.run(script);
    const [r] = parseBatch(output);
    if (!r) return { exitCode: 1, httpCode: 0, timeSec: 0, headers: {}, body: output };
    return {
      exitCode: r.exitCode,
      httpCode: r.httpCode,
      timeSec: r.timeSec,
      headers: headersOf(r.captured?.head ?? ''),
      body: (r.captured?.body ?? '').replace(/[\r\n]/g, ''),
    };
  }

  async stop(): Promise<void> {
    if (this.started) await (await this.started).stop();
  }
}

/**
 * The headers of the last response in curl's header dump (a 100 Continue comes first), as undici
 * gives them: lower-case names, repeated headers joined with ", ".
 */
export function headersOf(head: string): Record<string, string> {
  const blocks = head.split(/\r?\n\r?\n/).filter((b) => b.trim() !== '');
  const headers: Record<string, string> = {};
  for (const line of (blocks.at(-1) ?? '').split(/\r?\n/).slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  return headers;
}

export function hostRoutesToKind(platform = process.platform): boolean {
  return platform === 'linux';
}
