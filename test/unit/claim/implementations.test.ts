/** The shipped implementation files, their signals, and the catalogue judged against each claim. */
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadImplementation, runOptionsFrom, unknownFindings } from '../../../harness/claim/implementation.ts';
import { classifyWith, ENVOY_SIGNALS } from '../../../harness/traffic/verdict.ts';
import type { RequestRecord } from '../../../harness/traffic/curl.ts';
import { mismatch, unprovablePath } from '../../../harness/checks/traffic.ts';
import { direct, traffic, viaWaypoint } from '../../../harness/record/builders.ts';
import { svc } from '../../../suites/vocabulary.ts';
import { CATALOGUE } from '../../../suites/index.ts';
import { judgeAgainstClaim, runOnModel } from '../../../equipment/selftest/selftest.ts';

const ENVOY = 'implementations/istio-envoy-waypoint.yaml';
const AGW = 'implementations/istio-agentgateway-waypoint.yaml';
const rec = (o: Partial<RequestRecord>): RequestRecord => ({
  seq: 1,
  exitCode: 0,
  httpCode: 200,
  timeSec: 0.01,
  stderr: '',
  markers: {},
  ...o,
});

describe('implementation files', () => {
  it('both shipped files load, cite a source for every feature and name only catalogue scenarios', () => {
    for (const file of [ENVOY, AGW]) {
      const c = loadImplementation(file);
      expect(c.signals, file).to.not.equal(undefined);
      expect(
        [...c.features].filter((f) => !c.featureSources[f]),
        file,
      ).to.deep.equal([]);
      expect(
        unknownFindings(
          c,
          CATALOGUE.map((s) => s.id),
        ),
        file,
      ).to.deep.equal([]);
    }
    const agw = loadImplementation(AGW);
    expect(runOptionsFrom(agw).gatewayClass).to.equal('istio-agentgateway-waypoint');
    expect(agw.controllerName).to.equal('istio.io/agentgateway-waypoint-controller');
    expect(agw.features.has('L7AuthorizationPolicy')).to.equal(false);
    expect(agw.expectedFindings.map((f) => f.scenario)).to.include('status-truth/bound-policy-enforced');
  });

  it('the Envoy file carries the same signals the suite uses by default', () => {
    expect(loadImplementation(ENVOY).signals).to.deep.equal(ENVOY_SIGNALS);
  });

  it('rejects a malformed signals section with the field and the fix', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'wpt-impl-'));
    try {
      const file = path.join(dir, 'bad.yaml');
      writeFileSync(
        file,
        'organization: o\nproject: p\nversion: "1"\nurl: u\ncontact: [c]\ngatewayClassName: g\nprofiles: [core]\nfeatures: [Waypoint]\nsignals: {name: x, deniedL7: {status: 403}}\n',
      );
      expect(() => loadImplementation(file)).to.throw(/signals.*(gatewayTimeout|deniedL7)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('verdicts under agentgateway signals', () => {
  const agw = loadImplementation(AGW).signals!;
  it('a denial is 403 "authorization failed" and nothing else; Envoy\'s RBAC body is no agentgateway denial', () => {
    expect(classifyWith(rec({ httpCode: 403, markers: { rbac: 'authorization failed' } }), agw)).to.equal('denied-l7');
    expect(classifyWith(rec({ httpCode: 403 }), agw)).to.equal('other');
    expect(new RegExp(agw.deniedL7.body).test('RBAC: access denied')).to.equal(false);
    expect(new RegExp(agw.deniedL7.body).test('authorization failed')).to.equal(true);
    expect(new RegExp(agw.gatewayTimeout.body).test('upstream request timeout')).to.equal(false);
    expect(classifyWith(rec({ httpCode: 418, markers: { fault: 'fault filter abort' } }), agw)).to.equal('other');
  });

  it('a bare path check cannot be proven without a per-request header; the route marker proves it', () => {
    expect(unprovablePath(viaWaypoint('sleep', svc('echo')), agw)).to.match(/no documented per-request header/);
    expect(unprovablePath(viaWaypoint('sleep', svc('echo'), { routeMarker: 'r' }), agw)).to.equal(undefined);
    expect(unprovablePath(direct('sleep', svc('echo'), { routeMarker: null }), agw)).to.equal(undefined);
    expect(unprovablePath(direct('sleep', svc('echo')), agw)).to.match(/direct/);
    expect(unprovablePath(viaWaypoint('sleep', svc('echo')), ENVOY_SIGNALS)).to.equal(undefined);
    // The marker is what grep -o -E of the profile's pattern finds in the body, as the batch script reads it.
    const envoyDenial = rec({ httpCode: 403, markers: { rbac: new RegExp(agw.deniedL7.body).exec('RBAC: access denied')?.[0] ?? '' } });
    expect(mismatch(traffic('notsleep', svc('echo'), 'denied-l7'), envoyDenial, agw)).to.match(/verdict other/);
  });
});

describe('the catalogue judged against a claim', function () {
  this.timeout(120_000);
  it('on the agentgateway-configured model: unclaimed features not supported, only the predicted findings failed', async () => {
    const claim = loadImplementation(AGW);
    const named = new Set(claim.expectedFindings.map((f) => f.scenario));
    const subset = CATALOGUE.filter((s) => s.area === 'status-truth' || s.area === 'authorization' || named.has(s.id));
    const verdicts = judgeAgainstClaim(subset, await runOnModel(subset, 3, { implementation: claim }), claim);
    expect(verdicts.filter((v) => !v.ok).map((v) => `${v.id}: ${v.outcome} (${v.reason})`)).to.deep.equal([]);
    expect(
      verdicts
        .filter((v) => v.expected === 'failed')
        .map((v) => v.id)
        .sort(),
    ).to.deep.equal(claim.expectedFindings.map((f) => f.scenario).sort());
    const bound = verdicts.find((v) => v.id === 'status-truth/bound-policy-enforced')!;
    expect(bound.reason)
      .to.match(/status contradicts traffic/)
      .and.to.match(/bound to /)
      .and.to.match(/verdict allowed/);
    // The same run judged against a claim that predicts too much, or too little, is wrong about it.
    const results = await runOnModel(subset, 3, { implementation: claim });
    const tooMuch = {
      ...claim,
      expectedFindings: [...claim.expectedFindings, { scenario: 'authorization/l4-ztunnel', reason: 'r', source: 's' }],
    };
    expect(
      judgeAgainstClaim(subset, results, tooMuch)
        .filter((v) => !v.ok)
        .map((v) => v.id),
    ).to.deep.equal(['authorization/l4-ztunnel']);
    const tooLittle = { ...claim, expectedFindings: [] };
    expect(
      judgeAgainstClaim(subset, results, tooLittle)
        .filter((v) => !v.ok)
        .map((v) => v.id)
        .sort(),
    ).to.deep.equal(claim.expectedFindings.map((f) => f.scenario).sort());
  });

  it("neither waypoint claims consumer routes (Istio's ambient conformance drops MeshConsumerRoute): the scenario is not supported, never run", async () => {
    const subset = CATALOGUE.filter((s) => s.id === 'mesh/consumer-route');
    for (const file of [ENVOY, AGW]) {
      const claim = loadImplementation(file);
      const [r] = await runOnModel(subset, 6, { implementation: claim });
      expect([r.outcome, r.unsupportedFeatures, r.checks.every((c) => c.requests === 0)], file).to.deep.equal([
        'not-supported',
        ['MeshConsumerRoute'],
        true,
      ]);
      expect(
        judgeAgainstClaim(subset, [r], claim).every((v) => v.ok),
        file,
      ).to.equal(true);
    }
  });

  it('on the Envoy-configured model the same scenarios all pass', async () => {
    const claim = loadImplementation(ENVOY);
    const subset = CATALOGUE.filter((s) => s.area === 'status-truth');
    const verdicts = judgeAgainstClaim(subset, await runOnModel(subset, 4, { implementation: claim }), claim);
    expect(verdicts.map((v) => [v.id, v.outcome])).to.deep.equal(subset.map((s) => [s.id, 'passed']));
  });
});
