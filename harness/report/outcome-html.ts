/** The words and marks report.html and the matrix page use for an outcome, a duration and a scenario's anchor. */
import type { Outcome } from '../runner/results.ts';
import { html } from './html.ts';

export const WORDS: Record<Outcome, string> = {
  passed: 'passed',
  failed: 'failed',
  'not-run': 'not run',
  'not-supported': 'not supported',
  error: 'error',
};
export const sec = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
/** The anchor of a scenario's section, also what the matrix page links to. */
export const scenarioAnchor = (id: string) => `s-${id}`;
export const badge = (o: string, text = WORDS[o as Outcome] ?? o) => html`<span class="badge ${o}">${text}</span>`;
