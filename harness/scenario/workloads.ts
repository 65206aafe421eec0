/** The fixture files (under fixtures/workloads/) behind each workload set and shared client a scenario names. */
import type { SharedClient, WorkloadSet } from './types.ts';

/**
 * `echo` has versions v1, v2 and v3; `echo-v1` and `echo-v1-v2` are for scenarios that name fewer
 * versions (test/unit/suites/catalogue-workloads.test.ts holds each scenario to the versions it names):
 * every Deployment fewer is less work for every controller of the cluster, which on a small machine
 * sets the pace of the whole catalogue.
 */
const WORKLOAD_FILES: Record<WorkloadSet, readonly string[]> = {
  echo: ['echo-v1.yaml', 'echo-v2.yaml', 'echo-v3.yaml'],
  'echo-v1': ['echo-v1.yaml'],
  'echo-v1-v2': ['echo-v1.yaml', 'echo-v2.yaml'],
  bookinfo: ['bookinfo.yaml'],
  client: ['client.yaml'],
  'grpc-echo': ['grpc-echo.yaml'],
};

/** The fixture files a workload set deploys. */
export function workloadFiles(set: WorkloadSet): readonly string[] {
  return WORKLOAD_FILES[set];
}

/** The fixture each shared client comes from. */
const CLIENT_FILES: Record<SharedClient, string> = {
  sleep: 'clients.yaml',
  notsleep: 'clients.yaml',
  'sidecar-sleep': 'sidecar-client.yaml',
};

export function clientFile(client: SharedClient): string {
  return CLIENT_FILES[client];
}
