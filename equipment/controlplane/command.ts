/**
 * npm run controlplane -- up|down|status: a real control plane on this machine, for developing
 * the suite (test equipment; see equipment/controlplane/controlplane.ts and the README).
 */
import { Command, CommanderError } from 'commander';
import { UserError } from '../../harness/errors.ts';
import { Progress } from '../../harness/cli/progress.ts';
import { down, stateDir, status, up } from './controlplane.ts';
import { parseNamespace, parseRevision, parseTrustDomain } from './mesh-options.ts';

export const HELP = 'npm run controlplane -- --help';

/** The command's body for runMain: up, down or status; its exit code. */
export async function main(argv: string[]): Promise<number> {
  let code = 0;
  const progress = () => new Progress(stateDir());
  const program = new Command('controlplane')
    .description('a real Kubernetes + istiod control plane on this machine (simulated nodes), for developing the suite')
    .option('--debug', 'print stack traces with errors')
    .exitOverride()
    .configureOutput({ writeErr: () => {} });
  program
    .command('up')
    .description('build (cached) and start it; prints `export KUBECONFIG=...` last')
    .option(
      '--real-node',
      'also join a real worker node (containerd, kubelet, kube-proxy, CoreDNS, istio-cni) where new pods land, for npm run test:real',
      false,
    )
    .option(
      '--mesh-images <dir>',
      'with --real-node: run ztunnel and the waypoint proxies on it from the OCI layout archives in DIR (ztunnel.oci.tar, agentgateway.oci.tar, ...)',
    )
    .option('--trust-domain <domain>', "the mesh's trust domain (meshConfig.trustDomain; default cluster.local)", parseTrustDomain)
    .option('--revision <rev>', 'install istiod as this revision (istiod-<rev>, istio.io/rev=<rev>; default unrevisioned)', parseRevision)
    .option('--istio-namespace <ns>', 'install Istio into this namespace (default istio-system)', parseNamespace)
    .action(async (o: { realNode: boolean; meshImages?: string; trustDomain?: string; revision?: string; istioNamespace?: string }) => {
      const p = progress();
      const mesh = { trustDomain: o.trustDomain, revision: o.revision, istioNamespace: o.istioNamespace };
      const kubeconfig = await up(p.line, (name, fn) => p.step(name, fn), { realNode: o.realNode, meshImages: o.meshImages, mesh });
      console.log(`export KUBECONFIG=${kubeconfig}`);
    });
  program
    .command('down')
    .description('stop what up started, delete the cluster, and check the host is as up found it')
    .action(async () => {
      const failures = await down((l) => console.log(l));
      for (const f of failures) console.error(`teardown failed: ${f}`);
      if (failures.length) code = 1;
    });
  program
    .command('status')
    .description('say what runs')
    .action(async () => {
      const s = await status();
      console.log(s.lines.join('\n'));
      code = s.running ? 0 : 3;
    });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    // No command, or one it does not have: say which there are (commander's own help for this goes to stderr, silenced).
    if (err instanceof CommanderError && (err.code === 'commander.help' || err.code === 'commander.unknownCommand')) {
      const commands = program.commands.map((c) => c.name()).join(', ');
      throw new UserError(
        err.code === 'commander.help' ? 'controlplane needs a command' : err.message.replace(/^error: /, ''),
        `npm run controlplane -- <command>, one of: ${commands}`,
      );
    }
    throw err;
  }
  return code;
}
