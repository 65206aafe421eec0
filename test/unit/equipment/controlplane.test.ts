import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { KubeObject } from '../../../harness/cluster/types.ts';
import { sha256Hex } from '../../../harness/digest.ts';
import { cachePathFor, fetchVerified } from '../../../harness/platform/tools/download.ts';
import { redirectionPatch, shouldBeEnrolled } from '../../../equipment/controlplane/cni-rules.ts';

import {
  goVersionAtLeast,
  istioLdflags,
  kubernetesLdflags,
  pseudoVersionRevision,
  stagingReplaces,
  wrapperGoMod,
} from '../../../equipment/host/gobuild.ts';
import { addHosts, removeHosts, withEntries, withoutEntries } from '../../../equipment/host/hosts.ts';
import { configMapFiles, istiodProcess, readinessUrl } from '../../../equipment/controlplane/istiod.ts';
import { KUBERNETES } from '../../../equipment/host/pins.ts';
import { rewriteWebhooks, webhookHosts } from '../../../equipment/controlplane/webhooks.ts';
import {
  istiodSelector,
  meshSettings,
  parseNamespace,
  parseRevision,
  parseTrustDomain,
} from '../../../equipment/controlplane/mesh-options.ts';
import { snapshotDifferences } from '../../../equipment/controlplane/snapshot.ts';
import { up } from '../../../equipment/controlplane/controlplane.ts';
import { UserError } from '../../../harness/errors.ts';

// Shaped like k8s.io/kubernetes v1.36.3's go.mod (its go/godebug lines and staging replace block).
const K8S_GOMOD = `module k8s.io/kubernetes

go 1.26.0

godebug default=go1.26

require (
	k8s.io/api v0.0.0
	github.com/spf13/cobra v1.9.1
)

replace (
	k8s.io/api => ./staging/src/k8s.io/api
	k8s.io/client-go => ./staging/src/k8s.io/client-go
	k8s.io/kms => ./staging/src/k8s.io/kms
)
`;

describe('controlplane: building from the Go module proxy', () => {
  it('wraps k8s.io/kubernetes: its go and godebug lines, the pin, and each staging module at v0.<minor>.<patch>', () => {
    const gomod = wrapperGoMod(KUBERNETES, K8S_GOMOD);
    expect(gomod).to.match(/^go 1\.26\.0$/m);
    expect(gomod).to.match(/^godebug default=go1\.26$/m);
    expect(gomod).to.match(/^require k8s\.io\/kubernetes v1\.36\.3$/m);
    expect(stagingReplaces(K8S_GOMOD, 'v1.36.3')).to.deep.equal([
      'replace k8s.io/api => k8s.io/api v0.36.3',
      'replace k8s.io/client-go => k8s.io/client-go v0.36.3',
      'replace k8s.io/kms => k8s.io/kms v0.36.3',
    ]);
    expect(gomod).to.not.contain('./staging');
  });

  it('adds no replaces for other modules', () => {
    const gomod = wrapperGoMod(
      { module: 'sigs.k8s.io/kwok', version: 'v0.8.0' },
      'module sigs.k8s.io/kwok\n\ngo 1.26.0\n\nreplace foo => ./foo\n',
    );
    expect(gomod).to.not.contain('replace');
    expect(gomod).to.contain('require sigs.k8s.io/kwok v0.8.0');
  });

  it('stamps Kubernetes versions into component-base and client-go', () => {
    const flags = kubernetesLdflags('v1.36.3', '2026-11-12T10:00:00Z');
    for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
      expect(flags).to.contain(`-X ${pkg}.gitVersion=v1.36.3`);
      expect(flags).to.contain(`-X ${pkg}.gitMajor=1`);
      expect(flags).to.contain(`-X ${pkg}.gitMinor=36`);
      expect(flags).to.contain(`-X ${pkg}.buildDate=2026-11-12T10:00:00Z`);
    }
  });

  it('stamps Istio as its build does: VERSION file + -dev, the revision of the pseudo-version', () => {
    const flags = istioLdflags('1.31\n', 'v0.0.0-20260827124520-eed52ebb66ad');
    expect(flags).to.contain('-X istio.io/istio/pkg/version.buildVersion=1.31-dev');
    expect(flags).to.contain('-X istio.io/istio/pkg/version.buildGitRevision=eed52ebb66ad');
    expect(flags).to.contain('-X istio.io/istio/pkg/version.buildStatus=Clean');
    expect(pseudoVersionRevision('v1.2.4-0.20260101000000-0123456789ab')).to.equal('0123456789ab');
    expect(() => pseudoVersionRevision('v1.36.3')).to.throw(/not a Go pseudo-version/);
  });

  it('compares Go versions the way the go directive means them', () => {
    expect(goVersionAtLeast('go1.26.8', '1.26.0')).to.equal(true);
    expect(goVersionAtLeast('go1.26', '1.26.0')).to.equal(true);
    expect(goVersionAtLeast('go1.25.9', '1.26.0')).to.equal(false);
    expect(goVersionAtLeast('go1.27.0', '1.26.3')).to.equal(true);
    expect(goVersionAtLeast('go1.26.1', '1.26.3')).to.equal(false);
  });

  it('seeds the Gateway API CRDs where the harness download cache finds them without downloading', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wpt-cp-seed-'));
    try {
      const body = 'kind: CustomResourceDefinition\n';
      const sha256 = sha256Hex(Buffer.from(body));
      const pin = { url: 'http://127.0.0.1:9/config/crd/experimental/gateway.networking.k8s.io_gateways.yaml', sha256 };
      const target = cachePathFor(pin.url, dir); // where seedGatewayApiCache puts each pinned file
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, body);
      // Port 9 answers nothing: a download attempt would fail, so success means the cache was used.
      expect(await fetchVerified(pin, 1000, dir)).to.equal(target);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function webhookConfig(
  kind: string,
  hooks: { name: string; service?: { name: string; namespace: string; path?: string; port?: number }; url?: string }[],
): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind,
    metadata: { name: 'cfg' },
    webhooks: hooks.map((h) => ({
      name: h.name,
      clientConfig: { ...(h.service ? { service: h.service } : { url: h.url }), caBundle: 'Q0E=' },
      failurePolicy: 'Ignore',
    })),
  };
}

