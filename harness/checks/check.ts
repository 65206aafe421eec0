/**
 * What every check kind implements, and the narrow context it runs in. A check measures one
 * expectation and either returns what it measured or throws CheckFailed (the implementation did not
 * do what upstream documents). Any other error means the harness or the cluster broke.
 */
import type { Cluster } from '../cluster/types.ts';
import type { Client, ExpectationBase, NsRole } from '../scenario/types.ts';
import type { SplitTestConfig, SplitTrace } from '../stats/split-config.ts';
import type { Batch, ClientAt, TrafficEngine } from '../traffic/engine.ts';
import type { WaypointSignals } from '../traffic/verdict.ts';
import { clockOf, waitFor, WaitTimeout, type Timing, type Waker } from '../wait.ts';

/** Control-plane checks read what controllers write; data-plane checks send traffic. */
export type Plane = 'control' | 'data';
export const PLANES: readonly Plane[] = ['control', 'data'];

export interface CheckContext {
  cluster: Cluster;
  traffic: TrafficEngine;
  /** Where a client of the scenario runs (a shared client, or client@<role> in the scenario's namespace). */
  clientAt(client: Client): ClientAt;
  timing: Timing;
  namespaces: Record<NsRole, string>;
  /** Fixture variables (namespace names, …) for expected messages and fixtures. */
  vars: Record<string, string>;
  /** Marks objects a check applies as this run's. */
  runId: string;
  /** The mesh's revision, which Istio configuration a check applies is labelled with (harness/mesh/mesh.ts forRevision). */
  revision?: string;
  /** Requests per convergence attempt, and curl --max-time per request. */
  batchSize: number;
  maxTimeSec: number;
  splitConfig: SplitTestConfig;
  /** What the implementation under test answers (denials, timeouts) and leaves on forwarded requests. */
  signals: WaypointSignals;
  /** Keeps raw batches for a failed scenario's diagnostics. */
  keep(batch: Batch): void;
}

/**
 * What a check expected and what it saw, kept structured for a person (report.html): the detail
 * string says it in prose, this lets the page show expected beside seen, counts and plots.
 */
/** @asType integer @minimum 0 */
export type RequestCount = number;

export interface CheckEvidence {
  /** What every request or the object should show. */
  expected?: string;
  /** The last thing seen that did not (a request's verdict and record, a condition). */
  seen?: string;
  /** Every request the check sent, counted by verdict (traffic) or by answer (responses). */
  verdicts?: Record<string, RequestCount>;
  /** A status condition: what the check looked for, and the condition as the object last had it. */
  condition?: { object: string; expected: Record<string, string>; seen: Record<string, unknown> | null };
  /** The sequential split test's observations, to plot with its decision bounds. */
  split?: SplitTrace;
}

export interface Measured {
  requests: number;
  convergedMs?: number;
  attempts?: number;
  detail: string;
  evidence?: CheckEvidence;
}

export interface CheckKind<E extends ExpectationBase> {
  plane: Plane;
  title(e: E): string;
  run(ctx: CheckContext, e: E): Promise<Measured>;
}

export class CheckFailed extends Error {
  readonly requests: number;
  readonly evidence?: CheckEvidence;

  constructor(message: string, requests: number, evidence?: CheckEvidence) {
    super(message);
    this.requests = requests;
    this.evidence = evidence;
  }
}

/** Requests counted by verdict, and the last one that was not as expected. */
export class Tally {
  readonly counts: Record<string, number> = {};
  private lastMiss: string | undefined;

  add(label: string, mismatch?: string): void {
    this.counts[label] = (this.counts[label] ?? 0) + 1;
    if (mismatch) this.lastMiss = mismatch;
  }

  evidence(expected: string): CheckEvidence {
    return { expected, ...(this.lastMiss ? { seen: this.lastMiss } : {}), verdicts: { ...this.counts } };
  }
}

/** The implementation gives no signal this check could measure: the check says so instead of passing. */
export class CheckNotSupported extends Error {}

/**
 * Waits until the cluster shows the expected state (the probe says so), woken by changes where the
 * cluster can watch; returns how long it took. Not reaching it in time is the implementation's failure.
 */
export async function reach(
  ctx: CheckContext,
  what: string,
  probe: () => Promise<boolean>,
  describe: () => string,
  waker?: Waker,
): Promise<number> {
  const clock = clockOf(ctx.timing);
  const start = clock.now();
  await failOnTimeout(
    () => 0,
    () => waitFor(what, async () => ((await probe()) ? true : undefined), ctx.timing, describe, ctx.timing.readyTimeoutMs, waker),
  );
  return clock.now() - start;
}

/** A deadline passed while waiting for the expected state: that is the implementation's failure. */
export async function failOnTimeout<T>(requests: () => number, work: () => Promise<T>, evidence?: () => CheckEvidence): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof WaitTimeout) throw new CheckFailed(err.message, requests(), evidence?.());
    throw err;
  }
}
