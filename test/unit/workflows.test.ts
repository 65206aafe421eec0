import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { ISTIO } from '../../harness/platform/versions.ts';

describe('GitHub workflows pass the action validator', () => {
  const files = readdirSync('.github/workflows').filter((f) => f.endsWith('.yml'));
  it('has the ci and nightly workflows', () => expect(files).to.include.members(['ci.yml', 'nightly.yml']));
  for (const f of files) {
    it(f, () => {
      const state = validateWorkflow(readFileSync(`.github/workflows/${f}`, 'utf8'));
      expect(state.errors, JSON.stringify(state.errors, null, 2)).to.deep.equal([]);
    });
  }
  it('the validator rejects a broken workflow', () => {
    expect(validateWorkflow('on: push\njobs:\n  x:\n    steps: 3\n').errors).to.have.length.above(0);
  });
});

describe('nightly matrix', () => {
  it('runs the pinned patch release of every supported Istio minor', () => {
    const wf = parse(readFileSync('.github/workflows/nightly.yml', 'utf8'));
    const job = Object.values(wf.jobs as Record<string, { strategy?: { matrix?: { istio?: string[] } } }>).find((j) => j.strategy?.matrix?.istio);
    expect(job?.strategy?.matrix?.istio).to.deep.equal(ISTIO.nightly);
  });
});
