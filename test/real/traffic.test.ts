/**
 * npm run test:real: the suite's traffic engine (harness/traffic) through the real cluster backend
 * (harness/cluster/kube.ts) against real pods on the real node of `npm run controlplane -- up
 * --real-node`: real kubelet exec streams, real curl, real Services served by kube-proxy. The
 * clients and echo backends come from the suite's own fixtures (workloads/clients.yaml, echo-v1.yaml, echo-v2.yaml, echo-v3.yaml)
 * with the locally built images; the echo image is a stand-in (equipment/real-node/echo-standin.py).
 * Requests address Services by ClusterIP (name resolution is node.test.ts's subject).
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { KubeCluster } from '../../harness/cluster/kube.ts';
import { fromHost } from '../../harness/traffic/outside.ts';
import { conditionOf, type KubeObject } from '../../harness/cluster/types.ts';
import { loadFixture } from '../../harness/manifests/manifests.ts';
import { ENFORCE_LABEL } from '../../harness/manifests/pod-security.ts';
import { waitDeploymentsAvailable } from '../../harness/runner/readiness.ts';
import { podsOfDeployment } from '../../harness/cluster/workloads.ts';
import { ECHO_BACKEND } from '../../suites/vocabulary.ts';
import { SplitTest } from '../../harness/stats/split-test.ts';
import type { SplitDecision } from '../../harness/stats/split-config.ts';
import { judgeAttempts, parseRequestLog } from '../../harness/traffic/backend-log.ts';
import type { RequestRecord, RequestSpec } from '../../harness/traffic/curl.ts';
import { TrafficEngine } from '../../harness/traffic/engine.ts';
import { classify, CURL_EXIT, VERDICT_MARKERS } from '../../harness/traffic/verdict.ts';
import { CLUSTER_TIMING } from '../../harness/wait.ts';
import { stateDir } from '../../equipment/controlplane/controlplane.ts';
import { DEBIAN_IMAGE, ECHO_STANDIN_IMAGE } from '../../equipment/real-node/images.ts';
import { NODE, readyRealNode } from '../../equipment/real-node/node.ts';

const KUBECONFIG = process.env.KUBECONFIG ?? path.join(stateDir(), 'kubeconfig');
const RUN = randomBytes(3).toString('hex');
const NS = `wpt-real-${RUN}`;
/** 9:1 by pod count behind the `echo` Service; echo-v3 gets none. */
const REPLICAS: Record<string, number> = { 'echo-v1': 9, 'echo-v2': 1, 'echo-v3': 0 };
/**
 * Off the pod network (TEST-NET-3, RFC 5737): the pod routes it to the node, whose guard drops
 * whatever the pod bridge would forward elsewhere (equipment/real-node/node.ts), so the SYN goes nowhere.
 */
const DROPPED_IP = '203.0.113.1';

let cluster: KubeCluster;
let engine: TrafficEngine;

/** The suite's manifest in this run's namespace; the real node is where new pods land (node.test.ts). */
function inNamespace(o: KubeObject): KubeObject {
  const obj: KubeObject = { ...o, metadata: { ...o.metadata, namespace: NS } };
  if (obj.kind === 'Deployment') obj.spec = { ...obj.spec, replicas: REPLICAS[obj.metadata.name] ?? obj.spec.replicas };
  return obj;
}

const markers = [...VERDICT_MARKERS, { name: 'backend', pattern: ECHO_BACKEND.pattern, in: 'body' as const }];
const spec = (url: string, extra: Partial<RequestSpec> = {}): RequestSpec => ({ url, maxTimeSec: 5, markers, ...extra });

async function clusterIP(service: string): Promise<string> {
  const svc = await cluster.get({ apiVersion: 'v1', kind: 'Service', namespace: NS, name: service });
  return svc!.spec.clusterIP;
}

async function podOf(deployment: string): Promise<KubeObject> {
  return (await podsOfDeployment(cluster, NS, deployment))![0];
}

function backendOf(r: RequestRecord): string {
  return new RegExp(ECHO_BACKEND.normalize!).exec(r.markers.backend ?? '')?.[0] ?? 'none';
}

