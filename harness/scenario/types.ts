/**
 * A scenario is one declarative record: who calls what, expecting which verdict, after which
 * changes, and where upstream defines that behaviour. The runner (harness/runner) executes it.
 */
import type { Verdict } from '../traffic/verdict.ts';
import type { Feature } from './features.ts';

export type { Feature } from './features.ts';

export const AREAS = [
  'enrollment', 'routing', 'authorization', 'resilience', 'observability', 'ingress', 'interop', 'cleanup', 'mesh', 'status-truth',
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
  | { kind: 'namespace'; ns: NsRole }
  | { kind: 'service'; ns: NsRole; name: string }
  | { kind: 'pods'; ns: NsRole; deployment: string };

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

export interface TrafficExpectation extends RequestOptions {
  type: 'traffic';
  from: Client;
  to: Destination;
  /** The verdict every request must get; a list accepts any of several documented signals. */
  verdict: Verdict | readonly Verdict[];
  /** waypoint: the request was processed at L7 (X-Request-Id seen by the echo backend);
   *  direct: it was not. Needs the echo backend as destination. */
  via?: 'waypoint' | 'direct';
  /** The x-wpt-via request header the scenario's HTTPRoute adds, as the backend saw it; null: absent. */
  routeMarker?: string | null;
  /** The request takes at least this long (fault delay). */
  minTimeSec?: number;
  feature?: Feature;
}

export interface SplitExpectation extends RequestOptions {
  type: 'split';
  from: Client;
  to: Destination;
  /** Backend name -> weight; a backend with weight 0 must receive nothing. */
  weights: Record<string, number>;
  /** What identifies the backend that served a request (a body marker). */
  backend: BackendMarker;
  feature?: Feature;
}

/** Every backend answers and no other does; how the requests are shared is not asserted. */
export interface SpreadExpectation extends RequestOptions {
  type: 'spread';
  from: Client;
  to: Destination;
  backends: string[];
  backend: BackendMarker;
  feature?: Feature;
}

export interface BackendMarker {
  pattern: string; // ERE grepped in the body; its first match
  normalize: string; // JS regex whose first match names the backend
}

export interface ConditionExpectation {
  type: 'condition';
  object: { apiVersion: string; kind: string; ns: NsRole; name: string };
  /** Read the condition in a route's status.parents entry for this parent, not in status.conditions. */
  parent?: { kind: string; name: string };
  condition: string;
  status: 'True' | 'False';
  reason?: string;
  messagePrefix?: string;
  /** The whole message, where a longer one would mean something else. */
  message?: string;
  feature?: Feature;
}

export interface GoneExpectation {
  type: 'gone';
  objects: { apiVersion: string; kind: string; ns: NsRole; name?: string; labelSelector?: string }[];
  feature?: Feature;
}

/** A value an object must hold at a path (keys and list indexes); nonEmpty: any non-empty value. */
export interface FieldExpectation {
  path: (string | number)[];
  equals?: string | number | boolean;
  nonEmpty?: true;
  /** A list at `path` has an element with these fields (e.g. a Service port). */
  includes?: Record<string, string | number>;
}

export interface PresentExpectation {
  type: 'present';
  objects: { apiVersion: string; kind: string; ns: NsRole; name: string; fields?: FieldExpectation[] }[];
  feature?: Feature;
}

/** Applying the fixture is refused by the API server (schema, CEL) or an admission webhook, with this text in the message. */
export interface RejectedExpectation {
  type: 'rejected';
  fixture: string;
  message: string;
  feature?: Feature;
}

export interface MetricExpectation {
  type: 'metric';
  waypoint: { ns: NsRole; name: string };
  metric: string;
  labels: Record<string, string>;
  /** Send this many allowed requests; the counter must grow by exactly that many. */
  send: { from: Client; to: Destination; count: number };
  feature?: Feature;
}

/**
 * How often the backend received each request. A retry repeats the request with its X-Request-Id
 * (Envoy keeps it across attempts), so the backend's own request log (one JSON line per request)
 * counts the attempts per client request.
 */
export interface AttemptsExpectation extends RequestOptions {
  type: 'attempts';
  from: Client;
  to: Destination;
  /** The Deployment whose request log is read. */
  backend: { ns: NsRole; deployment: string };
  /** The HTTP status the client must get (the last attempt's answer). */
  status: number;
  /** Requests the backend must see per client request: 1 + retries. */
  perRequest: number;
  feature?: Feature;
}

/**
 * What the cluster says must be what traffic shows: once the status condition `claim` holds, every
 * request of `shows` must get its verdict. A contradiction fails with both facts as evidence.
 */
export interface StatusTruthExpectation {
  type: 'status-truth';
  claim: ConditionExpectation;
  shows: TrafficExpectation;
  feature?: Feature;
}

/**
 * One response, not followed when it is a redirect: its status, the backend that served it, the
 * request the echo backend saw (path, headers) and response headers. null: the header is absent.
 */
export interface ResponseExpectation extends RequestOptions {
  type: 'response';
  from: Client;
  to: Destination;
  status: number;
  /** The echo Deployment that answered (echo-v1, …); the echo body names it. */
  backend?: string;
  /** Parts of a redirect's Location header; a part left out is not compared. */
  location?: LocationParts;
  responseHeaders?: Record<string, string | null>;
  /** Headers as the echo backend received them (comma-joined values compare as lists). */
  requestHeaders?: Record<string, string | null>;
  /** The path the echo backend received (after rewrites). */
  backendPath?: string;
  feature?: Feature;
}

export interface LocationParts {
  scheme?: 'http' | 'https';
  host?: string;
  /** '' : no port in the Location (the scheme's default). */
  port?: string;
  path?: string;
}

export type Expectation =
  | StatusTruthExpectation
  | TrafficExpectation
  | ResponseExpectation
  | AttemptsExpectation
  | SplitExpectation
  | SpreadExpectation
  | ConditionExpectation
  | GoneExpectation
  | PresentExpectation
  | RejectedExpectation
  | MetricExpectation;

export interface Step {
  name: string;
  actions: Action[];
  expect: Expectation[];
}

export interface Scenario {
  id: string;
  area: Area;
  description: string;
  features: Feature[];
  profile: Profile;
  /** Upstream sources of the expectations: repository paths in istio/istio or istio/istio.io. */
  source: string[];
  namespaces: NsRole[];
  workloads: Partial<Record<NsRole, WorkloadSet[]>>;
  /** Fixtures applied before the first step, under fixtures/. */
  manifests: string[];
  steps: Step[];
}
