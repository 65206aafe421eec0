import type { Cluster, KubeObject } from '../cluster/types.ts';
import type { Plane } from '../checks/check.ts';
import type { SplitTestConfig } from '../stats/split-test.ts';
import type { Feature, NsRole } from '../scenario/types.ts';
import type { Timing } from '../wait.ts';
import type { Batch, TrafficEngine } from '../traffic/engine.ts';
import type { OutsideClient } from '../traffic/outside.ts';
import type { WaypointSignals } from '../traffic/verdict.ts';
import type { Stopwatch } from './stopwatch.ts';
import type { Images } from '../versions/versions.ts';
import type { MeshFacts } from '../mesh/mesh.ts';
import type { PodSecurityLevel } from '../manifests/pod-security.ts';

/** What a run shares across scenarios. */
export interface RunEnv {
  cluster: Cluster;
  timing: Timing;
  runId: string;
  clientNamespace: string;
  gatewayClass: string;
  splitConfig: SplitTestConfig;
  /** Requests per convergence attempt. */
  batchSize: number;
  /** curl --max-time per request. */
  maxTimeSec: number;
  supported: ReadonlySet<Feature>;
  /** The implementation's answers and marks, from its claim file (Istio's Envoy waypoint by default). */
  signals: WaypointSignals;
  /** The planes whose checks run; the others' checks are reported as not run. */
  planes: ReadonlySet<Plane>;
  /** Sends requests from outside the cluster (ingress scenarios). */
  outside: OutsideClient;
  log: (line: string) => void;
  /** Extra views of the mesh for a failed scenario's diagnostics (istioctl, when available). */
  dumpers: Dumper[];
  /** Namespaces deleted by finished scenarios, verified gone before the run ends. */
  cleanup: { id: string; namespaces: string[] }[];
  deferCleanup: boolean;
  /** The images the run deploys (the pinned ones, or --image overrides). */
  images: Images;
  /** The mesh as read from the cluster: trust domain, DNS domain, Istio's namespace and revision. */
  mesh: MeshFacts;
  /** The Pod Security level every namespace of the run enforces (--pod-security). */
  podSecurity: PodSecurityLevel;
}

/** Produces named text dumps about the given namespaces; never throws for a failed command. */
export interface Dumper {
  name: string;
  dump(namespaces: string[]): Promise<Record<string, string>>;
}

/** What one scenario owns: its namespaces, its traffic, the evidence kept for diagnostics. */
export interface ScenarioScope {
  env: RunEnv;
  namespaces: Record<NsRole, string>;
  traffic: TrafficEngine;
  evidence: Evidence;
  /** Fixture variables (namespace names etc.), also used in label values and expected messages. */
  vars: Record<string, string>;
  stopwatch: Stopwatch;
}

export class Evidence {
  readonly batches: Batch['raw'][] = [];
  readonly applied: KubeObject[] = [];
  keep(batch: Batch): void {
    this.batches.push(batch.raw);
    if (this.batches.length > 6) this.batches.shift();
  }
}
