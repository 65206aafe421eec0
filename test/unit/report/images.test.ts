import { expect } from 'chai';
import { execa } from 'execa';
import { imagesWith, imageVars, IMAGES } from '../../../harness/versions/images.ts';
import { loadFixture } from '../../../harness/manifests/manifests.ts';
import { suiteImages } from '../../../harness/report/images.ts';

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

  it('reach the workloads the scenarios deploy, and the report lists what was deployed', () => {
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
      .flatMap((o) => (o.spec?.template?.spec?.containers ?? []).map((c: { image: string }) => c.image));
    expect(images).to.include.members([
      'mirror.example/curl:8.16.0',
      'mirror.example/echo:37',
      'mirror.example/echo-advanced:v1.5.1',
      'mirror.example/istio/examples-bookinfo-productpage-v1:1.20.3',
    ]);
    expect(images.filter((i) => !i.startsWith('mirror.example/'))).to.deep.equal([]);
    expect(suiteImages(mirror).every((i) => i.startsWith('mirror.example/'))).to.equal(true);
  });

  it('e2e --plan shows them; a bad one is a usage error (exit 2)', async () => {
    const plan = await execa('node', ['--import', 'tsx', 'scripts/e2e.ts', '--plan', '--image', 'echo=mirror.example/echo:37'], {
      reject: false,
    });
    expect(plan.exitCode).to.equal(0);
    expect(plan.stdout).to.include('echo mirror.example/echo:37');
    const bad = await execa('node', ['--import', 'tsx', 'scripts/e2e.ts', '--plan', '--image', 'nginx=x'], { reject: false });
    expect(bad.exitCode).to.equal(2);
  });
});
