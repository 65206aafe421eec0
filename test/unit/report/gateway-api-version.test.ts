/** One Gateway API version: the one the report claims, the CRDs of the newest Istio and the Go cross-check's pin. */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { GATEWAY_API_VERSION, gatewayApiFor, ISTIO } from '../../../harness/versions/versions.ts';

describe('the Gateway API version', () => {
  it('is the one equipment/gateway-api-check/go.mod pins, for the API and its conformance suite', () => {
    const mod = readFileSync('equipment/gateway-api-check/go.mod', 'utf8');
    expect(mod).to.match(new RegExp(`^\\s*sigs\\.k8s\\.io/gateway-api ${GATEWAY_API_VERSION.replaceAll('.', '\\.')}$`, 'm'));
    expect(mod).to.match(new RegExp(`^\\s*sigs\\.k8s\\.io/gateway-api/conformance ${GATEWAY_API_VERSION.replaceAll('.', '\\.')}$`, 'm'));
  });
  it('is the one the default Istio release is built against', () => {
    expect(gatewayApiFor(ISTIO.defaultVersion).version).to.equal(GATEWAY_API_VERSION);
  });
});
