/**
 * Gateway API's ConformanceReport as upstream's suite writes it: the Go types of kubernetes-sigs/gateway-api
 * conformance/apis/v1 (conformancereport.go, profilereport.go, statistics.go), field for field, with
 * their JSON names, and Implementation.Validate's rules as annotations (JSON Schema keywords).
 * gateway-api-report.schema.json is generated from these types (npm run schema); equipment/gateway-api-check
 * reads the same file with upstream's own code.
 */
import type { GatewayApiProfile } from '../gateway-api-tests.ts';

/** Upstream's resultType words (reports.go), PROVISIONAL_SKIPPED aside: the suite never skips provisional tests. */
export type TestResult = 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'NOT_SUPPORTED';
/** A profile's result (profilereport.go). */
export type Result = 'success' | 'partial' | 'failure';
/** A count of tests. @asType integer @minimum 0 */
export type TestCount = number;
/** A non-empty string: Implementation.Validate refuses an empty one. @minLength 1 */
export type Required = string;

/** statistics.go's Statistics has no json tags, so its keys are the Go field names. */
export interface Statistics {
  Failed: TestCount;
  Passed: TestCount;
  Skipped: TestCount;
}
/** A profile's core or extended status. */
export interface Status {
  failedTests?: string[];
  result: Result;
  skippedTests?: string[];
  statistics: Statistics;
}
/** The extended status also lists the features it supported and did not. */
export interface ExtendedStatus extends Status {
  supportedFeatures?: string[];
  unsupportedFeatures?: string[];
}
/** One conformance profile's results. */
export interface ProfileReport {
  core: Status;
  extended?: ExtendedStatus;
  name: GatewayApiProfile;
  summary: Required;
}
/** Who made the implementation (conformancereport.go's Implementation). */
export interface Implementation {
  /** Implementation.Validate: not empty. @minItems 1 */
  contact: string[];
  organization: Required;
  project: Required;
  url: Required;
  version: Required;
}

/** The ConformanceReport upstream's suite writes (conformancereport.go). */
export interface GatewayApiReport {
  apiVersion: 'gateway.networking.k8s.io/v1';
  /** time.RFC3339: seconds, no fraction. @pattern ^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$ */
  date: string;
  gatewayAPIChannel: Required;
  gatewayAPIVersion: Required;
  implementation: Implementation;
  kind: 'ConformanceReport';
  mode: Required;
  /** No omitempty upstream: a run with no profile writes null. */
  profiles: ProfileReport[] | null;
  succeededProvisionalTests?: string[];
}
