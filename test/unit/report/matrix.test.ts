/** report:matrix over two real bundles: the model configured like each shipped implementation. */
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { loadImplementation } from '../../../harness/claim/implementation.ts';
import { writeReportBundle } from '../../../harness/report/bundle.ts';
import { sealBundle } from '../../../harness/report/seal.ts';
import { Progress } from '../../../harness/cli/progress.ts';
import { resultLine } from '../../../harness/runner/results.ts';
import { buildMatrix, matrixHtml, matrixMarkdown, readColumn } from '../../../harness/report/matrix.ts';
import { CATALOGUE } from '../../../suites/index.ts';
import { runModel } from '../../../equipment/selftest/selftest.ts';

describe('conformance matrix', function () {
  this.timeout(120_000);
  let dir: string;
  const bundles: string[] = [];
  const subset = CATALOGUE.filter(
    (s) => s.area === 'status-truth' || s.id === 'authorization/l7-service-target' || s.id === 'authorization/l4-ztunnel',
  );

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'wpt-matrix-'));
    for (const file of ['implementations/istio-envoy-waypoint.yaml', 'implementations/istio-agentgateway-waypoint.yaml']) {
      const claim = loadImplementation(file);
      const out = path.join(dir, path.basename(file, '.yaml'));
      const log = new Progress(out, false);
      const { results, images } = await runModel(subset, 7, { implementation: claim, onResult: (r) => log.line(resultLine(r)) });
      await writeReportBundle(out, {
        results,
        images,
        scenarios: subset,
        implementation: claim.implementation,
        environment: {
          kubernetesVersion: 'v1.34.0',
          istioVersion: 'model',
          gatewayApi: { version: 'model', channel: 'experimental' },
          commandLine: 'test',
        },
        mode: 'selftest',
        planes: ['control', 'data'],
        claimedFeatures: undefined,
      });
      sealBundle(out);
      bundles.push(out);
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('one column per bundle, one row per scenario, differing rows first', () => {
    const m = buildMatrix(bundles.map((b) => readColumn(b, subset)));
    expect(m.columns.map((c) => c.label)).to.deep.equal(['istio-waypoint · model', 'istio-agentgateway-waypoint · model']);
    expect(m.rows).to.have.length(5);
    const differs = m.rows.map((r) => r.differs);
    expect(differs.indexOf(false)).to.be.above(0);
    expect(differs.slice(differs.indexOf(false))).to.not.include(true);
    const bound = m.rows.find((r) => r.id === 'status-truth/bound-policy-enforced')!;
    expect(bound.cells).to.deep.equal(['passed', 'failed']);
    expect(m.rows.find((r) => r.id === 'authorization/l7-service-target')!.cells).to.deep.equal(['passed', 'not-supported']);
    const md = matrixMarkdown(m);
    expect(md).to.include('| scenario | istio-waypoint · model | istio-agentgateway-waypoint · model |');
    expect(md).to.include('| **status-truth/bound-policy-enforced** | passed | failed |');
    expect(md).to.include('| **authorization/l7-service-target** | passed | not supported |');
    const page = matrixHtml(m, dir);
    expect(page).to.include(
      '<td class="failed"><a href="istio-agentgateway-waypoint/report.html#s-status-truth%2Fbound-policy-enforced">failed</a><div class="why">',
    );
    // A differing cell says why, as the bundle's report does; a passing one does not.
    expect(page).to.match(/bound-policy-enforced">failed<\/a><div class="why">bind a policy that admits only sleep/);
    expect(page).to.include(
      '<td class="passed"><a href="istio-envoy-waypoint/report.html#s-status-truth%2Fbound-policy-enforced">passed</a></td>',
    );
  });

  it('the command prints the table, writes the page, and refuses a directory that is no bundle', async () => {
    const page = path.join(dir, 'matrix.html');
    const ok = await execa(process.execPath, ['scripts/report-matrix.ts', ...bundles, '--html', page], { reject: false });
    expect(ok.exitCode, ok.stderr).to.equal(0);
    expect(ok.stdout).to.match(/^\| scenario \| istio-waypoint · model \| istio-agentgateway-waypoint · model \|$/m);
    expect(readFileSync(page, 'utf8')).to.include('<table>');
    const bad = await execa(process.execPath, ['scripts/report-matrix.ts', dir], { reject: false });
    expect(bad.exitCode).to.equal(2);
    expect(bad.stderr)
      .to.match(/holds no report\.yaml/)
      .and.to.not.match(/\n\s+at /);
  });
});
