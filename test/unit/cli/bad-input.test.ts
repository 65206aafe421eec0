/**
 * Bad input to npm run e2e: every bad value names the problem and the fix, exit 2, before any cluster is touched.
 * Issue 15 "first contact": each defect a new user met, as a test that failed before its fix.
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseE2eArgs } from '../../../harness/cli/args.ts';
import { prepareReportDir } from '../../../harness/cli/report-dir.ts';
import { decide, selectScenarios } from '../../../harness/cli/select.ts';
import { loadUserKubeconfig } from '../../../harness/platform/cluster/kubeconfig.ts';
import { Teardown } from '../../../harness/undo.ts';
import { loadImplementation } from '../../../harness/claim/implementation.ts';
import { CATALOGUE } from '../../../suites/index.ts';

import { kubeconfig, tmp, userError } from '../e2e-process.ts';

describe('first contact: bad input', () => {
  it('names every bad value with exit 2 (UserError), before any cluster is touched', () => {
    userError(() => parseE2eArgs(['--features', 'Bogus']), /unknown feature\(s\): Bogus/);
    userError(() => parseE2eArgs(['--report-dir', '--plan']), /--report-dir needs a value, got the flag --plan/);
    userError(() => parseE2eArgs(['--parallel', '99999999999999999999']), /--parallel takes an integer from 1 to 64/);
    userError(
      () => parseE2eArgs(['--istio-version', '1.31.999']),
      /not a release this suite knows: the newest 1\.31 release pinned is 1\.31\.1/,
    );
    userError(() => parseE2eArgs(['--implementation', 'f.yaml', '--features', 'Waypoint']), /names the features already/);
    userError(() => parseE2eArgs(['--implementation', 'f.yaml', '--gateway-class', 'x']), /names the GatewayClass already/);
    userError(() => selectScenarios(CATALOGUE, 'no-such-thing'), /matches no scenario/);
    expect(parseE2eArgs(['--implementation', 'f.yaml'])).to.deep.include({ implementation: 'f.yaml', certify: false });
  });
  it('an unwritable --report-dir', () => {
    const file = path.join(tmp(), 'a-file');
    writeFileSync(file, '');
    userError(() => prepareReportDir(path.join(file, 'report')), /cannot write there \(ENOTDIR\)/);
  });
  it("a --report-dir that holds an earlier run's files: refused, nothing deleted", () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'report.yaml'), 'old: true\n');
    userError(() => prepareReportDir(dir), /is not empty/);
    expect(readFileSync(path.join(dir, 'report.yaml'), 'utf8')).to.equal('old: true\n');
    expect(() => prepareReportDir(path.join(dir, 'new'))).not.to.throw();
  });
  it('an implementation file whose fields have the wrong types', () => {
    const file = path.join(tmp(), 'impl.yaml');
    const good = 'organization: o\nproject: p\nversion: "1"\nurl: u\ngatewayClassName: g\nfeatures: [Waypoint]\n';
    writeFileSync(file, `${good}contact: me\nprofiles: core\n`);
    userError(() => loadImplementation(file), /\/contact must be array.*\/profiles must be array/);
    writeFileSync(file, `${good}contact: [me]\nprofiles: [core]\ncontrollerName: example.com/waypoint\n`);
    expect(loadImplementation(file)).to.deep.include({ controllerName: 'example.com/waypoint', profiles: ['core'] });
  });
  it('--implementation without --certify selects the GatewayClass and the features, and keeps --grep (it was silently ignored)', () => {
    const file = path.join(tmp(), 'impl.yaml');
    writeFileSync(
      file,
      'organization: o\nproject: p\nversion: "1"\nurl: u\ngatewayClassName: vendor-waypoint\ncontact: []\nprofiles: [core]\nfeatures: [Waypoint]\n',
    );
    const sel = decide(parseE2eArgs(['--implementation', file, '--grep', '^routing/']), CATALOGUE);
    expect(sel.gatewayClass).to.equal('vendor-waypoint');
    expect([...sel.supported]).to.deep.equal(['Waypoint']);
    expect(sel.scenarios.map((s) => s.area)).to.satisfy((a: string[]) => a.length > 0 && a.every((x) => x === 'routing'));
  });
  it("without --implementation or --features, Istio's classes run with their bundled file's features and signals; other classes with every feature", () => {
    const envoy = decide(parseE2eArgs([]), CATALOGUE);
    expect(envoy.featuresFrom).to.match(/^implementations\/istio-envoy-waypoint\.yaml /);
    expect([...envoy.supported]).to.deep.equal([...loadImplementation('implementations/istio-envoy-waypoint.yaml').features]);
    expect(envoy.supported.has('MeshConsumerRoute')).to.equal(false);
    expect(envoy.claim).to.equal(undefined);
    const agw = decide(parseE2eArgs(['--gateway-class', 'istio-agentgateway-waypoint']), CATALOGUE);
    expect(agw.signals?.name).to.equal('istio-agentgateway');
    expect(agw.supported.has('L7AuthorizationPolicy')).to.equal(false);
    const vendor = decide(parseE2eArgs(['--gateway-class', 'vendor-waypoint']), CATALOGUE);
    expect(vendor.supported.has('MeshConsumerRoute')).to.equal(true);
    expect(vendor.signals).to.equal(undefined);
    expect([...decide(parseE2eArgs(['--features', 'Waypoint', 'Mesh']), CATALOGUE).supported]).to.deep.equal(['Waypoint', 'Mesh']);
  });
  it('a missing, empty or context-less kubeconfig', () => {
    const t = new Teardown();
    const dir = tmp();
    const empty = path.join(dir, 'empty');
    writeFileSync(empty, '\n');
    userError(() => loadUserKubeconfig(path.join(dir, 'nope'), undefined, t), /does not exist/);
    userError(() => loadUserKubeconfig(empty, undefined, t), /is empty/);
    userError(
      () => loadUserKubeconfig(undefined, undefined, t, {}, dir),
      /\.kube\/config \(the default, as neither --kubeconfig nor \$KUBECONFIG is set\) does not exist/,
    );
    writeFileSync(empty, 'apiVersion: v1\nkind: Config\n');
    userError(() => loadUserKubeconfig(empty, undefined, t), /has no contexts/);
    userError(() => loadUserKubeconfig(kubeconfig('https://127.0.0.1:1'), 'other', t), /no context named "other"/);
  });
});
