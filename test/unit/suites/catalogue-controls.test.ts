/**
 * A connection closed without an HTTP response (curl exit 52 or 56) is what ztunnel's refusals look
 * like, and also what a backend that is down looks like. A `denied-l4` check therefore means a
 * refusal only beside its control: the same destination answering, either another client in the
 * same step (the policy admits one caller and not the other) or the same client in another step of
 * the scenario (the policy or label is the only change). README "How a verdict is reached".
 */
import { expect } from 'chai';
import { CATALOGUE } from '../../../suites/index.ts';
import type { Client, Destination } from '../../../harness/scenario/types.ts';
import type { Expectation } from '../../../harness/checks/registry.ts';
import type { Scenario } from '../../../harness/record/record.ts';

interface Answer {
  step: number;
  from: Client;
  to: Destination;
}

/** Checks that a request is answered: an allowed traffic check (also inside a status-truth check), a response or a split. */
function answers(e: Expectation, step: number): Answer[] {
  if (e.type === 'status-truth') return answers(e.shows, step);
  if (e.type === 'traffic') {
    const verdicts: readonly string[] = typeof e.verdict === 'string' ? [e.verdict] : e.verdict;
    return verdicts.length === 1 && verdicts[0] === 'allowed' ? [{ step, from: e.from, to: e.to }] : [];
  }
  if (e.type === 'response' || e.type === 'split' || e.type === 'spread') return [{ step, from: e.from, to: e.to }];
  return [];
}

function l4Denials(s: Scenario): Answer[] {
  return s.steps.flatMap((st, step) =>
    st.expect.flatMap((e) => {
      const t = e.type === 'status-truth' ? e.shows : e;
      return t.type === 'traffic' && t.verdict === 'denied-l4' ? [{ step, from: t.from, to: t.to }] : [];
    }),
  );
}

const sameDestination = (a: Destination, b: Destination) => JSON.stringify(a) === JSON.stringify(b);

/** The denial's controls in the scenario. */
export function controlsOf(s: Scenario, d: Answer): Answer[] {
  const answered = s.steps.flatMap((st, step) => st.expect.flatMap((e) => answers(e, step)));
  return answered.filter(
    (a) => sameDestination(a.to, d.to) && ((a.step === d.step && a.from !== d.from) || (a.step !== d.step && a.from === d.from)),
  );
}

describe('catalogue: L4 denials have controls', () => {
  it('every denied-l4 check has the same destination answering beside it (another client, same step; or the same client, another step)', () => {
    const denials = CATALOGUE.flatMap((s) => l4Denials(s).map((d) => ({ s, d })));
    expect(denials.length).to.be.at.least(8);
    const bare = denials
      .filter(({ s, d }) => controlsOf(s, d).length === 0)
      .map(({ s, d }) => `${s.id} step "${s.steps[d.step].name}": ${d.from} → ${JSON.stringify(d.to)}`);
    expect(bare).to.deep.equal([]);
  });

  it('finds no control for a denial whose destination never answers', () => {
    const s = CATALOGUE.find((x) => x.id === 'authorization/l4-ztunnel')!;
    const lone: Scenario = {
      ...s,
      steps: s.steps.map((st) => ({ ...st, expect: st.expect.filter((e) => e.type === 'traffic' && e.verdict === 'denied-l4') })),
    };
    expect(l4Denials(lone).map((d) => controlsOf(lone, d).length)).to.deep.equal([0, 0]);
  });
});
