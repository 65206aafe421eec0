/**
 * The Pod Security Standards (kubernetes.io/docs/concepts/security/pod-security-standards/), as
 * rules over a pod spec: what a namespace labelled pod-security.kubernetes.io/enforce=<level>
 * admits. The suite labels its scenario namespaces with a level (--pod-security, restricted by
 * default), and holds every pod it deploys to that level (test/unit/runner/pod-security.test.ts).
 */
import type { KubeObject } from '../cluster/types.ts';

export const POD_SECURITY_LEVELS = ['baseline', 'restricted'] as const;
export type PodSecurityLevel = (typeof POD_SECURITY_LEVELS)[number];
export const ENFORCE_LABEL = 'pod-security.kubernetes.io/enforce';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Spec = any;

/** Baseline "Capabilities": what may be added (the doc's list). */
const BASELINE_CAPS = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
/** Baseline "Sysctls": the safe set. */
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
]);
/** Restricted "Volume Types": the only ones allowed. */
const RESTRICTED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);

function containersOf(spec: Spec): Spec[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])];
}

function baseline(spec: Spec): string[] {
  const out: string[] = [];
  const pod = spec.securityContext ?? {};
  for (const k of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (spec[k]) out.push(`${k} is true`);
  for (const v of spec.volumes ?? []) if (v.hostPath) out.push(`volume ${v.name} is a hostPath`);
  for (const s of pod.sysctls ?? []) if (!SAFE_SYSCTLS.has(s.name)) out.push(`sysctl ${s.name} is not in the safe set`);
  if (pod.seccompProfile?.type === 'Unconfined') out.push('pod seccompProfile is Unconfined');
  if (!SELINUX_TYPES.has(pod.seLinuxOptions?.type ?? '')) out.push(`pod seLinuxOptions.type ${pod.seLinuxOptions.type}`);
  for (const c of containersOf(spec)) {
    const sc = c.securityContext ?? {};
    if (sc.privileged) out.push(`container ${c.name} is privileged`);
    for (const cap of sc.capabilities?.add ?? []) if (!BASELINE_CAPS.has(cap)) out.push(`container ${c.name} adds capability ${cap}`);
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`container ${c.name} uses hostPort ${p.hostPort}`);
    if (sc.procMount && sc.procMount !== 'Default') out.push(`container ${c.name} procMount ${sc.procMount}`);
    if (sc.seccompProfile?.type === 'Unconfined') out.push(`container ${c.name} seccompProfile is Unconfined`);
    if (!SELINUX_TYPES.has(sc.seLinuxOptions?.type ?? '')) out.push(`container ${c.name} seLinuxOptions.type ${sc.seLinuxOptions.type}`);
  }
  return out;
}

function restricted(spec: Spec): string[] {
  const out: string[] = [];
  const pod = spec.securityContext ?? {};
  for (const v of spec.volumes ?? []) {
    if (!RESTRICTED_VOLUMES.some((t) => t in v)) out.push(`volume ${v.name} is of a type restricted does not allow`);
  }
  if (pod.runAsUser === 0) out.push('pod runAsUser is 0');
  const podSeccomp = ['RuntimeDefault', 'Localhost'].includes(pod.seccompProfile?.type);
  for (const c of containersOf(spec)) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) out.push(`container ${c.name}: allowPrivilegeEscalation is not false`);
    if (!(sc.runAsNonRoot === true || (pod.runAsNonRoot === true && sc.runAsNonRoot !== false)))
      out.push(`container ${c.name}: runAsNonRoot is not true`);
    if (sc.runAsUser === 0) out.push(`container ${c.name}: runAsUser is 0`);
    if (!podSeccomp && !['RuntimeDefault', 'Localhost'].includes(sc.seccompProfile?.type))
      out.push(`container ${c.name}: seccompProfile is not RuntimeDefault or Localhost`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`container ${c.name}: capabilities do not drop ALL`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') out.push(`container ${c.name}: adds capability ${cap}`);
  }
  return out;
}

/** What keeps a pod spec out of a namespace enforcing `level`; empty when admitted. */
export function podSecurityViolations(spec: Spec, level: PodSecurityLevel): string[] {
  return level === 'baseline' ? baseline(spec) : [...baseline(spec), ...restricted(spec)];
}

/** The pod spec of a workload object (Pod, or a controller's pod template), if it has one. */
export function podSpecOf(o: KubeObject): Spec | undefined {
  if (o.kind === 'Pod') return o.spec;
  return o.spec?.template?.spec ?? o.spec?.jobTemplate?.spec?.template?.spec;
}