describe('controlplane: webhooks point at the local istiod', () => {
  it('replaces istiod service references by https://istiod.istio-system.svc:15017<path>, keeping caBundle and the rest', () => {
    const cfg = webhookConfig('ValidatingWebhookConfiguration', [
      { name: 'rev.validation.istio.io', service: { name: 'istiod', namespace: 'istio-system', path: '/validate', port: 443 } },
      { name: 'other.example.com', service: { name: 'other', namespace: 'other-system', path: '/x' } },
    ]);
    const out = rewriteWebhooks(cfg)!;
    const hooks = out.webhooks as { name: string; clientConfig: Record<string, unknown>; failurePolicy: string }[];
    expect(hooks[0].clientConfig).to.deep.equal({ url: 'https://istiod.istio-system.svc:15017/validate', caBundle: 'Q0E=' });
    expect(hooks[0].failurePolicy).to.equal('Ignore');
    expect(hooks[1].clientConfig).to.deep.equal({ service: { name: 'other', namespace: 'other-system', path: '/x' }, caBundle: 'Q0E=' });
    expect(webhookHosts([out])).to.deep.equal(['istiod.istio-system.svc']);
  });

  it('keeps per-revision services and injection paths', () => {
    const cfg = webhookConfig('MutatingWebhookConfiguration', [
      {
        name: 'rev.namespace.sidecar-injector.istio.io',
        service: { name: 'istiod-canary', namespace: 'istio-system', path: '/inject/cluster/Kubernetes/net/' },
      },
    ]);
    const hooks = rewriteWebhooks(cfg)!.webhooks as { clientConfig: { url: string } }[];
    expect(hooks[0].clientConfig.url).to.equal('https://istiod-canary.istio-system.svc:15017/inject/cluster/Kubernetes/net/');
  });

  it("in another Istio namespace, rewrites that namespace's istiod (a revision's Service) and leaves istio-system's alone", () => {
    const cfg = webhookConfig('ValidatingWebhookConfiguration', [
      { name: 'rev.validation.istio.io', service: { name: 'istiod-canary', namespace: 'istio-cp', path: '/validate' } },
      { name: 'old.validation.istio.io', service: { name: 'istiod', namespace: 'istio-system', path: '/validate' } },
    ]);
    const out = rewriteWebhooks(cfg, 'istio-cp')!;
    const hooks = out.webhooks as { clientConfig: Record<string, unknown> }[];
    expect(hooks[0].clientConfig).to.deep.equal({ url: 'https://istiod-canary.istio-cp.svc:15017/validate', caBundle: 'Q0E=' });
    expect(hooks[1].clientConfig).to.deep.equal({
      service: { name: 'istiod', namespace: 'istio-system', path: '/validate' },
      caBundle: 'Q0E=',
    });
    expect(webhookHosts([out])).to.deep.equal(['istiod-canary.istio-cp.svc']);
    expect(
      rewriteWebhooks(
        webhookConfig('ValidatingWebhookConfiguration', [{ name: 'x', service: { name: 'istiod-canary', namespace: 'istio-cp' } }]),
      ),
    ).to.equal(undefined);
  });

  it('leaves configurations without an istiod reference alone', () => {
    expect(rewriteWebhooks(webhookConfig('ValidatingWebhookConfiguration', [{ name: 'a', url: 'https://a.example/validate' }]))).to.equal(
      undefined,
    );
  });
});

