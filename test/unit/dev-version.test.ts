import { expect } from 'chai';
import { checkIstioVersion, gatewayApiFor, minorOf } from '../../harness/platform/versions.ts';
import { istioVersionOfImage } from '../../harness/platform/installed.ts';

// Istio's build stamps VERSION-file + "-dev" (istio Makefile.core.mk); such a build has its minor's features.
describe('Istio development versions', () => {
  it('reads 1.31-dev and 1.31.0-dev as minor 1.31', () => {
    expect(minorOf('1.31-dev')).to.equal('1.31');
    expect(minorOf('1.31.0-dev')).to.equal('1.31');
    expect(() => checkIstioVersion('1.31-dev')).to.not.throw();
    expect(gatewayApiFor('1.31-dev').version).to.equal('v1.6.0');
  });

  it('still refuses what is neither a release nor a dev build, and unsupported minors', () => {
    expect(() => minorOf('1.31')).to.throw(/not a version/);
    expect(() => minorOf('1.31-alpha')).to.throw(/not a version/);
    expect(() => checkIstioVersion('1.25-dev')).to.throw(/not supported/);
  });

  it('reads the installed version from istiod\'s image tag, releases and development builds alike', () => {
    expect(istioVersionOfImage('docker.io/istio/pilot:1.31.1-distroless')).to.equal('1.31.1');
    expect(istioVersionOfImage('docker.io/istio/pilot:1.30.4')).to.equal('1.30.4');
    expect(istioVersionOfImage('docker.io/istio/pilot:1.31-dev')).to.equal('1.31-dev');
    expect(istioVersionOfImage('docker.io/istio/pilot:1.31.0-dev-distroless')).to.equal('1.31.0-dev');
    expect(istioVersionOfImage('docker.io/istio/pilot:latest')).to.equal('unknown');
    expect(istioVersionOfImage('docker.io/istio/pilot:1.31')).to.equal('unknown');
  });
});
