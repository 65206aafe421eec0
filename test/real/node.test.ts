/**
 * npm run test:real: what the real node of `npm run controlplane -- up --real-node` provides to
 * the suite's pods: placement on the real node (kwok never takes it over), cluster DNS, istiod and
 * the API server through their Services, istio-cni installed and running there for real, and
 * processes that come back when they exit (CoreDNS, kube-controller-manager).
 */
import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { KubeCluster } from '../../harness/cluster/kube.ts';
import { conditionOf, type KubeObject } from '../../harness/cluster/types.ts';
import { podsOfDeployment } from '../../harness/cluster/workloads.ts';
import { loadFixture } from '../../harness/manifests/manifests.ts';
import { ENFORCE_LABEL } from '../../harness/manifests/pod-security.ts';
import { waitDeploymentsAvailable } from '../../harness/runner/readiness.ts';
import { refusal } from '../../harness/checks/rejected.ts';
import { CURL_EXIT } from '../../harness/traffic/verdict.ts';
import { CLUSTER_TIMING, waitFor } from '../../harness/wait.ts';
import { kwokComponentPid, stateDir } from '../../equipment/controlplane/controlplane.ts';
import { hasExited, isRunning, records } from '../../equipment/host/processes.ts';
import { CLUSTER_DOMAIN } from '../../equipment/real-node/dns.ts';
import { DEBIAN_IMAGE, ECHO_STANDIN_IMAGE } from '../../equipment/real-node/images.ts';
import { KWOK_NODE_ANNOTATION } from '../../equipment/real-node/mesh.ts';
import { chainsIstioCni, NODE, nodePaths, readyRealNode } from '../../equipment/real-node/node.ts';

const KUBECONFIG = process.env.KUBECONFIG ?? path.join(stateDir(), 'kubeconfig');
const RUN = randomBytes(3).toString('hex');
const NS = `wpt-node-${RUN}`;

let cluster: KubeCluster;
let echoV1: KubeObject;

/** Runs a shell command in the sleep pod. */
async function inSleep(script: string, timeoutMs = 20_000) {
  const pod = (await podsOfDeployment(cluster, NS, 'sleep'))![0];
  return cluster.exec({ namespace: NS, name: pod.metadata.name, container: 'sleep' }, ['sh', '-c', script], timeoutMs);
}

/** curl's exit code, HTTP status and total time for a URL fetched in the sleep pod. */
async function curl(url: string, extra = '') {
  const r = await inSleep(`curl -sS -o /dev/null -m 5 ${extra} -w '%{http_code} %{time_total}' '${url}'; echo " $?"`);
  const [code, time, exit] = r.stdout.trim().split(/\s+/);
  return { httpCode: Number(code), timeSec: Number(time), exitCode: Number(exit), stderr: r.stderr };
}

function inPodCidr(ip: string): boolean {
  const [net] = NODE.podCidr.split('/');
  return ip.split('.').slice(0, 3).join('.') === net.split('.').slice(0, 3).join('.');
}

