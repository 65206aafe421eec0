import { expect } from 'chai';
import { readdirSync, readFileSync } from 'node:fs';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { ISTIO } from '../../harness/versions/versions.ts';

const files = readdirSync('.github/workflows').filter((f) => f.endsWith('.yml'));
const text = (f: string) => readFileSync(`.github/workflows/${f}`, 'utf8');

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, string>;
}
interface Job {
  permissions?: Record<string, string>;
  steps?: Step[];
  strategy?: { matrix?: { istio?: string[] } };
  needs?: string | string[];
}
interface Workflow {
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}
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
    expect(
      UNTRUSTED.test("npm run e2e -- ${{ github.event.inputs.grep && format('--grep {0}', github.event.inputs.grep) || '' }}"),
    ).to.equal(true);
    expect(UNTRUSTED.test('npm run e2e -- --grep ${{ inputs.grep }}')).to.equal(true);
    expect(UNTRUSTED.test('npm run e2e -- --istio-version "$ISTIO_VERSION"')).to.equal(false);
  });
  for (const f of files) {
    it(`${f}: no \${{ ... inputs ... }} inside any run:, inputs reach scripts through env:`, () => {
      for (const s of steps(workflow(f))) if (s.run) expect(s.run, `${f}: ${s.run}`).not.to.match(UNTRUSTED);
    });
    it(`${f}: every action pinned by commit SHA, its version in a comment`, () => {
      const uses = text(f)
        .split('\n')
        .filter((l) => /^\s*-?\s*uses:/.test(l));
      expect(uses).to.have.length.above(0);
      for (const l of uses) expect(l, l).to.match(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$/);
    });
    it(`${f}: least permissions (read-only contents; id-token only for a job that signs and runs nothing else)`, () => {
      const wf = workflow(f);
      expect(wf.permissions).to.deep.equal({ contents: 'read' });
      for (const [name, j] of Object.entries(wf.jobs)) {
        const { 'id-token': idToken, ...rest } = (j.permissions ?? {}) as Record<string, string>;
        expect(rest).to.satisfy((p: Record<string, string>) => Object.values(p).every((v) => v === 'read' || v === 'none'));
        if (idToken !== undefined) expect(signingJobProblems(j), `${f}: job ${name} holds id-token: ${idToken}`).to.deep.equal([]);
      }
    });
  }
});

/** What a job with id-token: write may not do: run the suite, tools or install scripts; it verifies and signs downloaded bundles. */
function signingJobProblems(j: Job): string[] {
  const steps = j.steps ?? [];
  const runs = steps.map((st) => st.run ?? '').join('\n');
  const problems: string[] = [];
  if (j.permissions?.['id-token'] !== 'write') problems.push('id-token is not write');
  if (!/npm run( -s)? report:sign/.test(runs)) problems.push('no report:sign step');
  if (!/npm run( -s)? report:verify/.test(runs)) problems.push('signs without report:verify first');
  if (!steps.some((st) => st.uses?.startsWith('actions/download-artifact@'))) problems.push('signs no downloaded artifact');
  for (const m of runs.matchAll(/npm (?:run(?: -s)? )?([\w:-]+)[^\n]*/g)) {
    const [line, script] = m;
    if (script === 'ci' && !/--ignore-scripts/.test(line)) problems.push(`"${line}" runs install scripts`);
    else if (!['ci', 'report:verify', 'report:sign'].includes(script)) problems.push(`"${line}" runs more than verifying and signing`);
  }
  if (/\b(kind|istioctl|kubectl|docker|curl|wget)\b/.test(runs)) problems.push('runs a tool');
  return problems;
}

describe('signing apart from the run (nightly)', () => {
  const jobs = Object.entries(workflow('nightly.yml').jobs);
  it('exactly one job holds id-token: write, and it only downloads, verifies and signs', () => {
    const signing = jobs.filter(([, j]) => j.permissions?.['id-token'] !== undefined);
    expect(signing.map(([n]) => n)).to.deep.equal(['sign']);
    expect(signingJobProblems(signing[0][1])).to.deep.equal([]);
    expect(signing[0][1].needs).to.equal('e2e');
  });
  it('the e2e job, which runs the suite and downloaded tools, cannot sign', () => {
    const e2e = jobs.find(([n]) => n === 'e2e')![1];
    expect(e2e.permissions?.['id-token']).to.equal(undefined);
    expect((e2e.steps ?? []).map((st) => st.run ?? '').join('\n')).not.to.match(/report:sign/);
  });
  it('the check finds a signing job that does too much (the nightly before #28)', () => {
    const before: Job = {
      permissions: { contents: 'read', 'id-token': 'write' },
      steps: [{ run: 'npm ci' }, { run: 'npm run e2e -- --istio-version 1.31.1' }, { run: 'npm run report:sign -- reports/x' }],
    };
    expect(signingJobProblems(before)).to.include.members([
      '"npm ci" runs install scripts',
      '"npm run e2e -- --istio-version 1.31.1" runs more than verifying and signing',
      'signs no downloaded artifact',
    ]);
  });
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
