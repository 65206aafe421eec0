/**
 * A weighted split, decided by the sequential test in harness/stats over single requests, after a
 * warm-up that waits for the configuration to be in effect.
 */
import type { BackendMarker, Client, Destination, ExpectationBase, RequestOptions } from '../scenario/types.ts';
import type { RequestSpec } from '../traffic/curl.ts';
import { describeRecord } from '../traffic/verdict.ts';
import { answeredBy, backendOf, Coverage } from './backends.ts';
import { SplitTest } from '../stats/split-test.ts';
import { converge, type Converged, type Observation } from '../wait.ts';
import { CheckFailed, failOnTimeout, type CheckContext, type CheckEvidence, type CheckKind, type Measured } from './check.ts';
import { destName, resolveUrl, send, specFor } from './requests.ts';

export interface SplitExpectation extends ExpectationBase, RequestOptions {
  type: 'split';
  from: Client;
  to: Destination;
  /** Backend name -> weight; a backend with weight 0 must receive nothing. */
  weights: Record<string, number>;
  /** What identifies the backend that served a request (a body marker). */
  backend: BackendMarker;
}

interface SplitRun {
  ctx: CheckContext;
  e: SplitExpectation;
  spec: RequestSpec;
  normalize: RegExp;
  batchSize: number;
  requests: number;
}

/** The new configuration is in effect once no zero-weight backend answers and every weighted backend has. */
async function warmUp(run: SplitRun): Promise<Converged> {
  const { ctx, e } = run;
  const coverage = new Coverage(Object.keys(e.weights).filter((b) => e.weights[b] > 0));
  const warm = async (): Promise<Observation> => {
    const batch = await send(ctx, e.from, e.to, run.spec, run.batchSize);
    run.requests += batch.records.length;
    const { others, missing } = coverage.add(batch.records.map((r) => answeredBy(r, run.normalize, ctx.signals)));
    if (others.length > 0) return { ok: false, detail: `answered by ${others.join(', ')}` };
    return missing.length === 0
      ? { ok: true, detail: 'all weighted backends answered' }
      : { ok: false, detail: `not yet answered: ${missing.join(', ')}` };
  };
  return failOnTimeout(
    () => run.requests,
    () => converge(`${splitCheck.title(e)} (configuration in effect)`, warm, ctx.timing, { consecutive: 1 }),
  );
}

/** Fresh samples, one decision per request, until the sequential test decides. */
async function decide(run: SplitRun): Promise<{ detail: string; evidence: CheckEvidence }> {
  const { ctx, e } = run;
  const test = new SplitTest(e.weights, ctx.splitConfig);
  const evidence = (): CheckEvidence => ({
    expected: `shares ${Object.entries(e.weights)
      .map(([b, w]) => `${b}=${w}`)
      .join('/')}`,
    split: test.trace(e.weights),
  });
  for (;;) {
    // As many as the test needs before it could pass (none wasted on a correct split), at least the floor.
    const batch = await send(ctx, e.from, e.to, run.spec, test.nextBatchSize(run.batchSize));
    for (const r of batch.records) {
      run.requests++;
      const b = backendOf(r, run.normalize);
      if (b === undefined) {
        throw new CheckFailed(`request not served by an identifiable backend: ${describeRecord(r)}`, run.requests, {
          ...evidence(),
          seen: describeRecord(r),
        });
      }
      const decision = test.observe(b);
      if (decision === 'continue') continue;
      const st = test.state();
      const counts = Object.entries(st.counts)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      if (decision === 'fail') throw new CheckFailed(`${st.reason} [${counts}]`, run.requests, { ...evidence(), seen: counts });
      return {
        detail: `${st.reason} [${counts}]; false-failure bound ${test.falseFailureBound.toExponential(1)}`,
        evidence: { ...evidence(), seen: counts },
      };
    }
  }
}

export const splitCheck: CheckKind<SplitExpectation> = {
  plane: 'data',
  title: (e) =>
    `${e.from} → ${destName(e.to)}${e.protocol === 'grpc' ? ' (gRPC)' : ''} splits ${Object.entries(e.weights)
      .map(([b, w]) => `${b}=${w}`)
      .join('/')}`,
  async run(ctx, e): Promise<Measured> {
    const spec = specFor(ctx, await resolveUrl(ctx, e.to), e, [{ name: 'backend', pattern: e.backend.pattern, in: 'body' }]);
    const run: SplitRun = { ctx, e, spec, normalize: new RegExp(e.backend.normalize), batchSize: Math.max(ctx.batchSize, 10), requests: 0 };
    const warm = await warmUp(run);
    const { detail, evidence } = await decide(run);
    return { convergedMs: warm.elapsedMs, attempts: warm.attempts, requests: run.requests, detail, evidence };
  },
};
