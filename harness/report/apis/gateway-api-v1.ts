/**
 * Gateway API's ConformanceReport as upstream's suite writes it: the Go types of kubernetes-sigs/gateway-api
 * conformance/apis/v1 (conformancereport.go, profilereport.go, statistics.go), field for field, with
 * their JSON names. gateway-api-report.schema.json holds upstream's validation rules for the same file.
 */
import type { GatewayApiProfile } from '../gateway-api-tests.ts';

/** Upstream's resultType words (reports.go), PROVISIONAL_SKIPPED aside: the suite never skips provisional tests. */
export type TestResult = 'SUCCEEDED' | 'FAILED' | 'SKIPPED' | 'NOT_SUPPORTED';
export type Result = 'success' | 'partial' | 'failure';

export interface Statistics {
  Failed: number;
  Passed: number;
  Skipped: number;
}
export interface Status {
  failedTests?: string[];
  result: Result;
  skippedTests?: string[];
  statistics: Statistics;
}
export interface ExtendedStatus extends Status {
  supportedFeatures?: string[];
  unsupportedFeatures?: string[];
}
export interface ProfileReport {
  core: Status;
  extended?: ExtendedStatus;
  name: GatewayApiProfile;
  summary: string;
}

export interface GatewayApiReport {
  apiVersion: 'gateway.networking.k8s.io/v1';
  date: string;
  gatewayAPIChannel: string;
  gatewayAPIVersion: string;
  implementation: { contact: string[]; organization: string; project: string; url: string; version: string };
  kind: 'ConformanceReport';
  mode: string;
  profiles: ProfileReport[];
  succeededProvisionalTests?: string[];
}
