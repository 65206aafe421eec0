/** The e2e command line, parsed and validated with commander. Bad input: a UserError naming the fix. */
import { CommanderError } from 'commander';
import { CLUSTER_TIMING, type Timing } from '../wait.ts';
import { checkIstioRelease } from '../versions/versions.ts';
import { imagesWith } from '../versions/images.ts';
import { parseFeatures } from '../scenario/features.ts';
import { UserError } from '../errors.ts';
import { PLANES, type Plane } from '../checks/check.ts';
import { type PodSecurityLevel } from '../manifests/pod-security.ts';
import type { SetupOptions } from '../platform/options.ts';
import { e2eCommand, GREP_FIX } from './e2e-command.ts';

/** The e2e command line: how to set up (SetupOptions), which scenarios, how to run and report them. */
export interface E2eOptions extends SetupOptions {
  grep?: string;
  list: boolean;
  json: boolean;
  plan: boolean;
  /** Scenarios at once; undefined: chosen from the cluster's nodes. */
  parallel?: number;
  /** The planes whose checks run: both, or the control plane only (--checks control-plane). */
  planes: Plane[];
  timing: Timing;
  certify: boolean;
  implementation?: string;
  features?: string[];
  connectTimeoutMs: number;
  debug: boolean;
  profile: boolean;
  podSecurity: PodSecurityLevel;
  /** Print the ClusterRole a run needs, and exit. */
  printRbac: boolean;
  /** Delete what earlier runs left (namespaces with the suite's ownership labels), and exit. */
  cleanup: boolean;
}

function conflicts(o: Record<string, unknown>, gatewayClassGiven: boolean): void {
  if (o.cluster === 'kind' && (o.context || o.kubeconfig)) {
    throw new UserError(
      '--context and --kubeconfig name an existing cluster',
      'add --cluster existing, or drop them to create a kind cluster',
    );
  }
  if (o.cluster === 'existing' && (o.reuseCluster || o.keepCluster || o.kind)) {
    throw new UserError(
      '--reuse-cluster, --keep-cluster and --kind apply to kind clusters',
      'drop them: an existing cluster is never deleted',
    );
  }
  if (o.cleanup && o.cluster !== 'existing') {
    throw new UserError('--cleanup works on an existing cluster', 'add --cluster existing (and --kubeconfig/--context to name it)');
  }
  if (o.certify && !o.implementation) throw new UserError('--certify needs --implementation FILE', 'see docs/certification.md');
  if (o.certify && o.grep)
    throw new UserError(
      'a certification run cannot be filtered with --grep',
      'drop --grep: certification runs every scenario of the claimed profiles',
    );
  if (o.implementation && o.features)
    throw new UserError('--implementation names the features already', 'drop --features, or edit the implementation file');
  if (o.certify && o.checks === 'control-plane') {
    throw new UserError(
      'a certification needs traffic: --checks control-plane reports every traffic check as not run',
      'drop --checks for a certification run',
    );
  }
  if (o.implementation && gatewayClassGiven)
    throw new UserError(
      '--implementation names the GatewayClass already (gatewayClassName)',
      'drop --gateway-class, or edit the implementation file',
    );
}

/** Parses argv (without node and script). Throws UserError for any bad input. */
export function parseE2eArgs(argv: string[]): E2eOptions {
  const cmd = e2eCommand();
  try {
    cmd.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError && (err.code === 'commander.helpDisplayed' || err.code === 'commander.version')) throw err;
    throw new UserError((err as Error).message.replace(/^error: /, ''), 'see npm run e2e -- --help');
  }
  const o = cmd.opts();
  conflicts(o, cmd.getOptionValueSource('gatewayClass') === 'cli');
  try {
    checkIstioRelease(o.istioVersion);
    if (o.features) parseFeatures(o.features);
    imagesWith(o.image);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  if (o.grep) {
    try {
      new RegExp(o.grep);
    } catch (err) {
      throw new UserError(`--grep ${JSON.stringify(o.grep)} is not a regular expression: ${(err as Error).message}`, GREP_FIX);
    }
  }
  return {
    cluster: o.cluster,
    kubeconfig: o.kubeconfig,
    context: o.context,
    istioVersion: o.istioVersion,
    reuseCluster: o.reuseCluster,
    keepCluster: o.keepCluster || o.reuseCluster,
    skipInstall: o.skipInstall,
    grep: o.grep,
    list: o.list,
    json: o.json,
    plan: o.plan,
    reportDir: o.reportDir,
    parallel: o.parallel,
    planes: o.checks === 'control-plane' ? ['control'] : [...PLANES],
    images: imagesWith(o.image),
    timing: o.timeoutOverrides ?? CLUSTER_TIMING,
    gatewayClass: o.gatewayClass,
    certify: o.certify,
    implementation: o.implementation,
    features: o.features,
    istioctl: o.istioctl,
    kind: o.kind,
    connectTimeoutMs: o.connectTimeout * 1000,
    debug: o.debug,
    profile: o.profile,
    podSecurity: o.podSecurity,
    printRbac: o.printRbac,
    cleanup: o.cleanup,
    ...(o.istioNamespace ? { istioNamespace: o.istioNamespace } : {}),
    ...(o.revision ? { revision: o.revision } : {}),
  };
}
