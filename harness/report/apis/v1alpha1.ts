/**
 * report.yaml, apiVersion waypoint-conformance.dev/v1alpha1: the report's types, one doc comment per
 * field, in the manner of Gateway API's conformance/apis/v1. They are the one definition of the
 * report's shape: harness/report/report.schema.json is generated from them (`npm run schema`;
 * test/unit/report/report-schema.test.ts fails when the file and the types differ), and report:verify checks
 * every bundle against it. Annotations (@minLength, @pattern, ...) are JSON Schema keywords.
 */
import type { Implementation } from '../../claim/implementation.ts';
import type { CheckEvidence, Plane } from '../../checks/check.ts';
import type { MeshFacts } from '../../mesh/mesh.ts';
import type { Outcome } from '../../runner/results.ts';
import type { Lap } from '../../runner/stopwatch.ts';
import type { Feature, Profile } from '../../scenario/types.ts';
import type { GatewayApiProfile } from '../gateway-api-tests.ts';
import type { TestResult } from './gateway-api-v1.ts';

export const REPORT_API_VERSION = 'waypoint-conformance.dev/v1alpha1';
export const REPORT_KIND = 'ConformanceReport';

/** A count of scenarios, checks or requests. @asType integer @minimum 0 */
export type Count = number;

/** A duration or a clock reading, in milliseconds. @minimum 0 */
export type Milliseconds = number;

/** The report of one run of the suite: what ran, on what, and how each scenario and check ended. */
export interface ConformanceReport {
  /** The format of this document. */
  apiVersion: typeof REPORT_API_VERSION;
  kind: typeof REPORT_KIND;
  /** When the report was written, ISO 8601. @pattern ^\d{4}-\d{2}-\d{2}T */
  date: string;
  /** e2e: a run on a cluster; certification: one with --certify and a claim file; selftest: the suite on its model of ambient. */
  mode: 'e2e' | 'selftest' | 'certification';
  /** The planes whose checks ran; a control-plane-only report is no certification. @minItems 1 @uniqueItems true */
  planes: Plane[];
  /** Who made the implementation under test, and the GatewayClass of its waypoints. */
  implementation: Implementation;
  /** What the run ran on and with. */
  environment: Environment;
  /** The features the implementation claims (certification); absent: not claimed. */
  claimedFeatures?: string[];
  /** The profiles the implementation claims (certification). @uniqueItems true */
  claimedProfiles?: Profile[];
  /** The run's own setup failed or was interrupted: the report records the step, never conformance. */
  setup?: SetupRecord;
  /** Per profile: its result and the features found supported and not. */
  profiles: ProfileReport[];
  /** Every selected scenario, in catalogue order. */
  scenarios: ScenarioReport[];
  /** What the Gateway API ConformanceReport of the bundle is computed from. */
  gatewayApiConformance?: GatewayApiConformance;
}

/** What the run ran on: versions, the GatewayClass and the mesh as read from the cluster, the command. */
export interface Environment {
  /** The API server's version. */
  kubernetesVersion: string;
  /** The Istio release installed (or found, with --skip-install). */
  istioVersion?: string;
  /** The Gateway API CRDs installed: release and channel. */
  gatewayApi: { version: string; channel: string };
  /** The GatewayClass the waypoints used, and the controller that Accepted it (the pre-run gate). */
  gatewayClass?: { name: string; controllerName: string };
  /** The mesh as read from the cluster: istiod's namespace and revision, trust domain and aliases, DNS domain. */
  mesh?: MeshFacts;
  /** The kind node image, when the run made a kind cluster. */
  kindNodeImage?: string;
  /** The suite's own version. */
  suiteVersion: string;
  /** The command line of the run. */
  commandLine: string;
  /** Container images the suite deploys itself, as referenced (tag or tag@digest). */
  images: ImageReference[];
}

/** An image reference. @minLength 1 */
export type ImageReference = string;

/** A step of the run itself (install, clients) that failed, or during which it was interrupted. */
export interface SetupRecord {
  /** error: the step failed; interrupted: SIGINT or SIGTERM arrived during it. */
  outcome: 'error' | 'interrupted';
  /** The step, as the run log names it. @minLength 1 */
  step: string;
  /** What broke, on one line. */
  message: string;
  /** What to do about it. */
  fix?: string;
}

/** How the scenarios of one profile ended. */
export interface ProfileReport {
  name: Profile;
  /** success: every scenario passed; failure: one failed or broke; partial: some were not run or not supported. */
  result: 'success' | 'partial' | 'failure';
  /** Scenarios by outcome. */
  summary: Record<Outcome, Count>;
  /** Features the profile's scenarios exercised and no check found unsupported. */
  supportedFeatures: string[];
  /** Features a scenario or a check needed and the implementation does not claim. */
  unsupportedFeatures: string[];
}

/** One scenario: where it comes from upstream, how it ended and why, its checks and where its time went. */
export interface ScenarioReport {
  /** <area>/<name>. @pattern ^[a-z][a-z-]*\/[a-z0-9-]+$ */
  id: string;
  area: string;
  profile: Profile;
  /** The features the scenario needs. */
  features: string[];
  /** Upstream sources of its expectations (repository paths). @minItems 1 */
  source: string[];
  outcome: Outcome;
  durationMs: Milliseconds;
  /** The longest any check took to converge. */
  convergenceMs: Milliseconds;
  /** The run clock's reading when the scenario started (epoch ms on the real clock, virtual ms in the self-test). */
  startedMs?: number;
  /** Why it did not pass; absent when it passed. */
  reason?: string;
  /** The features it needs that the implementation does not claim. */
  unsupportedFeatures?: string[];
  /** The scenario's diagnostics file in the bundle (failed and broken scenarios). @pattern ^diagnostics/[a-z][a-z-]*__[a-z0-9-]+\.yaml$ */
  diagnostics?: string;
  checks: CheckReport[];
  /** Where the time went, step by step and phase by phase. */
  timings: Lap[];
}

/** One check of a scenario's step. */
export interface CheckReport {
  /** The step it belongs to. */
  step: string;
  /** What it checks, in words. */
  check: string;
  plane: Plane;
  outcome: Outcome;
  /** Requests it sent. */
  requests: Count;
  /** What was measured (passed), or why not. */
  detail: string;
  /** The features it needs that the implementation does not claim. */
  unsupportedFeatures?: string[];
  /** What the check expected beside what it saw, for report.html. */
  evidence?: CheckEvidence;
}

/** One Gateway API mesh test: the scenario that measures it and its result in upstream's words. */
export interface TestRecord {
  name: string;
  scenario: string;
  result: TestResult;
}

/** report.yaml's gatewayApiConformance: what the Gateway API report is computed from. */
export interface GatewayApiConformance {
  /** The Gateway API release whose tests and rules apply. @minLength 1 */
  version: string;
  /** The conformance profiles the run enables: those whose core features are supported. @uniqueItems true */
  profiles: GatewayApiProfile[];
  /** The Gateway API features (of the mesh profiles and tests) the run treats as supported. @uniqueItems true */
  supportedFeatures: Feature[];
  tests: TestRecord[];
  /** Why the bundle holds no ConformanceReport; absent when it does. @minLength 1 */
  withheld?: string;
}
