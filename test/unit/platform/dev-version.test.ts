import { expect } from 'chai';
import { checkIstioVersion, gatewayApiFor, minorOf } from '../../../harness/versions/versions.ts';
import { istioVersionOfImage } from '../../../harness/platform/install/installed.ts';
import { istioSettingsFor } from '../../../harness/versions/versions.ts';

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

  it("reads the installed version from istiod's image tag, releases and development builds alike", () => {
    expect(istioVersionOfImage('docker.io/istio/pilot:1.31.1-distroless')).to.equal('1.31.1');
    expect(istioVersionOfImage('docker.io/istio/pilot:1.30.4')).to.equal('1.30.4');
    expect(istioVersionOfImage('docker.io/istio/pilot:1.31-dev')).to.equal('1.31-dev');
    expect(istioVersionOfImage('docker.io/istio/pilot:1.31.0-dev-distroless')).to.equal('1.31.0-dev');
    expect(istioVersionOfImage('docker.io/istio/pilot:latest')).to.equal('unknown');
    expect(istioVersionOfImage('docker.io/istio/pilot:1.31')).to.equal('unknown');
  });
});

describe('what the install needs for a waypoint class', () => {
  it('agentgateway waypoints: istiod with PILOT_ENABLE_AGENTGATEWAY=true, from Istio 1.31 on', () => {
    expect(istioSettingsFor('istio-agentgateway-waypoint', '1.31.1')).to.deep.equal(['values.pilot.env.PILOT_ENABLE_AGENTGATEWAY=true']);
    expect(istioSettingsFor('istio-agentgateway-waypoint', '1.31-dev')).to.have.length(1);
    expect(() => istioSettingsFor('istio-agentgateway-waypoint', '1.30.4')).to.throw(/needs Istio 1.31 or later/);
    expect(istioSettingsFor('istio-waypoint', '1.26.4')).to.deep.equal([]);
  });
  it('e2e refuses agentgateway with an older Istio before touching anything (exit 2)', async () => {
    const { execa } = await import('execa');
    const r = await execa(
      'node',
      ['scripts/e2e.ts', '--plan', '--gateway-class', 'istio-agentgateway-waypoint', '--istio-version', '1.30.4'],
      { reject: false },
    );
    expect(r.exitCode).to.equal(2);
    expect(r.stderr).to.match(/needs Istio 1.31 or later/);
    const ok = await execa('node', ['scripts/e2e.ts', '--plan', '--gateway-class', 'istio-agentgateway-waypoint'], {
      reject: false,
    });
    expect(ok.stdout).to.include('--set values.pilot.env.PILOT_ENABLE_AGENTGATEWAY=true');
  });
});