describe('real node: placement, cluster DNS, istio-cni, supervision', function () {
  this.timeout(300_000);

  before(async function () {
    cluster = await readyRealNode(KUBECONFIG);
    // Pod Security restricted enforced, as every namespace of a run is (README "Running on your own cluster").
    await cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { [ENFORCE_LABEL]: 'restricted' } } });
    const vars = { CURL_IMAGE: DEBIAN_IMAGE, ECHO_IMAGE: ECHO_STANDIN_IMAGE };
    // The suite's manifests as they are: nothing here says where the pods go.
    const objs = [...loadFixture('workloads/clients.yaml', vars, RUN), ...loadFixture('workloads/echo-v1.yaml', vars, RUN)].map(
      (o): KubeObject => ({ ...o, metadata: { ...o.metadata, namespace: NS } }),
    );
    for (const o of objs) await cluster.apply(o);
    echoV1 = objs.find((o) => o.kind === 'Deployment' && o.metadata.name === 'echo-v1')!;
    await waitDeploymentsAvailable(cluster, NS, CLUSTER_TIMING);
  });

  after(async () => {
    await cluster?.delete({ apiVersion: 'v1', kind: 'Namespace', name: NS });
    cluster?.close();
  });

  it("places the suite's pods on the real node, with real pod IPs: the simulated nodes are cordoned and kwok does not manage the real one", async () => {
    const pods = await cluster.list('v1', 'Pod', { namespace: NS });
    expect(pods.map((p) => p.spec.nodeName)).to.deep.equal(Array(pods.length).fill(NODE.name));
    expect(
      pods.every((p) => inPodCidr(p.status.podIP)),
      JSON.stringify(pods.map((p) => p.status.podIP)),
    ).to.equal(true);
    const [key, value] = KWOK_NODE_ANNOTATION.split('=');
    const nodes = await cluster.list('v1', 'Node');
    const simulated = nodes.filter((n) => n.metadata.annotations?.[key] === value);
    expect(simulated.length).to.be.above(0);
    expect(simulated.every((n) => n.spec.unschedulable === true)).to.equal(true);
    const real = nodes.find((n) => n.metadata.name === NODE.name)!;
    expect(real.metadata.annotations?.[key]).to.equal(undefined);
    expect(real.spec.unschedulable ?? false).to.equal(false);
    expect(real.spec.taints ?? []).to.deep.equal([]);
  });

  it("enforces Pod Security restricted: a pod without its settings is refused; the suite's pods run as their numeric user, without privileges, under seccomp", async () => {
    let refused = '';
    try {
      await cluster.apply({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'not-restricted', namespace: NS },
        spec: { containers: [{ name: 'c', image: DEBIAN_IMAGE, command: ['true'] }] },
      });
    } catch (err) {
      refused = refusal(err);
    }
    expect(refused, 'the API server admitted a pod restricted forbids').to.match(/violates PodSecurity "restricted/);
    // clients.yaml asks for uid 100; the kernel's view of the process: no capabilities, no new privileges, a seccomp filter (mode 2).
    const r = await inSleep('id -u; grep -E "^(CapEff|NoNewPrivs|Seccomp):" /proc/self/status');
    expect(
      r.stdout
        .split('\n')
        .map((l) => l.replace(/\s+/g, ' ').trim())
        .filter(Boolean),
      r.stderr,
    ).to.deep.equal(['100', 'CapEff: 0000000000000000', 'NoNewPrivs: 1', 'Seccomp: 2']);
  });

  it('cluster DNS: a pod reaches a Service by its short, namespaced and full name', async () => {
    for (const host of ['echo-v1', `echo-v1.${NS}`, `echo-v1.${NS}.svc.${CLUSTER_DOMAIN}`]) {
      const r = await curl(`http://${host}:8080/`);
      expect([r.exitCode, r.httpCode], `${host}: ${r.stderr}`).to.deep.equal([0, 200]);
    }
  });

  it('cluster DNS: an unknown name fails at once (NXDOMAIN through the whole search list, nothing forwarded)', async () => {
    const r = await curl('http://no-such-service:8080/');
    expect(r.exitCode, r.stderr).to.equal(CURL_EXIT.couldNotResolve);
    expect(r.timeSec).to.be.below(1);
  });

  it('a pod reaches istiod through its Service (the local istiod) and the API server through the kubernetes Service, verifying its certificate', async () => {
    const version = await inSleep(`curl -sS -m 5 http://istiod.istio-system.svc:15014/version`);
    expect(version.stdout, version.stderr).to.match(/^\d+\.\d+/);
    const sa = '/var/run/secrets/kubernetes.io/serviceaccount';
    const api = await inSleep(
      `curl -sS -m 5 --cacert ${sa}/ca.crt -H "Authorization: Bearer $(cat ${sa}/token)" https://kubernetes.default.svc/version`,
    );
    expect(api.exitCode, api.stderr).to.equal(0);
    expect((JSON.parse(api.stdout) as { gitVersion: string }).gitVersion).to.match(/^v1\.\d+\.\d+/);
  });

  it("istio-cni runs on the real node: its pod Ready, its plugin installed and chained into the node's CNI network", async () => {
    const pods = (await cluster.list('v1', 'Pod', { namespace: 'istio-system', labelSelector: 'k8s-app=istio-cni-node' })).filter(
      (p) => p.spec.nodeName === NODE.name,
    );
    expect(pods).to.have.length(1);
    expect(conditionOf(pods[0], 'Ready')?.status).to.equal('True');
    const p = nodePaths(stateDir());
    expect(chainsIstioCni(readFileSync(path.join(p.cniConf, '10-wpt.conflist'), 'utf8'))).to.equal(true);
    expect(existsSync(path.join(p.cniBin, 'istio-cni'))).to.equal(true);
    // The suite's pods above were started through that chain: their sandboxes were set up after istio-cni was Ready.
    const started = new Date(pods[0].status.startTime).getTime();
    for (const pod of await cluster.list('v1', 'Pod', { namespace: NS }))
      expect(new Date(pod.status.startTime).getTime()).to.be.above(started);
  });

  it('starts CoreDNS again when it exits (a process up started itself), and names resolve again', async () => {
    const before = records(stateDir()).find((r) => r.name === 'coredns');
    expect(before, 'up recorded no coredns').to.not.equal(undefined);
    process.kill(before!.pid, 'SIGKILL');
    await waitFor(
      'CoreDNS started again',
      async () => {
        const now = records(stateDir()).find((r) => r.name === 'coredns');
        return now && now.pid !== before!.pid && isRunning(now) ? true : undefined;
      },
      CLUSTER_TIMING,
    );
    const r = await waitFor(
      'echo-v1 resolves again',
      async () => {
        const c = await curl('http://echo-v1:8080/');
        return c.exitCode === 0 ? c : undefined;
      },
      CLUSTER_TIMING,
    );
    expect(r.httpCode).to.equal(200);
  });

  it('starts kube-controller-manager again when it exits, and the cluster keeps reconciling', async () => {
    const pid = kwokComponentPid('kube-controller-manager');
    expect(pid, 'kwokctl recorded no kube-controller-manager').to.be.a('number');
    process.kill(pid!, 'SIGKILL');
    await waitFor('kube-controller-manager exits', async () => (hasExited(pid!) ? true : undefined), CLUSTER_TIMING);
    const next = await waitFor(
      'kube-controller-manager started again',
      async () => {
        const p = kwokComponentPid('kube-controller-manager');
        return p && p !== pid && !hasExited(p) ? p : undefined;
      },
      CLUSTER_TIMING,
    );
    expect(next).to.not.equal(pid);
    // Scaling needs the Deployment and ReplicaSet controllers, which run in kube-controller-manager.
    await cluster.apply({ ...echoV1, spec: { ...echoV1.spec, replicas: 2 } });
    await waitFor(
      'echo-v1 scaled to 2 Ready pods on the real node',
      async () => {
        const pods = (await podsOfDeployment(cluster, NS, 'echo-v1')) ?? [];
        return pods.filter((p) => p.spec.nodeName === NODE.name && conditionOf(p, 'Ready')?.status === 'True').length === 2
          ? true
          : undefined;
      },
      CLUSTER_TIMING,
    );
  });
});
