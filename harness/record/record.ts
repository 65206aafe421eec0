/**
 * A scenario is one declarative record: who calls what, expecting which verdict, after which
 * changes, and where upstream defines that behaviour. The runner (harness/runner) executes it; its
 * expectations are those of the registered check kinds (harness/checks/registry.ts).
 */
import type { Expectation } from '../checks/registry.ts';
import type { Action, Area, Feature, NsRole, Profile, WorkloadSet } from '../scenario/types.ts';

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
