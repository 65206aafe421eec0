import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { ISTIO } from '../../harness/platform/versions.ts';

const files = readdirSync('.github/workflows').filter((f) => f.endsWith('.yml'));
const text = (f: string) => readFileSync(`.github/workflows/${f}`, 'utf8');

interface Step { uses?: string; run?: string }
interface Job { permissions?: Record<string, string>; steps?: Step[]; strategy?: { matrix?: { istio?: string[] } } }
interface Workflow { permissions?: Record<string, string>; jobs: Record<string, Job> }
const workflow = (f: string) => parse(text(f)) as Workflow;
const steps = (wf: Workflow) => Object.values(wf.jobs).flatMap((j) => j.steps ?? []);

/** An expression a caller controls: workflow_dispatch inputs, or anything from the triggering event. */
const UNTRUSTED = /\$\{\{(?:(?!\}\}).)*\b(inputs|github\.event|github\.head_ref)\b(?:(?!\}\}).)*\}\}/s;

describe('GitHub workflows pass the action validator', () => {
  it('has the ci and nightly workflows', () => expect(files).to.include.members(['ci.yml', 'nightly.yml']));
  for (const f of files) {
    it(f, () => {
      const state = validateWorkflow(text(f));
      expect(state.errors, JSON.stringify(state.errors, null, 2)).to.deep.equal([]);
    });
  }
  it('the validator rejects a broken workflow', () => {
    expect(validateWorkflow('on: push\njobs:\n  x:\n    steps: 3\n').errors).to.have.length.above(0);
  });
});

describe('workflow hardening', () => {
  it('the untrusted-input pattern finds an interpolated input (the nightly before its fix)', () => {
    expect(UNTRUSTED.test("npm run e2e -- ${{ github.event.inputs.grep && format('--grep {0}', github.event.inputs.grep) || '' }}")).to.equal(true);
    expect(UNTRUSTED.test('npm run e2e -- --grep ${{ inputs.grep }}')).to.equal(true);
    expect(UNTRUSTED.test('npm run e2e -- --istio-version "$ISTIO_VERSION"')).to.equal(false);
  });
  for (const f of files) {
    it(`${f}: no \${{ ... inputs ... }} inside any run:, inputs reach scripts through env:`, () => {
      for (const s of steps(workflow(f))) if (s.run) expect(s.run, `${f}: ${s.run}`).not.to.match(UNTRUSTED);
    });
    it(`${f}: every action pinned by commit SHA, its version in a comment`, () => {
      const uses = text(f).split('\n').filter((l) => /^\s*-?\s*uses:/.test(l));
      expect(uses).to.have.length.above(0);
      for (const l of uses) expect(l, l).to.match(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    });
    it(`${f}: least permissions (read-only contents; id-token only for a job that signs its report)`, () => {
      const wf = workflow(f);
      expect(wf.permissions).to.deep.equal({ contents: 'read' });
      for (const j of Object.values(wf.jobs)) {
        const { 'id-token': idToken, ...rest } = (j.permissions ?? {}) as Record<string, string>;
        expect(rest).to.satisfy((p: Record<string, string>) => Object.values(p).every((v) => v === 'read' || v === 'none'));
        const signs = (j.steps ?? []).some((st: { run?: string }) => /npm run report:sign/.test(st.run ?? ''));
        if (idToken !== undefined) expect(idToken === 'write' && signs, 'id-token: write without a report:sign step').to.equal(true);
      }
    });
  }
});

describe('nightly matrix', () => {
  it('runs the pinned patch release of every supported Istio minor', () => {
    const job = Object.values(workflow('nightly.yml').jobs).find((j) => j.strategy?.matrix?.istio);
    expect(job?.strategy?.matrix?.istio).to.deep.equal(ISTIO.nightly);
  });
  it('uses the Node version of .nvmrc', () => {
    for (const f of files) expect(text(f)).to.include('node-version-file: .nvmrc');
  });
});
