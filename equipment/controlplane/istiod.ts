/**
 * istiod as a local process, configured from what `istioctl install` created: the istiod
 * Deployment's args and env, and the ConfigMaps it mounts written as files under a working
 * directory, where the pod would see them (pilot-discovery reads ./etc/istio/config/mesh and
 * ./var/lib/istio/inject relative to its working directory; istio pilot/cmd/pilot-discovery/app/cmd.go).
 * The Istio 1.31 Deployment mounts neither: when those files are absent istiod watches the `istio`
 * and `istio-sidecar-injector` ConfigMaps through the API (pilot/pkg/bootstrap/mesh.go,
 * sidecarinjector.go), as the pod does, so nothing is written for it and config changes stay live.
 */
import path from 'node:path';
import type { KubeObject } from '../../harness/cluster/types.ts';

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { fieldRef?: { fieldPath: string }; resourceFieldRef?: unknown; secretKeyRef?: unknown; configMapKeyRef?: unknown };
}

interface Container {
  name: string;
  args?: string[];
  env?: EnvVar[];
  volumeMounts?: { name: string; mountPath: string }[];
  readinessProbe?: { httpGet?: { path: string; port: number | string } };
}

export const LOCAL_POD_NAME = 'istiod-local';

function discovery(deployment: KubeObject): Container {
  const containers = (deployment.spec?.template?.spec?.containers ?? []) as Container[];
  const c = containers.find((x) => x.name === 'discovery') ?? containers[0];
  if (!c) throw new Error(`Deployment ${deployment.metadata.name} has no container`);
  return c;
}

export interface ProcessSpec {
  args: string[];
  env: Record<string, string>;
  /** Env vars of the Deployment that have no meaning outside a pod (resource limits, secrets). */
  skipped: string[];
}

/** Downward-API fields a local process can answer for itself. */
function fieldValue(fieldPath: string, deployment: KubeObject): string | undefined {
  const fields: Record<string, string | undefined> = {
    'metadata.name': LOCAL_POD_NAME,
    'metadata.namespace': deployment.metadata.namespace,
    'spec.serviceAccountName': deployment.spec?.template?.spec?.serviceAccountName,
  };
  return fields[fieldPath];
}

export function istiodProcess(deployment: KubeObject, kubeconfig: string): ProcessSpec {
  const c = discovery(deployment);
  const env: Record<string, string> = {};
  const skipped: string[] = [];
  for (const e of c.env ?? []) {
    const v = e.value ?? (e.valueFrom?.fieldRef ? fieldValue(e.valueFrom.fieldRef.fieldPath, deployment) : undefined);
    if (v === undefined && e.valueFrom) skipped.push(e.name);
    else env[e.name] = v ?? '';
  }
  return { args: [...(c.args ?? []), '--kubeconfig', kubeconfig], env, skipped };
}

/** Files of the ConfigMaps the Deployment mounts, as paths relative to the working directory. */
export function configMapFiles(deployment: KubeObject, configMaps: KubeObject[]): Record<string, string> {
  const volumes = (deployment.spec?.template?.spec?.volumes ?? []) as { name: string; configMap?: { name: string; optional?: boolean } }[];
  const files: Record<string, string> = {};
  for (const m of discovery(deployment).volumeMounts ?? []) {
    const source = volumes.find((v) => v.name === m.name)?.configMap;
    if (!source) continue;
    const cmName = source.name;
    const cm = configMaps.find((x) => x.metadata.name === cmName);
    // Optional ones (istio-ca-root-cert) are written by istiod itself once it runs.
    if (!cm && source.optional) continue;
    if (!cm) throw new Error(`the istiod Deployment mounts ConfigMap ${cmName}, which does not exist`);
    for (const [key, value] of Object.entries((cm.data ?? {}) as Record<string, string>)) files[path.join('.', m.mountPath, key)] = value;
  }
  return files;
}

/** The Deployment's readiness probe, as a URL on this machine. */
export function readinessUrl(deployment: KubeObject): string {
  const probe = discovery(deployment).readinessProbe?.httpGet;
  if (!probe) throw new Error('the istiod Deployment has no HTTP readiness probe');
  return `http://127.0.0.1:${probe.port}${probe.path}`;
}
