/**
 * npm run test:real, with `npm run controlplane -- up --real-node --mesh-images DIR`: Istio's ambient
 * data plane on the real node for real. ztunnel carries the suite's pods' traffic over HBONE with
 * their SPIFFE identities and enforces an L4 policy; with an agentgateway image, a waypoint of
 * class istio-agentgateway-waypoint applies an HTTPRoute. The namespace enforces Pod Security
 * `restricted`, as the suite's own do: the waypoint istiod deploys must pass it too. Without the images (CI) these are skipped
 * and say so: nothing here is simulated.
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { KubeCluster } from '../../harness/cluster/kube.ts';
import { loadKubeConfig } from '../../harness/cluster/kubeconfig.ts';
import { conditionOf, type KubeObject } from '../../harness/cluster/types.ts';
import { podsOfDeployment } from '../../harness/cluster/workloads.ts';
import { loadFixture } from '../../harness/manifests/manifests.ts';
import { ENFORCE_LABEL } from '../../harness/manifests/pod-security.ts';
import { waitDeploymentsAvailable } from '../../harness/runner/readiness.ts';
import { CLUSTER_TIMING, converge } from '../../harness/wait.ts';
import { stateDir } from '../../equipment/controlplane/controlplane.ts';
import { DEBIAN_IMAGE, ECHO_STANDIN_IMAGE } from '../../equipment/real-node/images.ts';
import { meshImagesOf, NODE } from '../../equipment/real-node/node.ts';

const KUBECONFIG = process.env.KUBECONFIG ?? path.join(stateDir(), 'kubeconfig');
const RUN = randomBytes(3).toString('hex');
const NS = `wpt-mesh-${RUN}`;
const REDIRECTION = 'ambient.istio.io/redirection';

let cluster: KubeCluster;

async function podIn(deployment: string): Promise<KubeObject> {
  return (await podsOfDeployment(cluster, NS, deployment))![0];
}

/** curl's exit code, HTTP status and body for a URL fetched from a client pod. */
async function curl(from: string, url: string) {
  const pod = await podIn(from);
  const r = await cluster.exec(
    { namespace: NS, name: pod.metadata.name, container: from },
    ['sh', '-c', `curl -sS -m 5 -w '\\n%{http_code}' '${url}'; echo " $?"`],
    20_000,
  );
  const lines = r.stdout.trimEnd().split('\n');
  const [code, exit] = (lines.pop() ?? '').trim().split(/\s+/);
  return { exitCode: Number(exit), httpCode: Number(code), body: lines.join('\n'), stderr: r.stderr };
}

async function ztunnelLog(): Promise<string> {
  const pods = (await cluster.list('v1', 'Pod', { namespace: 'istio-system', labelSelector: 'app=ztunnel' })).filter(
    (p) => p.spec.nodeName === NODE.name,
  );
  return cluster.logs({ namespace: 'istio-system', name: pods[0].metadata.name }, 2000);
}

