import { expect } from 'chai';
import { execa } from 'execa';
import { imagesWith, imageVars, IMAGES } from '../../../harness/versions/images.ts';
import { loadFixture } from '../../../harness/manifests/manifests.ts';
import { podImages } from '../../../harness/manifests/images.ts';
import { buildReport } from '../../../harness/report/model.ts';
import { makeEnv, runWithClients } from '../../../harness/runner/run.ts';
import { ISTIO_FEATURES } from '../../../harness/scenario/features.ts';
import { ModelCluster } from '../../../equipment/model/model-cluster.ts';
import { MODEL_TIMING } from '../../../equipment/model/timing.ts';
import { CATALOGUE } from '../../../suites/index.ts';

describe('image overrides (--image, a private mirror)', () => {
  const mirror = imagesWith([
    'curl=mirror.example/curl:8.16.0',
    'echo=mirror.example/echo:37',
    'grpc-echo=mirror.example/echo-advanced:v1.5.1',
    'bookinfo-hub=mirror.example/istio',
    'bookinfo-tag=1.20.3',
  ]);

  it('replace the pinned images key by key, and refuse an unknown key or an empty reference', () => {
    expect(imagesWith(['echo=mirror.example/echo:37'])).to.deep.equal({ ...IMAGES, echo: 'mirror.example/echo:37' });
    expect(() => imagesWith(['nginx=x'])).to.throw(/KEY one of curl, echo, grpc-echo, bookinfo-hub, bookinfo-tag/);
    expect(() => imagesWith(['curl='])).to.throw(/--image curl=/);
  });

  it('reach the workloads the scenarios deploy', () => {
    const vars = { ...imageVars(mirror), APP_NS: 'a', INFRA_NS: '', CLIENT_NS: 'c', WAYPOINT_CLASS: 'w' };
    const images = [
      'workloads/clients.yaml',
      'workloads/echo-v1.yaml',
      'workloads/echo-v2.yaml',
      'workloads/echo-v3.yaml',
      'workloads/grpc-echo.yaml',
      'workloads/bookinfo.yaml',
    ]
      .flatMap((f) => loadFixture(f, vars, 'r'))
      .flatMap(podImages);
    expect(images).to.include.members([
      'mirror.example/curl:8.16.0',
      'mirror.example/echo:37',
      'mirror.example/echo-advanced:v1.5.1',
      'mirror.example/istio/examples-bookinfo-productpage-v1:1.20.3',
    ]);
    expect(images.filter((i) => !i.startsWith('mirror.example/'))).to.deep.equal([]);
  });

  it('the report lists the images of what the run applied, no more (and the kind node it made)', async () => {
    // The pinned images: the model recognises its workloads by them.
    const cluster = new ModelCluster({ seed: 3 });
    const env = makeEnv(cluster, {
      timing: { ...MODEL_TIMING, clock: cluster.clock },
      outside: cluster.outside,
      supported: ISTIO_FEATURES,
      gatewayClass: 'istio-waypoint',
      log: () => {},
    });
    const echoOnly = CATALOGUE.filter((s) => s.id === 'routing/weight-100-0');
    const run = await runWithClients(env, echoOnly, 1);
    expect(
      run.results.map((r) => r.outcome),
      JSON.stringify(run.results.map((r) => r.reason)),
    ).to.deep.equal(['passed']);
    // The clients (sleep, notsleep) and echo; bookinfo and the gRPC echo were not applied, the outside client not started.
    expect([...env.deployed].sort()).to.deep.equal([IMAGES.curl, IMAGES.echo].sort());
    const report = buildReport({
      results: run.results,
      scenarios: echoOnly,
      images: [...env.deployed],
      mode: 'e2e',
      planes: ['control', 'data'],
      claimedFeatures: undefined,
      implementation: {
        organization: 'o',
        project: 'p',
        version: '1',
        url: 'https://example.org',
        contact: [],
        gatewayClassName: 'istio-waypoint',
      },
      environment: {
        kubernetesVersion: 'v1.36.0',
        gatewayApi: { version: 'v1.6.0', channel: 'standard' },
        kindNodeImage: 'kindest/node:v1.36.0',
        commandLine: 'npm run e2e',
      },
    });
    expect(report.environment.images).to.deep.equal([IMAGES.curl, IMAGES.echo, 'kindest/node:v1.36.0'].sort());
  });

  it('e2e --plan shows them; a bad one is a usage error (exit 2)', async () => {
    const plan = await execa('node', ['scripts/e2e.ts', '--plan', '--image', 'echo=mirror.example/echo:37'], {
      reject: false,
    });
    expect(plan.exitCode).to.equal(0);
    expect(plan.stdout).to.include('echo mirror.example/echo:37');
    const bad = await execa('node', ['scripts/e2e.ts', '--plan', '--image', 'nginx=x'], { reject: false });
    expect(bad.exitCode).to.equal(2);
  });
});
