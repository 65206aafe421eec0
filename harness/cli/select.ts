/** The scenarios a run takes: --grep over the catalogue, and the implementation's claimed profiles when certifying. */
import type { Scenario } from '../scenario/types.ts';
import { select, UnknownScenarioError } from '../runner/suite-runner.ts';
import { UserError } from './errors.ts';

export function selectScenarios(catalogue: Scenario[], grep: string | undefined): Scenario[] {
  try {
    return select(catalogue, { grep });
  } catch (err) {
    if (!(err instanceof UnknownScenarioError)) throw err;
    const areas = [...new Set(catalogue.map((s) => s.area))].sort();
    throw new UserError(err.message, `scenario ids start with their area: ${areas.map((a) => `^${a}/`).join(', ')}; \`npm run e2e -- --list\` lists every id`);
  }
}
