/** Every step a run would take, in order, with versions and manifests. Touches nothing. */
import { istioSettingsFor } from '../versions/versions.ts';
import type { Scenario } from '../record/record.ts';
import type { SetupOptions } from './options.ts';
import { expectedController } from './install/gateway-class.ts';
import { DEFAULT_ISTIO_NAMESPACE, WAYPOINT_SECCOMP_SETTING } from '../mesh/mesh.ts';
import { gatewayApiFor, ISTIO, KIND, METALLB, metallbManifest, istioArchiveUrl, kindBinaryUrl } from '../versions/versions.ts';

export function plan(o: SetupOptions, scenarios: Scenario[]): string[] {
  const gw = gatewayApiFor(o.istioVersion);
  const steps: string[] = [];
  const add = (s: string) => steps.push(`${steps.length + 1}. ${s}`);
  add(
    o.cluster === 'kind'
      ? 'preflight: Docker reachable, 4 CPUs / 8 GiB for kind, Istio version supported'
      : `preflight: context ${o.context ?? '(current)'} exists and answers, Istio version supported`,
  );
  if (o.cluster === 'kind') {
    add(
      `tools: kind ${KIND.version} (--kind, else PATH if the version matches, else $WPT_CACHE_DIR or ${kindBinaryUrl()}, sha256 from .sha256sum)`,
    );
    add(
      `cluster: kind ${o.reuseCluster ? 'reuse or create' : 'create'} "${KIND.clusterName}" (1 control plane, 2 workers, image ${KIND.nodeImage}, --wait 180s, up to 3 attempts)`,
    );
  } else {
    add(
      `cluster: use existing context ${o.context ?? '(current)'}; nothing of the user's is deleted (the permissions a run needs: --print-rbac)`,
    );
  }
  if (o.skipInstall) {
    add('install: skipped (--skip-install); check that the Gateway API CRDs, istiod, istio-cni and ztunnel are present');
  } else {
    if (o.cluster === 'kind')
      add(
        `MetalLB ${METALLB.version}: apply ${metallbManifest().url} (sha256 ${metallbManifest().sha256.slice(0, 12)}…), wait for metallb-system pods, IPAddressPool from the docker network "kind" IPv4 subnet + L2Advertisement`,
      );
    add(
      `Gateway API CRDs ${gw.version} (${gw.channel} channel): server-side apply the ${gw.files.length} sha256-pinned files of ${gw.source}, wait Established`,
    );
    add(
      `tools: istioctl ${o.istioVersion} (--istioctl, else PATH if the version matches, else $WPT_CACHE_DIR or ${istioArchiveUrl(o.istioVersion)}, sha256 from .sha256)`,
    );
    const extra = istioSettingsFor(o.gatewayClass, o.istioVersion)
      .map((v) => ` --set ${v}`)
      .join('');
    add(
      `Istio ${o.istioVersion} ambient: istioctl install --set profile=ambient --set meshConfig.accessLogFile=/dev/stdout --set ${WAYPOINT_SECCOMP_SETTING}${extra} --skip-confirmation; wait for istiod, istio-cni-node, ztunnel`,
    );
  }
  add(meshStep(o));
  add(
    `Pod Security: every namespace the run makes enforces ${o.podSecurity ?? 'restricted'} (--pod-security); with restricted, istiod must give waypoints a seccompProfile (values.gateways.seccompProfile), else stop with a configuration error`,
  );
  add(
    `GatewayClass ${o.gatewayClass}: exists, Accepted, controller ${expectedController(o.gatewayClass) ?? '(from the implementation file, or any)'}; otherwise stop with a configuration error`,
  );
  add(
    `workloads: clients sleep and notsleep (own ServiceAccounts, ${o.images.curl}) in an ambient namespace; per scenario: echo ${o.images.echo}, gRPC echo ${o.images.grpcEcho} or bookinfo ${o.images.bookinfoHub}/examples-bookinfo-*:${o.images.bookinfoTag}${scenarioClients(o, scenarios)}`,
  );
  add(`scenarios: ${scenarios.length} with gateway class ${o.gatewayClass}: ${scenarios.map((s) => s.id).join(', ')}`);
  add(
    `report: ${o.reportDir}/report.yaml, junit.xml, summary.md, run.log, evidence.json; diagnostics/ per failed scenario (curl output, status, events, waypoint and ztunnel logs, istioctl ztunnel-config all, proxy-status, waypoint list)`,
  );
  add(
    `teardown: scenario namespaces and clients${o.cluster === 'kind' && !o.keepCluster && !o.reuseCluster ? `, then the kind cluster "${KIND.clusterName}"` : o.skipInstall ? '' : '; installed components stay on a kept or existing cluster'}`,
  );
  steps.push(`(supported Istio: ${ISTIO.supportedMinors.join(', ')}; default ${ISTIO.defaultVersion})`);
  return steps;
}

/** What the run reads of the mesh instead of assuming it (harness/mesh/mesh.ts). */
function meshStep(o: SetupOptions): string {
  const where = o.istioNamespace ?? `${DEFAULT_ISTIO_NAMESPACE}, else any namespace`;
  const rev = o.revision ? `revision ${o.revision} (--revision)` : 'revision from its istio.io/rev label';
  return (
    `mesh: read istiod (app=istiod in ${where}; ${rev}), the trust domain and aliases from ConfigMap ${o.revision ? `istio-${o.revision}` : 'istio[-<revision>]'} (data.mesh), ` +
    `the DNS domain from istiod's --domain; principals are <trust domain>/ns/..., URLs <service>.<namespace>.svc.<DNS domain>`
  );
}

/** Scenarios that call from their own namespaces deploy a curl client there (workload set `client`). */
function scenarioClients(o: SetupOptions, scenarios: Scenario[]): string {
  const ids = scenarios.filter((s) => Object.values(s.workloads).some((sets) => sets.includes('client'))).map((s) => s.id);
  return ids.length > 0 ? `; client (own ServiceAccount, ${o.images.curl}) in the namespaces of ${ids.join(', ')}` : '';
}