describe('controlplane: the mesh up installs (--trust-domain, --revision, --istio-namespace)', () => {
  it("turns each into an istioctl install setting, and Istio's defaults into none", () => {
    expect(meshSettings({})).to.deep.equal([]);
    expect(meshSettings({ trustDomain: 'cluster.local', istioNamespace: 'istio-system' })).to.deep.equal([]);
    expect(meshSettings({ trustDomain: 'wpt.example', revision: 'canary', istioNamespace: 'istio-cp' })).to.deep.equal([
      '--set',
      'meshConfig.trustDomain=wpt.example',
      '--set',
      'revision=canary',
      '--set',
      'values.global.istioNamespace=istio-cp',
    ]);
    expect(istiodSelector({})).to.equal('app=istiod');
    expect(istiodSelector({ revision: 'canary' })).to.equal('app=istiod,istio.io/rev=canary');
  });

  it('refuses --revision and --istio-namespace with --real-node before it builds or changes anything', async () => {
    for (const mesh of [{ revision: 'canary' }, { istioNamespace: 'istio-cp' }]) {
      const err = await up(
        () => {},
        () => Promise.reject(new Error('a step ran')),
        { realNode: true, mesh },
      ).catch((e: unknown) => e);
      expect(err, JSON.stringify(mesh))
        .to.be.instanceOf(UserError)
        .with.property('fix')
        .that.matches(/drop --revision and --istio-namespace/);
    }
  });

  it('accepts DNS names and labels, and refuses anything else with the fix', () => {
    expect(parseTrustDomain('corp.example')).to.equal('corp.example');
    expect(parseRevision('1-31-canary')).to.equal('1-31-canary');
    expect(parseNamespace('istio-cp')).to.equal('istio-cp');
    for (const [parser, bad] of [
      [parseTrustDomain, 'Corp.example'],
      [parseTrustDomain, 'a..b'],
      [parseTrustDomain, 'spiffe://x'],
      [parseRevision, 'default'],
      [parseRevision, 'Canary'],
      [parseRevision, 'a'.repeat(57)],
      [parseNamespace, '-x'],
      [parseNamespace, 'istio.cp'],
    ] as const) {
      expect(() => parser(bad), bad)
        .to.throw(UserError)
        .with.property('fix')
        .that.matches(/\S/);
    }
  });
});

