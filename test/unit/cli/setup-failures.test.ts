/**
 * A setup that fails is reported: the bundle records the step, and report:verify accepts it as a failed run.
 * Issue 15 "first contact": each defect a new user met, as a test that failed before its fix.
 */
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { EXIT } from '../../../harness/errors.ts';
import { BundleReadError } from '../../../harness/report/bundle-files.ts';
import { verifyBundle } from '../../../harness/report/verify.ts';
import { CATALOGUE } from '../../../suites/index.ts';

import { e2e, kubeconfig, STACK, tmp } from '../e2e-process.ts';

describe('first contact: setup failures are reported', function () {
  this.timeout(120_000);
  it('an unreachable cluster: exit 3 with report.yaml, junit.xml naming the step and summary.md saying what broke; report:verify accepts it', async () => {
    const dir = path.join(tmp(), 'report');
    const r = await e2e([
      '--cluster',
      'existing',
      '--kubeconfig',
      kubeconfig('https://127.0.0.1:1'),
      '--report-dir',
      dir,
      '--grep',
      '^routing/',
    ]);
    expect(r.exitCode, r.stderr).to.equal(EXIT.infrastructure);
    const report = parseYaml(readFileSync(path.join(dir, 'report.yaml'), 'utf8'));
    expect(report.setup).to.deep.include({ outcome: 'error', step: 'cluster answers (context x, https://127.0.0.1:1)' });
    expect(report.scenarios.every((s: { outcome: string }) => s.outcome === 'not-run')).to.equal(true);
    const junit = readFileSync(path.join(dir, 'junit.xml'), 'utf8');
    expect(junit.match(/<error /g)).to.have.length(1);
    expect(junit).to.include('name="cluster answers (context x, https://127.0.0.1:1)"');
    expect(readFileSync(path.join(dir, 'summary.md'), 'utf8').split('\n')[0]).to.match(
      /^\*\*Setup failed\*\* at "cluster answers.*ECONNREFUSED.* — fix: check that/,
    );
    expect(verifyBundle(dir, CATALOGUE).problems).to.deep.equal([]);
  });
  it('a cluster that answers /version and then fails every request: exit 3, the state of the install namespaces in diagnostics/setup.yaml, run.log sealed with the teardown', async () => {
    const broken = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/version') return res.end(JSON.stringify({ major: '1', minor: '34', gitVersion: 'v1.34.0' }));
      res.statusCode = 500;
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message: 'etcdserver: request timed out', code: 500 }));
    });
    await new Promise<void>((r) => broken.listen(0, '127.0.0.1', r));
    try {
      const dir = path.join(tmp(), 'report');
      const server = `http://127.0.0.1:${(broken.address() as AddressInfo).port}`;
      const r = await e2e([
        '--cluster',
        'existing',
        '--kubeconfig',
        kubeconfig(server),
        '--report-dir',
        dir,
        '--skip-install',
        '--grep',
        '^routing/',
      ]);
      expect(r.exitCode, r.stderr).to.equal(EXIT.infrastructure);
      expect(r.stderr).not.to.match(STACK);
      const report = parseYaml(readFileSync(path.join(dir, 'report.yaml'), 'utf8'));
      expect(report.environment.kubernetesVersion).to.equal('v1.34.0');
      expect(report.setup.step).to.match(/present and ready/);
      // Read as YAML: a long message is folded over lines in the file.
      const state = parseYaml(readFileSync(path.join(dir, 'diagnostics', 'setup.yaml'), 'utf8')) as Record<string, unknown>;
      expect(String(state['istio-system'])).to.include('etcdserver: request timed out');
      expect(readFileSync(path.join(dir, 'run.log'), 'utf8')).to.include('teardown: ');
      expect(verifyBundle(dir, CATALOGUE).problems).to.deep.equal([]);
    } finally {
      broken.close();
    }
  });
  it('report:verify: a malformed evidence.json or report.yaml is a usage error (exit 2) naming the file, without a stack trace', async () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'evidence.json'), '{ not json');
    const bad = await execa('node', ['scripts/report-verify.ts', dir], { reject: false });
    expect(bad.exitCode).to.equal(EXIT.usage);
    expect(bad.stderr).to.include('evidence.json is not JSON').and.not.match(STACK);
    writeFileSync(
      path.join(dir, 'evidence.json'),
      JSON.stringify({ apiVersion: 'waypoint-conformance.dev/v1alpha1', kind: 'EvidenceManifest', files: {} }),
    );
    writeFileSync(path.join(dir, 'report.yaml'), 'a: [unclosed');
    expect(() => verifyBundle(dir, CATALOGUE)).to.throw(BundleReadError, /report\.yaml is not YAML/);
  });
});
