/** The e2e command line, parsed and validated with commander. Bad input: a UserError naming the fix. */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { CLUSTER_TIMING, type Timing } from '../wait.ts';
import { ISTIO, checkIstioVersion } from '../platform/versions.ts';
import { UserError } from './errors.ts';

export interface E2eOptions {
  cluster: 'kind' | 'existing';
  kubeconfig?: string;
  context?: string;
  istioVersion: string;
  reuseCluster: boolean;
  keepCluster: boolean;
  skipInstall: boolean;
  grep?: string;
  list: boolean;
  json: boolean;
  plan: boolean;
  reportDir: string;
  parallel: number;
  timing: Timing;
  gatewayClass: string;
  certify: boolean;
  implementation?: string;
  features?: string[];
}

function positiveInt(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} takes a positive integer, got "${v}"`);
    return n;
  };
}

const TIMING_KEYS = ['readyTimeoutMs', 'convergeTimeoutMs', 'consecutive', 'intervalMs', 'maxIntervalMs'] as const;

export function parseTimeoutOverrides(spec: string, base: Timing = CLUSTER_TIMING): Timing {
  const out = { ...base };
  for (const pair of spec.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [k, v] = pair.split('=');
    if (!(TIMING_KEYS as readonly string[]).includes(k)) {
      throw new InvalidArgumentError(`unknown timing "${k}"; use ${TIMING_KEYS.join(', ')} as key=value pairs`);
    }
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${k} takes a positive integer, got "${v}"`);
    out[k as (typeof TIMING_KEYS)[number]] = n;
  }
  return out;
}

export function e2eCommand(): Command {
  return new Command('e2e')
    .description('Istio ambient waypoint conformance: create or use a cluster, install, run the scenarios, report, tear down')
    .addOption(new Option('--cluster <kind|existing>', 'create a kind cluster, or use the one named by --kubeconfig/--context').choices(['kind', 'existing']).default('kind'))
    .option('--kubeconfig <file>', 'kubeconfig for --cluster existing (default: $KUBECONFIG or ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context for --cluster existing')
    .option('--istio-version <version>', `Istio release to install (${ISTIO.supportedMinors[0]}.x-${ISTIO.supportedMinors.at(-1)}.x)`, ISTIO.defaultVersion)
    .option('--reuse-cluster', 'reuse the kind cluster if it exists (and keep it)', false)
    .option('--keep-cluster', 'do not delete the kind cluster at the end', false)
    .option('--skip-install', 'install nothing; check that Gateway API CRDs and Istio ambient are present', false)
    .option('--grep <regex>', 'run only scenarios whose id matches')
    .option('--list', 'list the scenarios and exit', false)
    .option('--json', 'with --list: print JSON', false)
    .option('--plan', 'print every step the run would take, and exit (needs no Docker or cluster)', false)
    .option('--report-dir <dir>', 'where the report goes', `reports/${new Date().toISOString().replace(/[:.]/g, '-')}`)
    .addOption(new Option('--parallel <n>', 'scenarios run at once (serial ones run alone)').argParser(positiveInt('--parallel')).default(2))
    .addOption(new Option('--timeout-overrides <k=v,...>', `timing overrides: ${TIMING_KEYS.join(', ')}`).argParser((v) => parseTimeoutOverrides(v)))
    .option('--gateway-class <name>', 'the waypoint implementation\'s GatewayClass', 'istio-waypoint')
    .option('--certify', 'certification run: every scenario of the claimed profiles, no filters', false)
    .option('--implementation <file>', 'YAML naming the implementation, its profiles and features (with --certify)')
    .option('--features <names...>', 'features the implementation supports (default: all, as Istio does)')
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: (s) => process.stdout.write(s) });
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
  if (o.cluster === 'kind' && (o.context || o.kubeconfig)) {
    throw new UserError('--context and --kubeconfig name an existing cluster', 'add --cluster existing, or drop them to create a kind cluster');
  }
  if (o.cluster === 'existing' && (o.reuseCluster || o.keepCluster)) {
    throw new UserError('--reuse-cluster and --keep-cluster apply to kind clusters', 'drop them: an existing cluster is never deleted');
  }
  if (o.certify && !o.implementation) throw new UserError('--certify needs --implementation FILE', 'see docs/certification.md');
  if (o.certify && o.grep) throw new UserError('a certification run cannot be filtered with --grep', 'drop --grep: certification runs every scenario of the claimed profiles');
  if (o.certify && o.features) throw new UserError('a certification run takes its features from --implementation', 'drop --features');
  try {
    checkIstioVersion(o.istioVersion);
  } catch (err) {
    throw new UserError((err as Error).message);
  }
  if (o.grep) {
    try {
      new RegExp(o.grep);
    } catch (err) {
      throw new UserError(`--grep ${JSON.stringify(o.grep)} is not a regular expression: ${(err as Error).message}`);
    }
  }
  return {
    cluster: o.cluster, kubeconfig: o.kubeconfig, context: o.context, istioVersion: o.istioVersion,
    reuseCluster: o.reuseCluster, keepCluster: o.keepCluster || o.reuseCluster, skipInstall: o.skipInstall,
    grep: o.grep, list: o.list, json: o.json, plan: o.plan, reportDir: o.reportDir, parallel: o.parallel,
    timing: o.timeoutOverrides ?? CLUSTER_TIMING, gatewayClass: o.gatewayClass, certify: o.certify,
    implementation: o.implementation, features: o.features,
  };
}
