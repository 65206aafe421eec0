/** The e2e command's options as commander declares them, and the parsers that check each value. */
import { Command, InvalidArgumentError, Option } from 'commander';
import { CLUSTER_TIMING, type Timing } from '../wait.ts';
import { ISTIO } from '../versions/versions.ts';
import { EXIT_CODES_HELP } from './exit-codes-help.ts';
import { POD_SECURITY_LEVELS } from '../manifests/pod-security.ts';

export const MAX_PARALLEL = 64;

/** What to do about a --grep that is no regular expression (every command with --grep says the same). */
export const GREP_FIX =
  '--grep takes a JavaScript regular expression over scenario ids: put a backslash before ( ) [ ] { } . * + ? | ^ $ to match it as it is, or pass part of an id (`npm run e2e -- --list` lists them), e.g. --grep ^routing/';
const DEFAULT_GATEWAY_CLASS = 'istio-waypoint';

function positiveInt(name: string, max = Number.MAX_SAFE_INTEGER) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1 || n > max) throw new InvalidArgumentError(`${name} takes an integer from 1 to ${max}, got "${v}"`);
    return n;
  };
}

/** A flag's value that is itself a flag (`--report-dir --plan`) is a missing value, not a directory named --plan. */
function value(name: string) {
  return (v: string) => {
    if (v.startsWith('--')) throw new InvalidArgumentError(`${name} needs a value, got the flag ${v}`);
    return v;
  };
}

/** A GatewayClass name is a DNS subdomain (RFC 1123): lowercase alphanumerics, '-' and '.', at most 253. */
export const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function gatewayClassName(v: string): string {
  const name = value('--gateway-class')(v);
  if (!DNS_SUBDOMAIN.test(name)) {
    throw new InvalidArgumentError(
      `--gateway-class takes a GatewayClass name (lowercase letters, digits, '-' and '.'), got ${JSON.stringify(name)}; e.g. --gateway-class ${DEFAULT_GATEWAY_CLASS}`,
    );
  }
  return name;
}

function values(name: string) {
  const one = value(name);
  return (v: string, prev: string[] | undefined) => [...(prev ?? []), one(v)];
}

const TIMING_KEYS = ['readyTimeoutMs', 'convergeTimeoutMs', 'consecutive', 'intervalMs', 'maxIntervalMs'] as const;

export function parseTimeoutOverrides(spec: string, base: Timing = CLUSTER_TIMING): Timing {
  const out = { ...base };
  for (const pair of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [k, v] = pair.split('=');
    if (!(TIMING_KEYS as readonly string[]).includes(k)) {
      throw new InvalidArgumentError(`unknown timing "${k}"; use ${TIMING_KEYS.join(', ')} as key=value pairs`);
    }
    out[k as (typeof TIMING_KEYS)[number]] = positiveInt(k)(v ?? '');
  }
  return out;
}

const opt = (flags: string, description: string, name: string) => new Option(flags, description).argParser(value(name));

