import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { fetchVerified, DownloadError } from '../../../harness/platform/tools/download.ts';
import { kindConfig, createArgs } from '../../../harness/platform/cluster/kind.ts';
import { ipv4Subnet, poolRange, poolObjects } from '../../../harness/platform/install/metallb.ts';
import { gatewayApiFor, checkIstioVersion, ISTIO, KIND, METALLB, metallbManifest } from '../../../harness/versions/versions.ts';
import { IMAGES } from '../../../harness/versions/images.ts';
import { plan } from '../../../harness/platform/plan.ts';
import { Teardown } from '../../../harness/undo.ts';
import { parseE2eArgs } from '../../../harness/cli/args.ts';
import { UserError } from '../../../harness/errors.ts';
import { CATALOGUE } from '../../../suites/index.ts';
import { tempDirs } from '../tmp.ts';

describe('download and verify (local HTTP server)', () => {
  const body = Buffer.from('kind binary bytes');
  const digest = createHash('sha256').update(body).digest('hex');
  let server: http.Server;
  let base = '';
  before(async () => {
    server = http.createServer((req, res) => {
      if (req.url === '/kind') res.end(body);
      else if (req.url === '/kind.sha256sum') res.end(`${digest}  kind\n`);
      else if (req.url === '/bad.sha256sum') res.end(`${'0'.repeat(64)}  kind\n`);
      else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());
  const dir = tempDirs('wpt-dl-');

  it('accepts a file whose sha256 matches the published checksum', async () => {
    const f = await fetchVerified({ url: `${base}/kind`, checksumUrl: `${base}/kind.sha256sum` }, 5000, dir());
    expect(readFileSync(f).equals(body)).to.equal(true);
  });
  it('refuses a file whose sha256 differs, and keeps nothing', async () => {
    const d = dir();
    try {
      await fetchVerified({ url: `${base}/kind`, checksumUrl: `${base}/bad.sha256sum` }, 5000, d);
      expect.fail('should refuse');
    } catch (e) {
      expect(e).to.be.instanceOf(DownloadError);
      expect((e as Error).message).to.match(/checksum mismatch/);
    }
  });
  it('names the URL when the server is unreachable or the file is missing', async () => {
    await fetchVerified({ url: 'http://127.0.0.1:1/kind', sha256: digest }, 2000, dir()).then(
      () => expect.fail(),
      (e) => expect((e as Error).message).to.match(/cannot download http:\/\/127.0.0.1:1\/kind/),
    );
    await fetchVerified({ url: `${base}/nope`, sha256: digest }, 2000, dir()).then(
      () => expect.fail(),
      (e) => expect((e as Error).message).to.match(/HTTP 404/),
    );
  });
  it('accepts a pinned digest, and refuses an artifact with nothing to verify against', async () => {
    const f = await fetchVerified({ url: `${base}/kind`, sha256: digest }, 5000, dir());
    expect(readFileSync(f).equals(body)).to.equal(true);
    await fetchVerified({ url: `${base}/kind` }, 5000, dir()).then(
      () => expect.fail(),
      (e) => expect((e as Error).message).to.match(/no checksum to verify against/),
    );
  });
});

describe('kind, MetalLB and versions', () => {
  it('renders one control plane and two workers, created with the pinned node image and a wait', () => {
    const cfg = parse(kindConfig());
    expect(cfg.nodes.map((n: { role: string }) => n.role)).to.deep.equal(['control-plane', 'worker', 'worker']);
    expect(createArgs('wpt', '/tmp/k.yaml')).to.include.members(['--image', KIND.nodeImage, '--wait', '180s']);
  });
  it('takes the MetalLB pool from the IPv4 subnet of a docker network inspect document', () => {
    const inspect = [
      {
        Name: 'kind',
        IPAM: { Driver: 'default', Config: [{ Subnet: 'fc00:f853:ccd:e793::/64' }, { Subnet: '172.18.0.0/16', Gateway: '172.18.0.1' }] },
      },
    ];
    const subnet = ipv4Subnet(inspect);
    expect(subnet).to.equal('172.18.0.0/16');
    expect(poolRange(subnet)).to.equal('172.18.255.231-172.18.255.250');
    const [pool, l2] = poolObjects(poolRange(subnet), {});
    expect(pool).to.deep.include({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool' });
    expect(l2.spec.ipAddressPools).to.deep.equal([pool.metadata.name]);
    expect(() => ipv4Subnet([{ IPAM: { Config: [{ Subnet: 'fc00::/64' }] } }])).to.throw(/no IPv4 subnet/);
  });
  it('chooses the Gateway API release Istio is built against, experimental channel', () => {
    expect(gatewayApiFor('1.26.3').version).to.equal('v1.3.0');
    expect(gatewayApiFor('1.28.2').version).to.equal('v1.4.0');
    expect(gatewayApiFor('1.30.4')).to.deep.include({ version: 'v1.5.1', channel: 'experimental' });
    expect(gatewayApiFor('1.31.1').version).to.equal('v1.6.0');
    expect(() => checkIstioVersion('1.25.0')).to.throw(/not supported/);
    expect(() => checkIstioVersion('latest')).to.throw(/not a version/);
    expect(ISTIO.nightly.map((v) => v.split('.').slice(0, 2).join('.'))).to.deep.equal(ISTIO.supportedMinors);
  });
  it('pins a sha256 for every manifest without a published checksum', () => {
    for (const minor of ISTIO.supportedMinors) {
      const gw = gatewayApiFor(`${minor}.0`);
      const names = gw.files.map((f) => path.basename(f.url));
      expect(names, `Gateway API ${gw.version}`).to.include.members([
        'gateway.networking.k8s.io_gateways.yaml',
        'gateway.networking.k8s.io_httproutes.yaml',
      ]);
      for (const f of gw.files) {
        expect(f.url).to.match(
          new RegExp(`^https://raw.githubusercontent.com/kubernetes-sigs/gateway-api/${gw.version}/config/crd/experimental/`),
        );
        expect(f.sha256).to.match(/^[0-9a-f]{64}$/);
      }
    }
    expect(metallbManifest().url).to.include(`/metallb/${METALLB.version}/config/manifests/metallb-native.yaml`);
    expect(metallbManifest().sha256).to.match(/^[0-9a-f]{64}$/);
  });
  it('plans every step in order with versions, touching nothing', () => {
    const p = plan(
      {
        cluster: 'kind',
        istioVersion: '1.30.5',
        reuseCluster: false,
        keepCluster: false,
        skipInstall: false,
        gatewayClass: 'istio-waypoint',
        reportDir: 'r',
        images: IMAGES,
      },
      CATALOGUE,
    ).join('\n');
    for (const s of [
      'kind v0.30.0',
      'MetalLB v0.15.2',
      'Gateway API CRDs v1.5.1',
      'Istio 1.30.5 ambient',
      'sleep and notsleep',
      'bookinfo',
      'teardown',
    ])
      expect(p).to.include(s);
    expect(p.indexOf('MetalLB')).to.be.lessThan(p.indexOf('Gateway API')).and.lessThan(p.indexOf('Istio 1.30.5 ambient'));
  });
});

describe('command line', () => {
  const bad = (argv: string[], re: RegExp) => {
    try {
      parseE2eArgs(argv);
      expect.fail(`accepted ${argv.join(' ')}`);
    } catch (e) {
      expect(e).to.be.instanceOf(UserError);
      expect((e as Error).message).to.match(re);
    }
  };
  it('rejects unknown flags and bad values, naming them', () => {
    bad(['--bogus'], /unknown option '--bogus'/);
    bad(['--cluster', 'minikube'], /minikube/);
    bad(['--parallel', '0'], /--parallel takes an integer from 1 to 64/);
    bad(['--timeout-overrides', 'soon=5'], /unknown timing "soon"/);
    bad(['--istio-version', '1.20.1'], /not supported/);
    bad(['--context', 'x'], /name an existing cluster/);
    bad(['--certify'], /--implementation/);
    bad(['--grep', '('], /not a regular expression/);
  });
  it('parses a full command line', () => {
    const o = parseE2eArgs([
      '--cluster',
      'existing',
      '--context',
      'c',
      '--parallel',
      '4',
      '--timeout-overrides',
      'consecutive=5,convergeTimeoutMs=9000',
      '--grep',
      '^routing/',
    ]);
    expect(o).to.deep.include({ cluster: 'existing', context: 'c', parallel: 4, grep: '^routing/' });
    expect(o.timing).to.deep.include({ consecutive: 5, convergeTimeoutMs: 9000 });
  });
});

describe('teardown', () => {
  it('runs undo steps newest first, and keeps going after a failing one', async () => {
    const order: string[] = [];
    const t = new Teardown();
    t.add('cluster', async () => {
      order.push('cluster');
    });
    t.add('istio', async () => {
      throw new Error('boom');
    });
    t.add('namespaces', async () => {
      order.push('namespaces');
    });
    const failures = await t.runAll();
    expect(order).to.deep.equal(['namespaces', 'cluster']);
    expect(failures).to.deep.equal(['istio: boom']);
    expect(await t.runAll()).to.deep.equal(failures);
  });
  it('on SIGINT tears down, then calls back (where the entry point exits 130)', async () => {
    const t = new Teardown();
    const done: string[] = [];
    t.add('kind cluster', async () => {
      done.push('kind cluster');
    });
    const fake = new EventEmitter();
    const doneWhenCalledBack = new Promise<string[]>((resolve) =>
      t.onSignals(
        () => {},
        () => resolve([...done]),
        fake,
      ),
    );
    fake.emit('SIGINT');
    expect(await doneWhenCalledBack).to.deep.equal(['kind cluster']);
    expect(t.received).to.equal('SIGINT');
  });
});
