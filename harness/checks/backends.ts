/** Which backend served a request, and whether a run of requests was served by exactly the expected ones: what split and spread share. */
import type { RequestRecord } from '../traffic/curl.ts';
import { classifyWith, grpcSucceeded, type WaypointSignals } from '../traffic/verdict.ts';

/** The backend a request's marker names; a gRPC call that did not end with grpc-status 0 was served by nobody, whatever its body named. */
export function backendOf(r: RequestRecord, normalize: RegExp): string | undefined {
  if (!grpcSucceeded(r)) return undefined;
  return normalize.exec(r.markers.backend ?? '')?.[0];
}

/** The backend's name, or `unidentified(<how the request ended>)`. */
export function answeredBy(r: RequestRecord, normalize: RegExp, signals: WaypointSignals): string {
  return backendOf(r, normalize) ?? `unidentified(${classifyWith(r, signals)})`;
}

/** The requests since another backend last answered have reached each expected backend: what is still missing, what else answered. */
export class Coverage {
  private readonly expected: readonly string[];
  private seen = new Set<string>();

  constructor(expected: readonly string[]) {
    this.expected = expected;
  }

  /** Adds a batch's answers; a backend not expected starts the coverage over. */
  add(names: string[]): { others: string[]; missing: string[] } {
    const others = [...new Set(names.filter((n) => !this.expected.includes(n)))];
    if (others.length > 0) this.seen = new Set();
    else names.forEach((n) => this.seen.add(n));
    return { others, missing: this.expected.filter((b) => !this.seen.has(b)) };
  }
}
