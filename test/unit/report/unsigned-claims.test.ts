/**
 * Issue 28, "unsigned claims read as verdicts": a self-test bundle whose mode was changed to
 * certification (claims added) verified as "consistent, unsigned, conformant"; changed to e2e, as
 * "not a certification (mode e2e): 75 passed"; a relabelled gatewayClassName verified. Consistency
 * cannot bind such edits without a signature, so: an unsigned (or unchecked) bundle is only ever
 * said to *claim* something, never to be conformant or certified; a bundle whose environment is the
 * self-test's model is a self-test whatever its mode says; and changing mode, class or
 * implementation of a signed bundle breaks its signature.
 */
import { expect } from 'chai';
import { generateKeyPairSync } from 'node:crypto';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { Progress } from '../../../harness/cli/progress.ts';
import { resultLine } from '../../../harness/runner/results.ts';
import { gatewayApiReportFor, GATEWAY_API_REPORT_FILE } from '../../../harness/report/gateway-api-report.ts';
import { ISTIO_FEATURES } from '../../../harness/scenario/features.ts';
import { signWithKey, verifySignature } from '../../../harness/report/sign.ts';
import { claimOf, resultOf } from '../../../harness/report/bundle-verdict.ts';
import { verifyBundle } from '../../../harness/report/verify.ts';
import type { ConformanceReport } from '../../../harness/report/apis/v1alpha1.ts';
import { CATALOGUE } from '../../../suites/index.ts';
import { runModel, writeSelftestBundle } from '../../../equipment/selftest/selftest.ts';
import { command, pooled } from '../fake-api.ts';
import { copyBundle, forge as forgeReports, modelBundle, readReport, removeTempDirs, reseal, tempDir } from './report-fixtures.ts';

const NEVER = /conformant|certified/;

/** A careful forger: report.yaml edited, every file derived from it regenerated, the bundle resealed. */
function forge(dir: string, edit: (r: ConformanceReport) => void, o: { regenerate: boolean }): void {
  forgeReports(dir, edit, o);
  const gatewayApi = gatewayApiReportFor(readReport(dir));
  rmSync(path.join(dir, GATEWAY_API_REPORT_FILE), { force: true });
  if (gatewayApi) writeFileSync(path.join(dir, GATEWAY_API_REPORT_FILE), stringify(gatewayApi));
  reseal(dir);
}

function certify(r: ConformanceReport): void {
  r.mode = 'certification';
  r.claimedProfiles = ['core', 'extended'];
  r.claimedFeatures = [...ISTIO_FEATURES].sort();
}

