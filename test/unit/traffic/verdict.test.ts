import { expect } from 'chai';
import { classify } from '../../../harness/traffic/verdict.ts';
import type { RequestRecord } from '../../../harness/traffic/curl.ts';
import { mismatch } from '../../../harness/checks/traffic.ts';
import { traffic } from '../../../harness/record/builders.ts';
import { svc } from '../../../suites/vocabulary.ts';

const rec = (o: Partial<RequestRecord>): RequestRecord => ({
  seq: 1,
  exitCode: 0,
  httpCode: 200,
  timeSec: 0.01,
  stderr: '',
  markers: {},
  ...o,
});

describe('verdict classification', () => {
  const cases: [Partial<RequestRecord>, string][] = [
    [{}, 'allowed'],
    [{ httpCode: 403, markers: { rbac: 'RBAC: access denied' } }, 'denied-l7'],
    [{ httpCode: 403 }, 'other'],
    [{ exitCode: 56, httpCode: 0 }, 'denied-l4'],
    [{ exitCode: 52, httpCode: 0 }, 'denied-l4'],
    [{ exitCode: 28, httpCode: 0 }, 'timeout'],
    [{ exitCode: 7, httpCode: 0 }, 'other'],
    [{ httpCode: 503 }, 'unavailable'],
    [{ httpCode: 418, markers: { fault: 'fault filter abort' } }, 'fault-abort'],
    [{ httpCode: 504, markers: { upstreamtimeout: 'upstream request timeout' } }, 'gateway-timeout'],
    [{ httpCode: 504 }, 'other'],
    [{ httpCode: 404 }, 'other'],
  ];
  for (const [r, want] of cases) {
    it(`${JSON.stringify(r)} is ${want}`, () => expect(classify(rec(r))).to.equal(want));
  }

  it("a deny expectation accepts only its own layer's signal", () => {
    const l4 = traffic('notsleep', svc('echo'), 'denied-l4');
    expect(mismatch(l4, rec({ exitCode: 56, httpCode: 0 }))).to.equal(undefined);
    expect(mismatch(l4, rec({ httpCode: 403, markers: { rbac: 'RBAC: access denied' } }))).to.match(/verdict denied-l7/);
    expect(mismatch(l4, rec({}))).to.match(/verdict allowed/);
  });

  it('path checks need the L7 signal for "waypoint" and its absence for "direct"', () => {
    const via = traffic('sleep', svc('echo'), 'allowed', { via: 'waypoint', routeMarker: 'm' });
    expect(mismatch(via, rec({ markers: { reqid: '"x-request-id":"', via: '"x-wpt-via":"m"' } }))).to.equal(undefined);
    expect(mismatch(via, rec({ markers: { reqid: '"x-request-id":"' } }))).to.match(/x-wpt-via/);
    expect(mismatch(via, rec({}))).to.match(/X-Request-Id/);
    const direct = traffic('sleep', svc('echo'), 'allowed', { via: 'direct' });
    expect(mismatch(direct, rec({}))).to.equal(undefined);
    expect(mismatch(direct, rec({ markers: { reqid: 'x' } }))).to.match(/passed a waypoint/);
  });
});