describe('real node: the ambient data plane (ztunnel, waypoints) from --mesh-images', function () {
  this.timeout(300_000);
  const mesh = meshImagesOf(stateDir()).map((m) => m.component);

  before(async function () {
    if (!mesh.includes('ztunnel')) {
      console.log(`    (skipped: no ztunnel image on ${NODE.name}; up --real-node --mesh-images DIR runs it)`);
      this.skip();
    }
    if (!existsSync(KUBECONFIG)) throw new Error(`no kubeconfig at ${KUBECONFIG}`);
    cluster = new KubeCluster(loadKubeConfig(KUBECONFIG, undefined));
    await cluster.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: NS, labels: { 'istio.io/dataplane-mode': 'ambient', [ENFORCE_LABEL]: 'restricted' } },
    });
    const vars = { CURL_IMAGE: DEBIAN_IMAGE, ECHO_IMAGE: ECHO_STANDIN_IMAGE };
    const objs = [...loadFixture('workloads/clients.yaml', vars, RUN), ...loadFixture('workloads/echo-v1.yaml', vars, RUN)].map(
      (o): KubeObject => ({ ...o, metadata: { ...o.metadata, namespace: NS } }),
    );
    for (const o of objs) await cluster.apply(o);
    await waitDeploymentsAvailable(cluster, NS, CLUSTER_TIMING);
  });

  after(async () => {
    await cluster?.delete({ apiVersion: 'v1', kind: 'Namespace', name: NS });
    cluster?.close();
  });

  it('enrolls the pods (istio-cni marks them redirected) and ztunnel carries a request over HBONE with both SPIFFE identities', async () => {
    for (const d of ['sleep', 'notsleep', 'echo-v1']) expect((await podIn(d)).metadata.annotations?.[REDIRECTION], d).to.equal('enabled');
    const r = await curl('sleep', 'http://echo-v1:8080/hbone');
    expect([r.exitCode, r.httpCode], r.stderr).to.deep.equal([0, 200]);
    const echoIp = (await podIn('echo-v1')).status.podIP;
    const inbound = (await ztunnelLog())
      .split('\n')
      .filter(
        (l) =>
          l.includes('direction="inbound"') &&
          l.includes(`dst.addr=${echoIp}:15008`) &&
          l.includes(`src.identity="spiffe://cluster.local/ns/${NS}/sa/sleep"`) &&
          l.includes(`dst.identity="spiffe://cluster.local/ns/${NS}/sa/echo"`),
      );
    expect(inbound.length, 'ztunnel logs the HBONE connection to echo-v1 on 15008 with both identities').to.be.above(0);
  });

  it('enforces an L4 AuthorizationPolicy at the destination: only notsleep may reach echo-v1', async () => {
    await cluster.apply({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'only-notsleep', namespace: NS },
      spec: {
        selector: { matchLabels: { app: 'echo', version: 'v1' } },
        action: 'ALLOW',
        rules: [{ from: [{ source: { principals: [`cluster.local/ns/${NS}/sa/notsleep`] } }] }],
      },
    });
    await converge(
      'sleep denied, notsleep allowed',
      async () => {
        const [denied, allowed] = [await curl('sleep', 'http://echo-v1:8080/'), await curl('notsleep', 'http://echo-v1:8080/')];
        const ok = denied.exitCode !== 0 && allowed.exitCode === 0 && allowed.httpCode === 200;
        return { ok, detail: `sleep: exit ${denied.exitCode}, notsleep: exit ${allowed.exitCode} HTTP ${allowed.httpCode}` };
      },
      CLUSTER_TIMING,
    );
    await cluster.delete({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', name: 'only-notsleep', namespace: NS });
  });

  it('runs an istio-agentgateway-waypoint waypoint on the real node and applies an HTTPRoute through it', async function () {
    if (!mesh.includes('agentgateway')) {
      console.log('    (skipped: no agentgateway image among --mesh-images)');
      this.skip();
    }
    for (const o of loadFixture('common/waypoint.yaml', { APP_NS: NS, WAYPOINT_CLASS: 'istio-agentgateway-waypoint' }, RUN))
      await cluster.apply(o);
    await converge(
      'waypoint pod Ready on the real node',
      async () => {
        const pods = await cluster.list('v1', 'Pod', { namespace: NS, labelSelector: 'gateway.networking.k8s.io/gateway-name=waypoint' });
        const ok = pods.length === 1 && pods[0].spec.nodeName === NODE.name && conditionOf(pods[0], 'Ready')?.status === 'True';
        return { ok, detail: JSON.stringify(pods.map((p) => [p.spec.nodeName, p.status.phase, conditionOf(p, 'Ready')?.status])) };
      },
      CLUSTER_TIMING,
      { consecutive: 1, timeoutMs: CLUSTER_TIMING.readyTimeoutMs },
    );
    await cluster.setLabels({ apiVersion: 'v1', kind: 'Service', namespace: NS, name: 'echo-v1' }, { 'istio.io/use-waypoint': 'waypoint' });
    await cluster.apply({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'echo-v1-header', namespace: NS },
      spec: {
        parentRefs: [{ group: '', kind: 'Service', name: 'echo-v1', port: 8080 }],
        rules: [
          {
            filters: [{ type: 'RequestHeaderModifier', requestHeaderModifier: { add: [{ name: 'X-Wpt-Waypoint', value: RUN }] } }],
            backendRefs: [{ name: 'echo-v1', port: 8080 }],
          },
        ],
      },
    });
    await converge(
      "the route's header reaches echo-v1 through the waypoint",
      async () => {
        const r = await curl('sleep', 'http://echo-v1:8080/route');
        const headers = r.exitCode === 0 ? ((JSON.parse(r.body) as { headers?: Record<string, string> }).headers ?? {}) : {};
        return { ok: headers['x-wpt-waypoint'] === RUN, detail: `exit ${r.exitCode} HTTP ${r.httpCode} ${r.body.slice(0, 300)}` };
      },
      CLUSTER_TIMING,
    );
  });
});
