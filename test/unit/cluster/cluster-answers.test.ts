/**
 * Issue 28, "cluster answers are misread": an API server answering 401 or 403 was reported as "does
 * not answer … raise --connect-timeout", and the summary's first line for TLS garbage, 401/403 and
 * 500 had no fix. Each answer now has its own message, exit code and fix, in the terminal and in the
 * summary's first line. Fake API servers on loopback; the e2e as a real process.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT, InfraError, UserError } from '../../../harness/errors.ts';
import { canI, ClusterAccessError, ClusterApiError, clusterError } from '../../../harness/cluster/api-errors.ts';
import { verifyBundle } from '../../../harness/report/verify.ts';
import { CATALOGUE } from '../../../suites/index.ts';
import { e2eAgainst, expectErrorAndFix, fakeApi, pooled, rawServer, status, type Fake } from '../fake-api.ts';
import { tempDirs } from '../tmp.ts';

const tmp = tempDirs('wpt-ca-');

const VERSION = JSON.stringify({ major: '1', minor: '34', gitVersion: 'v1.34.0' });
const FORBIDDEN_CRDS =
  'customresourcedefinitions.apiextensions.k8s.io is forbidden: User "alice" cannot list resource "customresourcedefinitions" in API group "apiextensions.k8s.io" at the cluster scope';

interface Case {
  name: string;
  server: () => Promise<Fake>;
  scheme: 'http' | 'https';
  code: number;
  error: RegExp;
  fix: RegExp;
}

const CASES: Case[] = [
  {
    name: '401 on the first request',
    scheme: 'http',
    code: EXIT.usage,
    server: () =>
      fakeApi((_q, res) => {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(status(401, 'Unauthorized', 'Unauthorized'));
      }),
    error: /does not accept the credentials of context x: 401/,
    fix: /no valid credentials .*renew them; `kubectl --context x get --raw \/version` must work/,
  },
  {
    name: '403 on the first request',
    scheme: 'http',
    code: EXIT.usage,
    server: () =>
      fakeApi((_q, res) => {
        res.writeHead(403, { 'content-type': 'application/json' });
        res.end(status(403, 'Forbidden', 'forbidden: User "system:anonymous" cannot get path "/version"'));
      }),
    error: /forbids what the suite asked: 403 Forbidden: forbidden: User "system:anonymous" cannot get path "\/version"/,
    fix: /`kubectl auth can-i get \/version --context x`/,
  },
  {
    name: '403 on a later request (listing CRDs)',
    scheme: 'http',
    code: EXIT.usage,
    server: () =>
      fakeApi((q, res) => {
        res.setHeader('content-type', 'application/json');
        if (q.url === '/version') return res.end(VERSION);
        res.statusCode = 403;
        res.end(status(403, 'Forbidden', FORBIDDEN_CRDS));
      }),
    error: /forbids what the suite asked: 403 Forbidden: customresourcedefinitions/,
    fix: /`kubectl auth can-i list customresourcedefinitions\.apiextensions\.k8s\.io --context x`/,
  },
  {
    name: '500 with a body that is no Status',
    scheme: 'http',
    code: EXIT.infrastructure,
    server: () =>
      fakeApi((_q, res) => {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('internal error');
      }),
    error: /the API server of the cluster \(context x, .*\) failed the request: 500 \(no Kubernetes Status in the answer\)/,
    fix: /`kubectl --context x get --raw '\/readyz\?verbose'`/,
  },
  {
    name: '503 with a Status',
    scheme: 'http',
    code: EXIT.infrastructure,
    server: () =>
      fakeApi((_q, res) => {
        res.writeHead(503, { 'content-type': 'application/json' });
        res.end(status(503, 'ServiceUnavailable', 'etcdserver: leader changed'));
      }),
    error: /failed the request: 503 ServiceUnavailable: etcdserver: leader changed/,
    fix: /etcd, a webhook, an aggregated API/,
  },
  {
    name: 'TLS garbage (a server that is no TLS server)',
    scheme: 'https',
    code: EXIT.infrastructure,
    server: () => rawServer((s) => s.end('\u0000\u001b[2Jnot tls at all\r\n\r\n')),
    error:
      /TLS with the cluster \(context x, https:\/\/127\.0\.0\.1:\d+\) failed: (wrong version number|packet length too long|record layer failure)/,
    fix: /server URL \(https, host, port\) and certificate-authority-data/,
  },
];

describe('what the cluster said, named (issue 28)', function () {
  this.timeout(180_000);

  it("each answer: its exit code, its message and fix in the terminal and on the summary's first line; the record verifies", async () => {
    const runs = await pooled(CASES, async (c) => {
      const server = await c.server();
      try {
        const url = c.scheme === 'https' ? `https://${server.url.replace(/^http:\/\//, '')}` : server.url;
        return { c, ...(await e2eAgainst(url, tmp)) };
      } finally {
        await server.close();
      }
    });
    for (const { c, r, dir } of runs) {
      const what = `${c.name}: exit ${r.exitCode}\n${r.stderr}`;
      expect(r.exitCode, what).to.equal(c.code);
      const [first, fix] = expectErrorAndFix(r.stderr, c.error, c.fix, what);
      expect(first, what).not.to.match(/does not answer|raise --connect-timeout/);
      const headline = readFileSync(path.join(dir, 'summary.md'), 'utf8').split('\n')[0];
      expect(headline, what)
        .to.match(/^\*\*Setup failed\*\* at "/)
        .and.match(c.error);
      expect(headline, what).to.include(` — fix: ${fix.replace(/^ {2}fix: /, '')}`);
      expect(verifyBundle(dir, CATALOGUE).problems, what).to.deep.equal([]);
    }
  });

  it('classifies what a request threw (client-node ApiException, node-fetch FetchError, an abort)', () => {
    const where = { context: 'x', server: 'https://k' };
    const api = (code: number, body?: string) =>
      Object.assign(new Error(`HTTP-Code: ${code}\nMessage: m\nBody: ${body}\nHeaders: {"set-cookie":"secret"}`), {
        code,
        body,
        headers: { 'set-cookie': 'secret' },
      });
    const fetchError = (code: string, message: string) =>
      Object.assign(new Error(message), { name: 'FetchError', type: 'system', code, errno: code });
    const table: [unknown, abstract new (...a: never[]) => Error, RegExp][] = [
      [api(401), ClusterAccessError, /does not accept the credentials of context x: 401 \(no Kubernetes Status in the answer\)$/],
      [
        api(403, status(403, 'Forbidden', FORBIDDEN_CRDS)),
        ClusterAccessError,
        /forbids what the suite asked: 403 Forbidden: customresourcedefinitions/,
      ],
      [api(500, 'panic: \u001b[31m'), ClusterApiError, /failed the request: 500 \(no Kubernetes Status in the answer\)$/],
      [api(429, status(429, 'TooManyRequests', 'slow down')), ClusterApiError, /is throttling requests: 429 TooManyRequests: slow down/],
      [
        api(422, status(422, 'Invalid', 'spec.rules: Invalid value')),
        ClusterApiError,
        /refused the request: 422 Invalid: spec\.rules: Invalid value/,
      ],
      [
        fetchError('ECONNREFUSED', 'request to https://k/version failed, reason: connect ECONNREFUSED'),
        InfraError,
        /does not answer: ECONNREFUSED/,
      ],
      [
        fetchError(
          'EPROTO',
          'request to https://k/version failed, reason: write EPROTO 40:error:0A00010B:SSL routines:tls_validate_record_header:wrong version number:../deps/openssl/x.c:77:',
        ),
        InfraError,
        /^TLS with the cluster \(context x, https:\/\/k\) failed: wrong version number$/,
      ],
      [
        fetchError('DEPTH_ZERO_SELF_SIGNED_CERT', 'request to https://k/version failed, reason: self-signed certificate'),
        InfraError,
        /^TLS with .* failed: self-signed certificate$/,
      ],
      [
        Object.assign(new Error('The operation was aborted.'), { name: 'AbortError', type: 'aborted' }),
        InfraError,
        /did not answer a request within 60s/,
      ],
      [
        new Error('HTTP protocol is not allowed when skipTLSVerify is not set or false'),
        UserError,
        /^context x names the server https:\/\/k, plain HTTP, which the Kubernetes client refuses unless .*insecure-skip-tls-verify: true$/,
      ],
    ];
    for (const [err, type, message] of table) {
      const typed = clusterError(err, where, 60_000) as Error;
      expect(typed, String(message)).to.be.instanceOf(type);
      expect(typed.message).to.match(message).and.not.include('secret').and.not.include('HTTP-Code');
    }
    expect(clusterError(api(403), where)).to.be.instanceOf(UserError);
    const unknown = new Error('a bug');
    expect(clusterError(unknown, where)).to.equal(unknown);
    // checks/rejected.ts reads why a manifest was refused from the error's Status.
    expect((clusterError(api(422, status(422, 'Invalid', 'spec.rules: Invalid value')), where) as ClusterApiError).body.message).to.equal(
      'spec.rules: Invalid value',
    );
  });

  it('names the `kubectl auth can-i` for what was forbidden (k8s.io/apiserver forbiddenMessage)', () => {
    expect(canI(FORBIDDEN_CRDS, 'x')).to.equal('kubectl auth can-i list customresourcedefinitions.apiextensions.k8s.io --context x');
    expect(
      canI('pods "p" is forbidden: User "bob" cannot create resource "pods/exec" in API group "" in the namespace "wpt-1"', 'c'),
    ).to.equal('kubectl auth can-i create pods --subresource=exec -n wpt-1 --context c');
    expect(canI('forbidden: User "system:anonymous" cannot get path "/version"', 'c')).to.equal(
      'kubectl auth can-i get /version --context c',
    );
    expect(canI('something else', 'c')).to.equal('kubectl auth can-i --list --context c');
  });
});
