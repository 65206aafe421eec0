/**
 * The report's types are the one definition of its shape: report.schema.json is generated from
 * harness/report/apis/v1alpha1.ts (and gateway-api-report.schema.json from apis/gateway-api-v1.ts), and
 * this test fails when a committed file is not what the types give (run `npm run schema`). The schema
 * then holds what the types say, field by field.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SCHEMAS, schemaText } from '../../../harness/report/apis/generate.ts';
import { schemaProblems } from '../../../harness/schema.ts';
import { buildReport } from '../../../harness/report/model.ts';

describe('report.schema.json', function () {
  this.timeout(120_000);
  let generated: string;
  before(() => {
    generated = schemaText(SCHEMAS[0]);
  });

  for (const s of SCHEMAS)
    it(`${path.basename(s.file)} is generated from ${path.basename(s.types)} (npm run schema writes it)`, () => {
      expect(readFileSync(s.file, 'utf8'), 'run npm run schema').to.equal(s === SCHEMAS[0] ? generated : schemaText(s));
    });

  it("carries each field's doc comment and annotations, and closes every object", () => {
    const schema = JSON.parse(generated);
    const defs = schema.definitions;
    expect(defs.ConformanceReport.additionalProperties).to.equal(false);
    expect(defs.SetupRecord.properties.step).to.include({ minLength: 1 });
    expect(defs.ScenarioReport.properties.convergenceMs.description).to.equal('The longest any check took to converge.');
    expect(defs.Count).to.include({ type: 'integer', minimum: 0 });
  });

  it('refuses what the types do not allow', () => {
    const problems = schemaProblems(JSON.parse(generated));
    const report = JSON.parse(
      JSON.stringify(
        buildReport({
          results: [],
          scenarios: [],
          images: [],
          mode: 'e2e',
          claimedFeatures: undefined,
          planes: ['control', 'data'],
          implementation: {
            organization: 'o',
            project: 'p',
            version: '1',
            url: 'https://example.org',
            contact: [],
            gatewayClassName: 'istio-waypoint',
          },
          environment: { kubernetesVersion: 'v1.36.0', gatewayApi: { version: 'v1.6.0', channel: 'standard' }, commandLine: 'npm run e2e' },
        }),
      ),
    );
    expect(problems(report)).to.deep.equal([]);
    expect(problems({ ...report, extra: 1 })).to.deep.include('/ must NOT have additional properties');
    expect(problems({ ...report, setup: { outcome: 'error', step: '', message: 'x' } })).to.deep.include(
      '/setup/step must NOT have fewer than 1 characters',
    );
    expect(problems({ ...report, planes: [] }).join(' ')).to.match(/\/planes must NOT have fewer than 1 items/);
  });
});
