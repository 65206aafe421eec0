/**
 * Where a run's time went: totals per phase across scenarios, the slowest laps, and the critical
 * path under the chosen parallelism (the pool worker that finished last, and what it ran).
 */
import type { ScenarioResult } from '../runner/results.ts';
import { PHASES, type Lap } from '../runner/stopwatch.ts';

const sec = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export interface SlowLap extends Lap {
  id: string;
}

export function slowestLaps(results: Pick<ScenarioResult, 'id' | 'timings'>[], n: number): SlowLap[] {
  return results
    .flatMap((r) => r.timings.map((l) => ({ ...l, id: r.id })))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, n);
}

export function phaseTotals(results: Pick<ScenarioResult, 'timings'>[]): Record<string, number> {
  const totals = Object.fromEntries(PHASES.map((p) => [p, 0]));
  for (const l of results.flatMap((r) => r.timings)) totals[l.phase] += l.ms;
  return totals;
}

/**
 * The pool hands scenarios to workers in catalogue order, each to the first free worker. Replaying
 * that schedule from the measured durations gives each worker's timeline; the longest is the
 * critical path.
 */
export function criticalPath(results: Pick<ScenarioResult, 'id' | 'durationMs'>[], parallel: number) {
  const workers = Array.from({ length: Math.max(1, parallel) }, () => ({ ms: 0, ids: [] as string[] }));
  for (const r of results) {
    const w = workers.reduce((a, b) => (b.ms < a.ms ? b : a));
    w.ms += r.durationMs;
    w.ids.push(r.id);
  }
  return workers.reduce((a, b) => (b.ms > a.ms ? b : a));
}

export function profileLines(results: ScenarioResult[], parallel: number, runLaps: Lap[] = []): string[] {
  const totals = phaseTotals(results);
  const path = criticalPath(results, parallel);
  return [
    `time by phase, summed over ${results.length} scenarios: ${PHASES.map((p) => `${p} ${sec(totals[p])}`).join(', ')}`,
    `critical path at --parallel ${parallel}: ${sec(path.ms)} over ${path.ids.length} scenarios (${path.ids.join(', ')})`,
    ...(runLaps.length ? [`around the scenarios: ${runLaps.map((l) => `${l.name} ${sec(l.ms)}`).join(', ')}`] : []),
    'slowest steps:',
    ...slowestLaps(results, 10).map((l) => `  ${sec(l.ms).padStart(7)}  ${l.phase.padEnd(11)} ${l.id} · ${l.step} · ${l.name}`),
  ];
}
