/**
 * A Service's traffic reaches every one of its backends and no other, with no claim about the shares.
 * How a waypoint spreads a Service's traffic over its pods when no route weighs them is the
 * implementation's choice: Envoy's LEAST_REQUEST with one request in flight is uniform, agentgateway
 * picks the better-scored of two random pods (agentgateway/agentgateway
 * crates/agentgateway/src/types/loadbalancer.rs select_endpoint), measured at 24/36/41% on three pods.
 * Gateway API leaves it open (weights only bind where backendRefs give them), so this check asks only
 * what every implementation owes: each backend answers, nothing else does.
 */
import type { BackendMarker, Client, Destination, ExpectationBase, RequestOptions } from '../scenario/types.ts';
import { answeredBy, Coverage } from './backends.ts';
import { converge, type Observation } from '../wait.ts';
import { failOnTimeout, type CheckKind, type Measured } from './check.ts';
import { destName, resolveUrl, send, specFor } from './requests.ts';

/** Every backend answers and no other does; how the requests are shared is not asserted. */
export interface SpreadExpectation extends ExpectationBase, RequestOptions {
  type: 'spread';
  from: Client;
  to: Destination;
  backends: string[];
  backend: BackendMarker;
}

/**
 * The chance that a backend which gets at least 1/k² of the requests (the least any of k pods gets
 * from two random choices) is missed by n requests, summed over the k backends: the false-failure bound.
 */
export function missBound(k: number, n: number): number {
  return k * (1 - 1 / (k * k)) ** n;
}

export const spreadCheck: CheckKind<SpreadExpectation> = {
  plane: 'data',
  title: (e) => `${e.from} → ${destName(e.to)} is served by each of ${e.backends.join(', ')} and no other`,
  async run(ctx, e): Promise<Measured> {
    const spec = specFor(ctx, await resolveUrl(ctx, e.to), e, [{ name: 'backend', pattern: e.backend.pattern, in: 'body' }]);
    const normalize = new RegExp(e.backend.normalize);
    const counts: Record<string, number> = {};
    let requests = 0;
    const coverage = new Coverage(e.backends);
    // Converged: every backend answered since the last request another one answered, and the last
    // batches (timing.consecutive of them) had no other.
    const observe = async (): Promise<Observation> => {
      const batch = await send(ctx, e.from, e.to, spec, Math.max(ctx.batchSize, 10));
      requests += batch.records.length;
      const names = batch.records.map((r) => answeredBy(r, normalize, ctx.signals));
      names.forEach((n) => (counts[n] = (counts[n] ?? 0) + 1));
      const { others, missing } = coverage.add(names);
      if (others.length > 0) return { ok: false, detail: `answered by ${others.join(', ')}` };
      if (missing.length === 0) return { ok: true, detail: 'every backend answered' };
      return {
        ok: false,
        detail: `not answered by ${missing.join(', ')} in ${requests} requests (a bound of ${missBound(e.backends.length, requests).toExponential(1)} for an implementation that spreads)`,
      };
    };
    const tally = () =>
      Object.entries(counts)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
    const evidence = () => ({ expected: `answered by each of ${e.backends.join(', ')}, no other`, seen: tally(), verdicts: { ...counts } });
    const done = await failOnTimeout(
      () => requests,
      () => converge(spreadCheck.title(e), observe, ctx.timing),
      evidence,
    );
    return { convergedMs: done.elapsedMs, attempts: done.attempts, requests, detail: `[${tally()}]`, evidence: evidence() };
  },
};
