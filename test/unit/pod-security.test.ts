/**
 * Every pod the suite deploys passes Pod Security "restricted" (issue #26): the rules of
 * kubernetes.io/docs/concepts/security/pod-security-standards/ held against each workload fixture,
 * and each rule shown to refuse what it names.
 */
import { expect } from 'chai';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES_DIR, loadFixture } from '../../harness/manifests/manifests.ts';
import { podSecurityViolations, podSpecOf } from '../../harness/manifests/pod-security.ts';
import { imageVars, IMAGES } from '../../harness/platform/versions.ts';

const VARS = { ...imageVars(IMAGES), APP_NS: 'a', INFRA_NS: 'i', CONSUMER_NS: 'c', CLIENT_NS: 'c', WAYPOINT_CLASS: 'w', TRUST_DOMAIN: 't', DNS_DOMAIN: 'd' };

const RESTRICTED_POD = {
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
  containers: [{ name: 'c', image: 'x', securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } } }],
};

function workloads() {
  const files = readdirSync(path.join(FIXTURES_DIR, 'workloads')).filter((f) => f.endsWith('.yaml'));
  return files.flatMap((f) => loadFixture(`workloads/${f}`, VARS, 'r').filter((o) => podSpecOf(o)).map((o) => ({ name: `${f} ${o.kind}/${o.metadata.name}`, spec: podSpecOf(o) })));
}

describe('Pod Security restricted', () => {
  it('admits every pod the suite deploys, each container under a numeric non-root user', () => {
    const pods = workloads();
    expect(pods.length).to.be.at.least(15);
    expect(pods.flatMap((p) => podSecurityViolations(p.spec, 'restricted').map((v) => `${p.name}: ${v}`))).to.deep.equal([]);
    // A numeric user: the kubelet checks runAsNonRoot against it, whatever the image declares (or, a stand-in, does not).
    const unnumbered = pods.flatMap((p) => (p.spec.containers as { name: string; securityContext?: { runAsUser?: number } }[])
      .filter((c) => !((c.securityContext?.runAsUser ?? p.spec.securityContext?.runAsUser) > 0)).map((c) => `${p.name} ${c.name}`));
    expect(unnumbered).to.deep.equal([]);
  });

  it('admits the minimal restricted pod and refuses each thing the standard names', () => {
    expect(podSecurityViolations(RESTRICTED_POD, 'restricted')).to.deep.equal([]);
    const c = (sc: object) => ({ ...RESTRICTED_POD, containers: [{ name: 'c', securityContext: { ...RESTRICTED_POD.containers[0].securityContext, ...sc } }] });
    const cases: [object, RegExp][] = [
      [{ containers: [{ name: 'c' }] }, /allowPrivilegeEscalation is not false/],
      [c({ allowPrivilegeEscalation: true }), /allowPrivilegeEscalation/],
      [c({ capabilities: { drop: ['NET_RAW'] } }), /do not drop ALL/],
      [c({ capabilities: { drop: ['ALL'], add: ['NET_ADMIN'] } }), /adds capability NET_ADMIN/],
      [c({ runAsNonRoot: false }), /runAsNonRoot is not true/],
      [c({ runAsUser: 0 }), /runAsUser is 0/],
      [c({ privileged: true }), /privileged/],
      [{ ...RESTRICTED_POD, securityContext: { runAsNonRoot: true } }, /seccompProfile is not RuntimeDefault or Localhost/],
      [{ ...RESTRICTED_POD, hostNetwork: true }, /hostNetwork is true/],
      [{ ...RESTRICTED_POD, volumes: [{ name: 'h', hostPath: { path: '/' } }] }, /hostPath/],
      [{ ...RESTRICTED_POD, volumes: [{ name: 'n', nfs: { server: 's', path: '/' } }] }, /volume n is of a type restricted does not allow/],
    ];
    for (const [spec, want] of cases) expect(podSecurityViolations(spec, 'restricted').join('; '), JSON.stringify(spec)).to.match(want);
  });

  it('baseline admits what only restricted refuses', () => {
    expect(podSecurityViolations({ containers: [{ name: 'c' }] }, 'baseline')).to.deep.equal([]);
    expect(podSecurityViolations({ containers: [{ name: 'c', securityContext: { privileged: true } }] }, 'baseline')).to.deep.equal(['container c is privileged']);
  });
});
