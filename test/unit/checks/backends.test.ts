import { expect } from 'chai';
import { answeredBy, backendOf, Coverage } from '../../../harness/checks/backends.ts';
import type { RequestRecord } from '../../../harness/traffic/curl.ts';
import { ENVOY_SIGNALS } from '../../../harness/traffic/verdict.ts';

const record = (o: Partial<RequestRecord>): RequestRecord => ({
  seq: 1,
  exitCode: 0,
  httpCode: 200,
  timeSec: 0.01,
  stderr: '',
  markers: {},
  ...o,
});
const NORMALIZE = /echo-v\d/;

describe('which backend served a request (split and spread)', () => {
  it('reads the marker, normalised; a gRPC call without grpc-status 0 was served by nobody', () => {
    expect(backendOf(record({ markers: { backend: 'echo-v2-5d8f7-abcde' } }), NORMALIZE)).to.equal('echo-v2');
    expect(backendOf(record({ markers: { backend: 'echo-v2-5d8f7-abcde' }, grpcStatus: '14' }), NORMALIZE)).to.equal(undefined);
    expect(backendOf(record({ markers: { backend: 'echo-v2-5d8f7-abcde' }, grpcStatus: '0' }), NORMALIZE)).to.equal('echo-v2');
    expect(answeredBy(record({ httpCode: 503, markers: {} }), NORMALIZE, ENVOY_SIGNALS)).to.match(/^unidentified\(.+\)$/);
  });

  it('is covered once each expected backend answered since another last did', () => {
    const c = new Coverage(['echo-v1', 'echo-v2']);
    expect(c.add(['echo-v1', 'echo-v1'])).to.deep.equal({ others: [], missing: ['echo-v2'] });
    expect(c.add(['echo-v3', 'echo-v2'])).to.deep.equal({ others: ['echo-v3'], missing: ['echo-v1', 'echo-v2'] });
    expect(c.add(['echo-v2'])).to.deep.equal({ others: [], missing: ['echo-v1'] });
    expect(c.add(['echo-v1'])).to.deep.equal({ others: [], missing: [] });
  });
});
