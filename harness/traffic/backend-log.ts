/**
 * The echo backend's request log, read to count how often a request reached it. With
 * LOG_WITHOUT_NEWLINE=true, mendhak/http-https-echo prints each request it answered as one JSON
 * line holding `path` and `headers` (its index.js). Other lines (startup banner) are skipped.
 */

export interface LoggedRequest {
  path: string;
  /** X-Request-Id as the backend saw it; retries of one request share it. */
  requestId?: string;
}

export function parseRequestLog(text: string): LoggedRequest[] {
  const out: LoggedRequest[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const entry = JSON.parse(line) as { path?: unknown; headers?: Record<string, unknown> };
      if (typeof entry.path !== 'string') continue;
      const id = entry.headers?.['x-request-id'];
      out.push({ path: entry.path, requestId: typeof id === 'string' ? id : undefined });
    } catch {
      // a partial line at the start of a tail, or not a request record
    }
  }
  return out;
}

export interface AttemptsVerdict {
  ok: boolean;
  detail: string;
}

const NO_ID = '(no x-request-id)';

/** Each of `sent` client requests must appear exactly `perRequest` times, under one X-Request-Id. */
export function judgeAttempts(logged: LoggedRequest[], sent: number, perRequest: number): AttemptsVerdict {
  const counts = new Map<string, number>();
  for (const r of logged) {
    const id = r.requestId ?? NO_ID;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const perId = [...counts.values()];
  const summary = `backend saw ${logged.length} requests for ${sent} sent; attempts per request: ${perId.join(',') || 'none'}`;
  if (counts.has(NO_ID)) return { ok: false, detail: `${summary}; some carried no X-Request-Id, so they did not pass an L7 proxy` };
  const ok = counts.size === sent && perId.every((c) => c === perRequest);
  return { ok, detail: ok ? summary : `${summary}; expected ${perRequest} each` };
}