describe('real node: the traffic engine against real pods', function () {
  this.timeout(300_000);

  before(async function () {
    cluster = await readyRealNode(KUBECONFIG);
    // Pod Security restricted enforced, as every namespace of a run is (README "Running on your own cluster").
    await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { [ENFORCE_LABEL]: 'restricted' } } });
    const vars = { CURL_IMAGE: DEBIAN_IMAGE, ECHO_IMAGE: ECHO_STANDIN_IMAGE };
    const objs = [
      ...loadFixture('workloads/clients.yaml', vars, RUN),
      ...loadFixture('workloads/echo-v1.yaml', vars, RUN),
      ...loadFixture('workloads/echo-v2.yaml', vars, RUN),
      ...loadFixture('workloads/echo-v3.yaml', vars, RUN),
    ].map(inNamespace);
    for (const o of objs) await cluster.apply(o);
    engine = new TrafficEngine(cluster, fromHost);
    // The suite's own readiness wait; the first test checks what it claimed.
    await waitDeploymentsAvailable(cluster, NS, CLUSTER_TIMING);
  });

  after(async () => {
    await cluster?.delete({ apiVersion: 'v1', kind: 'Namespace', name: NS });
    cluster?.close();
  });

  it("readiness: the suite's wait returned once the real Deployments were available with Ready pods on the node", async () => {
    for (const [name, replicas] of Object.entries({ sleep: 1, notsleep: 1, ...REPLICAS })) {
      const pods = (await podsOfDeployment(cluster, NS, name)) ?? [];
      expect(
        pods.filter((p) => conditionOf(p, 'Ready')?.status === 'True' && p.spec.nodeName === NODE.name),
        name,
      ).to.have.length(replicas);
    }
  });

  it("an allowed request: real curl in the client pod through the echo Service's ClusterIP", async () => {
    const batch = await engine.fromPod({ namespace: NS, app: 'sleep' }, spec(`http://${await clusterIP('echo')}:8080/`), 5);
    expect(batch.records.map(classify)).to.deep.equal(Array(5).fill('allowed'));
    expect(
      batch.records.every((r) => r.httpCode === 200 && /^echo-v[12]$/.test(backendOf(r))),
      JSON.stringify(batch.records),
    ).to.equal(true);
  });

  it('connection refused on a closed port: curl exit 7, not classified as any mesh verdict', async () => {
    const ip = (await podOf('echo-v2')).status.podIP;
    const batch = await engine.fromPod({ namespace: NS, app: 'sleep' }, spec(`http://${ip}:9/`), 3);
    expect(batch.records.map((r) => r.exitCode)).to.deep.equal([CURL_EXIT.refused, CURL_EXIT.refused, CURL_EXIT.refused]);
    expect(batch.records.map(classify)).to.deep.equal(['other', 'other', 'other']);
  });

  it("a timeout when the route drops the packets (the node's network guard): curl exit 28, classified timeout", async () => {
    const batch = await engine.fromPod({ namespace: NS, app: 'sleep' }, spec(`http://${DROPPED_IP}:8080/`, { maxTimeSec: 2 }), 2);
    expect(batch.records.map((r) => r.exitCode)).to.deep.equal([CURL_EXIT.timeout, CURL_EXIT.timeout]);
    expect(batch.records.map(classify)).to.deep.equal(['timeout', 'timeout']);
    expect(batch.records.every((r) => r.timeSec >= 1.9)).to.equal(true);
  });

  it('a server that resets the connection: curl exit 56, classified as an L4 deny', async () => {
    const batch = await engine.fromPod({ namespace: NS, app: 'sleep' }, spec(`http://${await clusterIP('echo-v2')}:8080/reset`), 3);
    expect(batch.records.map((r) => r.exitCode)).to.deep.equal([CURL_EXIT.reset, CURL_EXIT.reset, CURL_EXIT.reset]);
    expect(batch.records.map(classify)).to.deep.equal(['denied-l4', 'denied-l4', 'denied-l4']);
  });

  it('a real 503 is unavailable; a real 403 without the RBAC body is not an L7 deny', async () => {
    const url = `http://${await clusterIP('echo-v2')}:8080/`;
    const unavailable = await engine.fromPod(
      { namespace: NS, app: 'sleep' },
      spec(url, { headers: { 'x-set-response-status-code': '503' } }),
      2,
    );
    expect(unavailable.records.map((r) => [r.httpCode, classify(r)])).to.deep.equal([
      [503, 'unavailable'],
      [503, 'unavailable'],
    ]);
    const forbidden = await engine.fromPod(
      { namespace: NS, app: 'sleep' },
      spec(url, { headers: { 'x-set-response-status-code': '403' } }),
      2,
    );
    expect(forbidden.records.map((r) => [r.httpCode, classify(r)])).to.deep.equal([
      [403, 'other'],
      [403, 'other'],
    ]);
  });

  it('counts requests at the backend from its real log (kubectl logs)', async () => {
    const url = `http://${await clusterIP('echo-v2')}:8080/count`;
    const ids = Array.from({ length: 4 }, (_, i) => `wpt-${RUN}-${i}`);
    for (const id of ids) await engine.fromPod({ namespace: NS, app: 'notsleep' }, spec(url, { headers: { 'x-request-id': id } }), 1);
    const pod = await podOf('echo-v2');
    const logged = parseRequestLog(await cluster.logs({ namespace: NS, name: pod.metadata.name, container: 'echo' }, 1000)).filter((r) =>
      r.requestId?.startsWith(`wpt-${RUN}-`),
    );
    expect(judgeAttempts(logged, ids.length, 1)).to.include({ ok: true });
    expect(judgeAttempts(logged, ids.length, 2).ok, 'a retry count of 2 must be refused').to.equal(false);
  });

  it('the split test accepts the true 9:1 split of a real Service and rejects 1:1, within its bounds', async () => {
    const url = `http://${await clusterIP('echo')}:8080/`;
    const truth = new SplitTest({ 'echo-v1': 9, 'echo-v2': 1 });
    const wrong = new SplitTest({ 'echo-v1': 1, 'echo-v2': 1 });
    let t: SplitDecision = 'continue';
    let w: SplitDecision = 'continue';
    while (t === 'continue' || w === 'continue') {
      const batch = await engine.fromPod({ namespace: NS, app: 'sleep' }, spec(url), 25);
      expect(batch.records, batch.raw.stderr).to.have.length(25);
      for (const r of batch.records) {
        if (t === 'continue') t = truth.observe(backendOf(r));
        if (w === 'continue') w = wrong.observe(backendOf(r));
      }
    }
    expect(t, JSON.stringify(truth.state())).to.equal('pass');
    expect(w).to.equal('fail');
  });

  it('many concurrent exec streams lose nothing', async () => {
    const url = `http://${await clusterIP('echo')}:8080/`;
    const batches = await Promise.all(
      Array.from({ length: 8 }, (_, i) => engine.fromPod({ namespace: NS, app: i % 2 ? 'sleep' : 'notsleep' }, spec(url), 10)),
    );
    for (const b of batches) {
      expect(
        b.records.map((r) => r.seq),
        b.raw.stderr,
      ).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(b.records.map(classify)).to.deep.equal(Array(10).fill('allowed'));
    }
  });
});
