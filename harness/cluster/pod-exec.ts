/** A command run in a pod's container over the API server's exec stream, with a deadline on the whole exchange. */
import { PassThrough } from 'node:stream';
import * as k8s from '@kubernetes/client-node';
import { clusterError, type ClusterWhere } from './api-errors.ts';
import type { ExecResult, PodRef } from './types.ts';

/** The exit code comes from the exec stream's final status; the deadline ends the exec with code 124 and says so. */
export function execInPod(kc: k8s.KubeConfig, pod: PodRef, command: string[], timeoutMs: number, where: ClusterWhere): Promise<ExecResult> {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (d) => (stdout += d));
  err.on('data', (d) => (stderr += d));
  const exec = new k8s.Exec(kc);
  return new Promise<ExecResult>((resolve, reject) => {
    let ws: { close(): void } | undefined;
    const timer = setTimeout(() => {
      ws?.close();
      resolve({ stdout, stderr: `${stderr}\nexec deadline of ${timeoutMs}ms passed`, exitCode: 124 });
    }, timeoutMs);
    exec
      .exec(pod.namespace, pod.name, pod.container ?? '', command, out, err, null, false, (status) => {
        clearTimeout(timer);
        // exit code: status Success, or Failure with details.causes[ExitCode] ("command terminated with exit code N")
        const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
        // Without an exit code the exec itself failed (no such container, kubelet unreachable): say why.
        const why =
          status.status !== 'Success' && !cause && status.message ? `${stderr}${stderr ? '\n' : ''}exec failed: ${status.message}` : stderr;
        resolve({ stdout, stderr: why, exitCode: status.status === 'Success' ? 0 : Number(cause?.message ?? 1) });
      })
      .then(
        (w) => (ws = w),
        (e) => {
          clearTimeout(timer);
          reject(clusterError(e, where));
        },
      );
  });
}