describe('controlplane: hosts file entry', () => {
  const base = '127.0.0.1 localhost\n::1 localhost\n';
  it('adds one marked line and removes exactly it', () => {
    const added = withEntries(base, ['istiod.istio-system.svc']);
    expect(added).to.equal(`${base}127.0.0.1 istiod.istio-system.svc # waypoint-conformance controlplane\n`);
    expect(withEntries(added, ['istiod.istio-system.svc'])).to.equal(added);
    expect(withoutEntries(added)).to.equal(base);
    const both = withEntries(added, ['wpt-real-node'], '10.244.0.1');
    expect(both).to.contain('127.0.0.1 istiod.istio-system.svc').and.to.contain('10.244.0.1 wpt-real-node');
    expect(withoutEntries(both)).to.equal(base);
  });

  it('edits a file in place and reports whether it removed anything', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'wpt-hosts-'));
    const file = path.join(dir, 'hosts');
    try {
      writeFileSync(file, base);
      addHosts(['istiod.istio-system.svc'], file);
      expect(readFileSync(file, 'utf8')).to.contain('istiod.istio-system.svc');
      expect(removeHosts(file)).to.equal(true);
      expect(readFileSync(file, 'utf8')).to.equal(base);
      expect(removeHosts(file)).to.equal(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

function pod(
  namespace: string,
  labels: Record<string, string> = {},
  extra: { annotations?: Record<string, string>; hostNetwork?: boolean; podIP?: string; phase?: string } = {},
): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace, labels, annotations: extra.annotations },
    spec: { hostNetwork: extra.hostNetwork },
    status: { podIP: extra.podIP ?? '10.0.0.5', phase: extra.phase ?? 'Running' },
  };
}

describe('controlplane: istio-cni stand-in rules (istio-cni default enablement selectors)', () => {
  const ambientNs = { 'istio.io/dataplane-mode': 'ambient' };
  it('enrolls pods of an ambient namespace, unless the pod opts out with dataplane-mode=none', () => {
    expect(shouldBeEnrolled(pod('a'), ambientNs)).to.equal(true);
    expect(shouldBeEnrolled(pod('a', { 'istio.io/dataplane-mode': 'none' }), ambientNs)).to.equal(false);
    expect(shouldBeEnrolled(pod('a'), {})).to.equal(false);
  });

  it('enrolls a pod labelled ambient in a namespace that is not', () => {
    expect(shouldBeEnrolled(pod('a', { 'istio.io/dataplane-mode': 'ambient' }), {})).to.equal(true);
  });

  it('never enrolls host-network pods, pods with a sidecar, kube-system, ztunnel or finished pods', () => {
    expect(shouldBeEnrolled(pod('a', {}, { hostNetwork: true }), ambientNs)).to.equal(false);
    expect(shouldBeEnrolled(pod('a', {}, { annotations: { 'sidecar.istio.io/status': '{}' } }), ambientNs)).to.equal(false);
    expect(shouldBeEnrolled(pod('kube-system'), ambientNs)).to.equal(false);
    expect(shouldBeEnrolled(pod('istio-system', { app: 'ztunnel', 'istio.io/dataplane-mode': 'ambient' }), {})).to.equal(false);
    expect(shouldBeEnrolled(pod('a', {}, { phase: 'Succeeded' }), ambientNs)).to.equal(false);
  });

  it('knows ztunnel in the Istio namespace it is given', () => {
    const ztunnel = pod('istio-cp', { app: 'ztunnel', 'istio.io/dataplane-mode': 'ambient' });
    expect(shouldBeEnrolled(ztunnel, {}, 'istio-cp')).to.equal(false);
    expect(shouldBeEnrolled(ztunnel, {})).to.equal(true);
    expect(redirectionPatch(ztunnel, {}, 'istio-cp')).to.equal(undefined);
  });

  it('patches only on change: adds the mark once the pod has an IP, removes it when the namespace leaves', () => {
    expect(redirectionPatch(pod('a', {}, { podIP: '' }), ambientNs)).to.equal(undefined);
    expect(redirectionPatch(pod('a'), ambientNs)).to.deep.equal({ 'ambient.istio.io/redirection': 'enabled' });
    const marked = pod('a', {}, { annotations: { 'ambient.istio.io/redirection': 'enabled' } });
    expect(redirectionPatch(marked, ambientNs)).to.equal(undefined);
    expect(redirectionPatch(marked, {})).to.deep.equal({ 'ambient.istio.io/redirection': null });
  });
});

