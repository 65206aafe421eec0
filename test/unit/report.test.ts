import { expect } from 'chai';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { writeReportBundle } from '../../harness/report/bundle.ts';
import { verifyBundle } from '../../harness/report/verify.ts';
import { CATALOGUE } from '../../suites/index.ts';
import type { ScenarioResult } from '../../harness/runner/results.ts';
import { tempDirs } from './tmp.ts';

const results: ScenarioResult[] = CATALOGUE.slice(0, 3).map((s, i) => ({
  id: s.id, outcome: i === 2 ? 'failed' : 'passed', durationMs: 1200, convergenceMs: 300, checks: [], timings: [],
  reason: i === 2 ? 'sleep → svc/echo expects allowed: verdict denied-l4' : undefined,
  diagnostics: i === 2 ? { curl: [{ where: 'ns/sleep', command: 'curl …', stdout: 'WPT seq=1 rc=56', stderr: '', exitCode: 0 }] } : undefined,
}));

// Registered at the top level: removed after the whole run, also when a test fails.
const reportDir = tempDirs('wpt-report-');
const selftestDir = tempDirs('wpt-selftest-');

async function bundle(mode: 'e2e' | 'certification' = 'e2e') {
  const dir = reportDir();
  await writeReportBundle(dir, {
    results, scenarios: CATALOGUE, mode, planes: ['control', 'data'],
    implementation: { organization: 'o', project: 'p', version: '1', url: 'u', contact: [], gatewayClassName: 'istio-waypoint' },
    environment: { kubernetesVersion: 'v1.34.0', istioVersion: '1.30.5', gatewayApi: { version: 'v1.5.1', channel: 'experimental' }, commandLine: 'npm run e2e' },
    claimedFeatures: mode === 'certification' ? ['Waypoint'] : undefined,
  });
  return dir;
}

describe('report bundle', () => {
  it('writes a report that validates, with JUnit, summary, diagnostics and evidence', async () => {
    const dir = await bundle();
    expect(verifyBundle(dir)).to.deep.equal([]);
    const report = parse(readFileSync(path.join(dir, 'report.yaml'), 'utf8'));
    expect(report.apiVersion).to.equal('waypoint-conformance.dev/v1alpha1');
    expect(report.profiles.find((p: { name: string }) => p.name === 'core').result).to.equal('failure');
    expect(readFileSync(path.join(dir, 'junit.xml'), 'utf8')).to.match(/<failure/);
    expect(JSON.parse(readFileSync(path.join(dir, 'evidence.json'), 'utf8')).files).to.have.keys(
      'report.yaml', 'junit.xml', 'summary.md', `diagnostics/${results[2].id.replace('/', '__')}.yaml`);
  });

  for (const file of ['report.yaml', 'junit.xml', 'summary.md']) {
    it(`rejects the bundle once ${file} is edited, naming it`, async () => {
      const dir = await bundle();
      appendFileSync(path.join(dir, file), '\n');
      expect(verifyBundle(dir).join('\n')).to.include(file);
    });
  }

  it('rejects a report that breaks the schema even with re-computed hashes', async () => {
    const dir = await bundle();
    const p = path.join(dir, 'report.yaml');
    const r = parse(readFileSync(p, 'utf8'));
    delete r.implementation.gatewayClassName;
    writeFileSync(p, stringify(r));
    expect(verifyBundle(dir).join('\n')).to.match(/report.yaml/);
  });

  it('rejects a certification report that ran scenarios needing unclaimed features', async () => {
    const dir = await bundle('certification');
    expect(verifyBundle(dir).join('\n')).to.match(/unclaimed features/);
  });
});

describe('npm run selftest -- --report-dir', function () {
  this.timeout(120_000);
  it('writes a bundle with run.log that report:verify accepts, and rejects once run.log is edited', async () => {
    const { execa } = await import('execa');
    const dir = selftestDir();
    await execa('npx', ['tsx', 'scripts/selftest.ts', '--report-dir', dir, '--mutant', 'fault-ignored']);
    const log = readFileSync(path.join(dir, 'run.log'), 'utf8');
    expect(log).to.match(/self-test seed 1: \d+ scenarios/);
    expect(log).to.match(/✓ enrollment\/namespace-scope \(/);
    expect(log).to.include('mutant fault-ignored (resilience): caught by resilience/fault-abort');
    expect(JSON.parse(readFileSync(path.join(dir, 'evidence.json'), 'utf8')).files).to.include.keys('run.log', 'report.yaml', 'junit.xml', 'summary.md');
    expect(verifyBundle(dir)).to.deep.equal([]);
    appendFileSync(path.join(dir, 'run.log'), 'edited\n');
    expect(verifyBundle(dir).join('\n')).to.include('run.log');
  });
});
