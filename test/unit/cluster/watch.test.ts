import { expect } from 'chai';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as k8s from '@kubernetes/client-node';
import { KubeCluster } from '../../../harness/cluster/kube.ts';
import { changesOf } from '../../../harness/cluster/watch.ts';
import { waitFor } from '../../../harness/wait.ts';

/** A loopback API server: discovery for apps/v1, and a watch that reports one change after 200 ms. */
function fakeApiServer(onWatch: () => void) {
  const watches: http.ServerResponse[] = [];
  const server = http.createServer((req, res) => {
    if (req.url === '/apis/apps/v1') {
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          kind: 'APIResourceList',
          groupVersion: 'apps/v1',
          resources: [
            { name: 'deployments', namespaced: true, kind: 'Deployment', verbs: ['get', 'list', 'watch'], singularName: 'deployment' },
          ],
        }),
      );
      return;
    }
    if (req.url?.startsWith('/apis/apps/v1/namespaces/demo/deployments') && req.url.includes('watch=true')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      watches.push(res);
      setTimeout(() => {
        onWatch();
        res.write(
          `${JSON.stringify({ type: 'MODIFIED', object: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'echo', namespace: 'demo' } } })}\n`,
        );
      }, 200);
      return;
    }
    res.statusCode = 404;
    res.end('{}');
  });
  return { server, closeWatches: () => watches.forEach((w) => w.end()) };
}

describe('watch-driven waits', () => {
  it('wake at the first watch event instead of the next poll', async () => {
    let changed = false;
    const { server, closeWatches } = fakeApiServer(() => (changed = true));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'u' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    const cluster = new KubeCluster(kc);
    try {
      const timing = { intervalMs: 30_000, maxIntervalMs: 30_000, readyTimeoutMs: 60_000, convergeTimeoutMs: 60_000, consecutive: 1 };
      const started = Date.now();
      await waitFor(
        'the Deployment changed',
        async () => (changed ? true : undefined),
        timing,
        undefined,
        undefined,
        changesOf(cluster, 'apps/v1', 'Deployment', 'demo'),
      );
      expect(Date.now() - started).to.be.below(5_000);
    } finally {
      cluster.close();
      closeWatches();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