// Shaped like the istiod Deployment istioctl install --set profile=ambient creates
// (istio manifests/charts/istio-control/istio-discovery/templates/deployment.yaml).
const ISTIOD: KubeObject = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'istiod', namespace: 'istio-system' },
  spec: {
    template: {
      spec: {
        serviceAccountName: 'istiod',
        containers: [
          {
            name: 'discovery',
            args: ['discovery', '--monitoringAddr=:15014', '--domain', 'cluster.local', '--keepaliveMaxServerConnectionAge', '30m'],
            env: [
              { name: 'REVISION', value: 'default' },
              { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
              { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
              { name: 'SERVICE_ACCOUNT', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
              { name: 'GOMEMLIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } },
              { name: 'PILOT_ENABLE_AGENTGATEWAY', value: 'true' },
            ],
            readinessProbe: { httpGet: { path: '/ready', port: 8080 } },
            volumeMounts: [
              { name: 'local-certs', mountPath: '/var/run/secrets/istio-dns' },
              { name: 'config-volume', mountPath: '/etc/istio/config' },
              { name: 'inject', mountPath: '/var/lib/istio/inject' },
              { name: 'istio-csr-ca-configmap', mountPath: '/var/run/secrets/istiod/ca' },
            ],
          },
        ],
        volumes: [
          { name: 'local-certs', emptyDir: { medium: 'Memory' } },
          { name: 'config-volume', configMap: { name: 'istio' } },
          { name: 'inject', configMap: { name: 'istio-sidecar-injector' } },
          { name: 'istio-csr-ca-configmap', configMap: { name: 'istio-ca-root-cert', optional: true } },
        ],
      },
    },
  },
};

describe('controlplane: istiod as a local process', () => {
  it('takes args and env from the Deployment, answering the downward API for itself', () => {
    const p = istiodProcess(ISTIOD, '/state/kubeconfig');
    expect(p.args).to.deep.equal([
      'discovery',
      '--monitoringAddr=:15014',
      '--domain',
      'cluster.local',
      '--keepaliveMaxServerConnectionAge',
      '30m',
      '--kubeconfig',
      '/state/kubeconfig',
    ]);
    expect(p.env).to.deep.equal({
      REVISION: 'default',
      POD_NAME: 'istiod-local',
      POD_NAMESPACE: 'istio-system',
      SERVICE_ACCOUNT: 'istiod',
      PILOT_ENABLE_AGENTGATEWAY: 'true',
    });
    expect(p.skipped).to.deep.equal(['GOMEMLIMIT']);
  });

  it('writes the mounted ConfigMaps as the relative files pilot-discovery reads; optional missing ones are skipped', () => {
    const cms: KubeObject[] = [
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'istio' },
        data: { mesh: 'defaultConfig: {}', meshNetworks: 'networks: {}' },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'istio-sidecar-injector' },
        data: { config: 'policy: enabled', values: '{}' },
      },
    ];
    expect(configMapFiles(ISTIOD, cms)).to.deep.equal({
      'etc/istio/config/mesh': 'defaultConfig: {}',
      'etc/istio/config/meshNetworks': 'networks: {}',
      'var/lib/istio/inject/config': 'policy: enabled',
      'var/lib/istio/inject/values': '{}',
    });
    expect(() => configMapFiles(ISTIOD, cms.slice(0, 1))).to.throw(/istio-sidecar-injector, which does not exist/);
    expect(readinessUrl(ISTIOD)).to.equal('http://127.0.0.1:8080/ready');
  });
});

describe('controlplane: the cluster as it was (snapshots)', () => {
  const snap = (entries: [string, string][]) => new Map(entries);
  it('names what was added, removed, or made again / changed; nothing when equal', () => {
    const before = snap([
      ['v1 Namespace a', 'uid 1 generation -'],
      ['apps/v1 Deployment a/x', 'uid 2 generation 1'],
      ['v1 ConfigMap a/y', 'uid 3 generation -'],
    ]);
    expect(snapshotDifferences(before, new Map(before))).to.deep.equal([]);
    const after = snap([
      ['v1 Namespace a', 'uid 1 generation -'],
      ['apps/v1 Deployment a/x', 'uid 2 generation 2'],
      ['v1 Namespace wpt-left', 'uid 9 generation -'],
    ]);
    expect(snapshotDifferences(before, after)).to.deep.equal([
      'added: v1 Namespace wpt-left',
      'changed: apps/v1 Deployment a/x (uid 2 generation 1 → uid 2 generation 2)',
      'removed: v1 ConfigMap a/y',
    ]);
  });
});
