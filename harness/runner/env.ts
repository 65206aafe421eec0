import type { Cluster } from '../cluster/types.ts';
import type { Plane } from '../checks/check.ts';
import type { SplitTestConfig } from '../stats/split-config.ts';
import type { Feature } from '../scenario/types.ts';
import type { Timing } from '../wait.ts';
import type { OutsideClient } from '../traffic/outside.ts';
import type { WaypointSignals } from '../traffic/verdict.ts';
import type { Images } from '../versions/images.ts';
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
  /** The images of the workloads the run applied (clients, workloads, scenario fixtures): the report lists them. */
  deployed: Set<string>;
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