describe('unsigned means unproven (issue 28)', function () {
  this.timeout(300_000);
  let selftest: string;
  let certified: string;
  let key: { priv: string; pub: string };
  before(async () => {
    selftest = tempDir();
    const log = new Progress(selftest, false); // as npm run selftest -- --report-dir writes it
    const { results, images } = await runModel(CATALOGUE, 1, { log: log.line, onResult: (r) => log.line(resultLine(r)) });
    await writeSelftestBundle(selftest, { scenarios: CATALOGUE, results, images, commandLine: 'npm run selftest -- --report-dir x' });
    certified = await modelBundle('passed', 'certification');
    const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    key = {
      priv: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      pub: pair.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  });
  after(removeTempDirs);

  it('a self-test bundle relabelled certification (claims added) or e2e is inconsistent: its environment is the model', () => {
    expect(verifyBundle(selftest, CATALOGUE).problems).to.deep.equal([]);
    for (const edit of [certify, (r: ConformanceReport) => (r.mode = 'e2e')]) {
      const dir = copyBundle(selftest);
      forge(dir, edit, { regenerate: true });
      const { problems } = verifyBundle(dir, CATALOGUE);
      expect(problems.join('\n')).to.match(
        /report\.yaml: mode (certification|e2e), but its environment is the self-test's model of ambient \(istioVersion model\): a self-test relabelled/,
      );
    }
  });

  it('report:verify on unsigned bundles: what each claims and that nothing binds it, never "conformant" or "certified"', async () => {
    const relabelled = copyBundle(certified);
    forge(relabelled, (r) => (r.implementation.gatewayClassName = 'vendor-waypoint'), { regenerate: true });
    const disguised = copyBundle(selftest); // a forger who also rewrites the environment: nothing but a signature can tell
    forge(
      disguised,
      (r) => {
        certify(r);
        r.environment.istioVersion = '1.31.1';
        r.environment.gatewayApi.version = 'v1.6.0';
        r.implementation.version = '1.31.1';
      },
      { regenerate: true },
    );
    const cases: [string, RegExp][] = [
      [
        selftest,
        /: consistent, unsigned: it claims a self-test on the suite's model of ambient: \d+ passed, 0 not supported; nothing binds this claim to a run/,
      ],
      [
        certified,
        /: consistent, unsigned: it claims a certification run of GatewayClass istio-waypoint \(acme-waypoint 2\.3\.0\), profiles core, extended: \d+ passed, \d+ not supported; nothing binds/,
      ],
      [relabelled, /: consistent, unsigned: it claims a certification run of GatewayClass vendor-waypoint /],
      [
        disguised,
        /: consistent, unsigned: it claims a certification run of GatewayClass istio-waypoint \(ambient model \(self-test\) 1\.31\.1\)/,
      ],
    ];
    const runs = await pooled(cases, async ([dir, want]) => ({ want, r: await command('report-verify', [dir]) }));
    for (const { want, r } of runs) {
      expect(r.exitCode, r.stderr).to.equal(0);
      expect(r.stdout).to.match(want).and.not.match(NEVER);
    }
  });

  it('the claim is worded to judge nothing; a verified verdict calls a self-test what it is', () => {
    for (const dir of [selftest, certified]) expect(claimOf(readReport(dir))).not.to.match(NEVER);
    expect(resultOf(readReport(selftest))).to.deep.equal({
      conformant: false,
      text: `a self-test of the suite on its model of ambient, not a result of any implementation: ${CATALOGUE.length} passed, 0 not supported`,
    });
    expect(resultOf(readReport(certified)).conformant).to.equal(true);
  });

  describe('changing mode, class or implementation breaks a signature', () => {
    const edits: [string, (r: ConformanceReport) => void][] = [
      [
        'mode',
        (r) => {
          r.mode = 'e2e';
          delete r.claimedProfiles;
          delete r.claimedFeatures;
        },
      ],
      ['GatewayClass', (r) => (r.implementation.gatewayClassName = 'vendor-waypoint')],
      [
        'implementation',
        (r) => {
          r.implementation.project = 'other-waypoint';
          r.implementation.organization = 'other';
        },
      ],
    ];
    for (const [what, edit] of edits) {
      it(`${what}: the edit resealed is consistent, and the signature over it is rejected`, async () => {
        const dir = copyBundle(certified);
        await signWithKey(dir, key.priv);
        expect(await verifySignature(dir, { publicKeyPem: key.pub })).to.have.property('signer');
        forge(dir, edit, { regenerate: true });
        expect(verifyBundle(dir, CATALOGUE).problems, 'the forgery is internally consistent').to.deep.equal([]);
        const err = await verifySignature(dir, { publicKeyPem: key.pub }).catch((e) => e);
        expect(err).to.be.instanceOf(Error);
        expect((err as Error).message).to.match(/bad signature/);
      });
    }
    it('through report:verify --key: exit 1, "signature rejected: not certified"', async () => {
      const dir = copyBundle(certified);
      await signWithKey(dir, key.priv);
      forge(dir, (r) => (r.implementation.gatewayClassName = 'vendor-waypoint'), { regenerate: true });
      const pub = path.join(tempDir(), 'key.pub');
      writeFileSync(pub, key.pub);
      const r = await command('report-verify', [dir, '--key', pub]);
      expect(r.exitCode, r.stderr).to.equal(1);
      expect(r.stdout).to.match(/consistent, signature rejected: not certified$/m);
    });
  });
});
