/**
 * The words a scenario is written in: areas, profiles, clients, namespace roles, workload sets,
 * destinations, actions, request options, and what every expectation carries. The record itself
 * (harness/record/record.ts) and each check's expectation (harness/checks/) are built from these.
 */
import type { Feature } from './features.ts';

export type { Feature } from './features.ts';

export const AREAS = [
  'enrollment',
  'routing',
  'authorization',
  'resilience',
  'observability',
  'ingress',
  'interop',
  'cleanup',
  'mesh',
  'status-truth',
] as const;
export type Area = (typeof AREAS)[number];

export type Profile = 'core' | 'extended';

/** Clients of the shared client namespace, deployed once per run; each has its own ServiceAccount. */
export const SHARED_CLIENTS = ['sleep', 'notsleep', 'sidecar-sleep'] as const;
export type SharedClient = (typeof SHARED_CLIENTS)[number];

/**
 * The curl client of workload set `client` in one of the scenario's namespaces, named by its role
 * (`client@consumer`): for behaviour that depends on the caller's namespace (consumer routes).
 */
export type ScenarioClient = `client@${NsRole}`;

export type Client = SharedClient | ScenarioClient;

/**
 * Namespace roles; each scenario gets fresh namespaces with a unique suffix per role. consumer: a
 * namespace whose workloads call Services of another (it holds consumer routes, GEP-1426).
 */
export type NsRole = 'app' | 'infra' | 'consumer';

/** Fixture sets under fixtures/workloads/; `client` is the curl client a ScenarioClient names. */
export type WorkloadSet = 'echo' | 'echo-v1' | 'echo-v1-v2' | 'bookinfo' | 'client' | 'grpc-echo';

export type Destination =
  | { kind: 'service'; ns: NsRole; name: string; port: number; path: string }
  | { kind: 'pod'; ns: NsRole; deployment: string; port: number; path: string }
  | { kind: 'ingress'; ns: NsRole; gateway: string; port: number; path: string }
  /** A ServiceEntry host (fixture variables allowed, e.g. `echo.${APP_NS}.wpt.test`), resolved by the mesh's DNS proxy. */
  | { kind: 'host'; ns: NsRole; host: string; port: number; path: string };

export type LabelTarget =
  { kind: 'namespace'; ns: NsRole } | { kind: 'service'; ns: NsRole; name: string } | { kind: 'pods'; ns: NsRole; deployment: string };

export type Action =
  | { do: 'apply'; fixture: string }
  | { do: 'remove'; fixture: string }
  | { do: 'label'; target: LabelTarget; labels: Record<string, string | null> }
  /** Sets a Deployment's replicas (the waypoint's, to take its pods away after it was Programmed). */
  | { do: 'scale'; deployment: string; ns: NsRole; replicas: number };

export interface RequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** grpc: a unary gRPC call to the destination's path (harness/traffic/grpc.ts). */
  protocol?: 'http' | 'grpc';
}

export interface BackendMarker {
  pattern: string; // ERE grepped in the body; its first match
  normalize: string; // JS regex whose first match names the backend
}

/**
 * What every expectation (what one check measures) carries. Each check kind defines its own
 * expectation beside its code (harness/checks/<kind>.ts); the registry makes their union.
 */
export interface ExpectationBase {
  /** The expectation's kind: the key of its check kind in harness/checks/registry.ts. */
  type: string;
  /** A feature this check needs beyond the scenario's own; unclaimed, the check is not supported and the rest of the scenario runs. */
  feature?: Feature;
}