export function e2eCommand(): Command {
  return new Command('e2e')
    .description('Istio ambient waypoint conformance: create or use a cluster, install, run the scenarios, report, tear down')
    .addOption(
      new Option('--cluster <kind|existing>', 'create a kind cluster, or use the one named by --kubeconfig/--context')
        .choices(['kind', 'existing'])
        .default('kind'),
    )
    .addOption(opt('--kubeconfig <file>', 'kubeconfig for --cluster existing (default: $KUBECONFIG or ~/.kube/config)', '--kubeconfig'))
    .addOption(opt('--context <name>', 'kubeconfig context for --cluster existing', '--context'))
    .addOption(
      opt(
        '--istio-version <version>',
        `Istio release to install (${ISTIO.supportedMinors[0]}.x-${ISTIO.supportedMinors.at(-1)}.x)`,
        '--istio-version',
      ).default(ISTIO.defaultVersion),
    )
    .option('--reuse-cluster', 'reuse the kind cluster if it exists (and keep it)', false)
    .option('--keep-cluster', 'do not delete the kind cluster at the end', false)
    .option('--skip-install', 'install nothing; check that Gateway API CRDs and Istio ambient are present', false)
    .addOption(opt('--grep <regex>', 'run only scenarios whose id matches', '--grep'))
    .option('--list', 'list the scenarios and exit', false)
    .option('--json', 'with --list: print JSON', false)
    .option('--plan', 'print every step the run would take, and exit (needs no Docker or cluster)', false)
    .addOption(
      opt('--report-dir <dir>', 'where the report goes', '--report-dir').default(
        `reports/${new Date().toISOString().replace(/[:.]/g, '-')}`,
      ),
    )
    .addOption(new Option('--parallel <n>', `scenarios run at once, 1-${MAX_PARALLEL}`).argParser(positiveInt('--parallel', MAX_PARALLEL)))
    .addOption(
      new Option(
        '--checks <all|control-plane>',
        'control-plane: only the checks that read what controllers write; traffic checks are reported as not run',
      )
        .choices(['all', 'control-plane'])
        .default('all'),
    )
    .addOption(
      new Option('--timeout-overrides <k=v,...>', `timing overrides: ${TIMING_KEYS.join(', ')}`).argParser((v) => parseTimeoutOverrides(v)),
    )
    .addOption(
      new Option('--connect-timeout <seconds>', 'how long the cluster may take to answer its first request')
        .argParser(positiveInt('--connect-timeout', 3600))
        .default(30),
    )
    .addOption(
      new Option('--gateway-class <name>', "the waypoint implementation's GatewayClass")
        .argParser(gatewayClassName)
        .default(DEFAULT_GATEWAY_CLASS),
    )
    .option('--certify', 'certification run: every scenario of the claimed profiles, no filters', false)
    .addOption(
      opt(
        '--implementation <file>',
        'YAML naming the implementation, its GatewayClass (and controllerName), profiles and features',
        '--implementation',
      ),
    )
    .addOption(
      new Option(
        '--features <names...>',
        'features the implementation supports (default: what the file in implementations/ for the class claims, else all)',
      ).argParser(values('--features')),
    )
    .addOption(
      opt(
        '--istioctl <path>',
        'use this istioctl (default: istioctl on PATH if its version matches, else the cache or a download)',
        '--istioctl',
      ),
    )
    .addOption(opt('--kind <path>', 'use this kind (default: kind on PATH if its version matches, else the cache or a download)', '--kind'))
    .addOption(
      new Option(
        '--image <key=ref...>',
        'deploy this image instead of the pinned one (a private mirror): curl=REF, echo=REF, bookinfo-hub=HUB, bookinfo-tag=TAG',
      ).argParser(values('--image')),
    )
    .addOption(
      opt(
        '--istio-namespace <ns>',
        'the namespace istiod runs in (default: read from the cluster, else istio-system)',
        '--istio-namespace',
      ),
    )
    .addOption(
      opt(
        '--revision <rev>',
        "the Istio revision to run against (default: read from istiod's istio.io/rev label, else unrevisioned)",
        '--revision',
      ),
    )
    .addOption(
      new Option('--pod-security <level>', "the Pod Security level the run's namespaces enforce (pod-security.kubernetes.io/enforce)")
        .choices([...POD_SECURITY_LEVELS])
        .default('restricted'),
    )
    .option('--print-rbac', 'print the ClusterRole (and a ServiceAccount bound to it) a run on an existing cluster needs, and exit', false)
    .option(
      '--cleanup',
      'list, then delete, what earlier runs left on the cluster (namespaces labelled app.kubernetes.io/managed-by=waypoint-conformance), and exit',
      false,
    )
    .option('--debug', 'print stack traces with errors', false)
    .option('--profile', "print where the run's time went: per phase, the slowest steps, the critical path", false)
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({ writeErr: () => {}, writeOut: (s) => process.stdout.write(s) });
}
