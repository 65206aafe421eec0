import { expect } from 'chai';
import { judgeAttempts, parseRequestLog } from '../../../harness/traffic/backend-log.ts';

/** One request as mendhak/http-https-echo logs it with LOG_WITHOUT_NEWLINE=true (fields of its index.js). */
function line(path: string, requestId?: string): string {
  const headers: Record<string, string> = { host: 'echo.app.svc.cluster.local:8080', 'user-agent': 'curl/8.16.0', accept: '*/*' };
  if (requestId) headers['x-request-id'] = requestId;
  return JSON.stringify({
    path,
    headers,
    method: 'GET',
    body: '',
    cookies: {},
    fresh: false,
    hostname: 'echo.app.svc.cluster.local',
    ip: '::ffff:10.244.1.7',
    ips: [],
    protocol: 'http',
    query: {},
    subdomains: [],
    xhr: false,
    os: { hostname: 'echo-v1-6d5f7c9b8-x2k4q' },
    connection: {},
  });
}

describe('echo request log', () => {
  it('reads one record per JSON line and skips the banner and partial lines', () => {
    const text = ['Listening on ports 8080 and 8443', line('/a', 'id-1'), '"x-request-id": "cut', line('/b'), ''].join('\n');
    expect(parseRequestLog(text)).to.deep.equal([
      { path: '/a', requestId: 'id-1' },
      { path: '/b', requestId: undefined },
    ]);
  });

  it('reads nothing from the indented multi-line format (LOG_WITHOUT_NEWLINE unset)', () => {
    const pretty = JSON.stringify(JSON.parse(line('/a', 'id-1')), null, 4);
    expect(parseRequestLog(pretty)).to.deep.equal([]);
  });

  it('counts attempts per X-Request-Id', () => {
    const three = ['r1', 'r1', 'r1', 'r2', 'r2', 'r2'].map((id) => ({ path: '/x', requestId: id }));
    expect(judgeAttempts(three, 2, 3)).to.deep.include({ ok: true });
    const v = judgeAttempts(three, 2, 1);
    expect(v.ok).to.equal(false);
    expect(v.detail).to.equal('backend saw 6 requests for 2 sent; attempts per request: 3,3; expected 1 each');
  });

  it('fails when a request is missing, doubled once, or went around the L7 proxy', () => {
    expect(judgeAttempts([{ path: '/x', requestId: 'r1' }], 2, 1).ok).to.equal(false);
    expect(
      judgeAttempts(
        [
          { path: '/x', requestId: 'r1' },
          { path: '/x', requestId: 'r1' },
          { path: '/x', requestId: 'r2' },
        ],
        2,
        1,
      ).ok,
    ).to.equal(false);
    const direct = judgeAttempts([{ path: '/x' }, { path: '/x' }], 2, 1);
    expect(direct.ok).to.equal(false);
    expect(direct.detail).to.include('did not pass an L7 proxy');
  });
});
