/**
 * npm run controlplane -- up|down|status: a real control plane on this machine, for developing
 * the suite (test equipment; see test/controlplane/controlplane.ts and the README).
 */
import { Command, CommanderError } from 'commander';
import { formatUserError, UserError } from '../harness/cli/errors.ts';
import { Progress } from '../harness/cli/progress.ts';
import { down, stateDir, status, up } from '../test/controlplane/controlplane.ts';

async function main(argv: string[]): Promise<number> {
  let code = 0;
  const progress = () => new Progress(stateDir());
  const program = new Command('controlplane')
    .description('a real Kubernetes + istiod control plane on this machine (simulated nodes), for developing the suite')
    .exitOverride();
  program.command('up').description('build (cached) and start it; prints `export KUBECONFIG=...` last')
    .option('--real-node', 'also join a real worker node (containerd, kubelet, kube-proxy, CoreDNS, istio-cni) where new pods land, for npm run test:real', false)
    .option('--mesh-images <dir>', 'with --real-node: run ztunnel and the waypoint proxies on it from the OCI layout archives in DIR (ztunnel.oci.tar, agentgateway.oci.tar, ...)')
    .action(async (o: { realNode: boolean; meshImages?: string }) => {
      const p = progress();
      const kubeconfig = await up(p.line, (name, fn) => p.step(name, fn), { realNode: o.realNode, meshImages: o.meshImages });
      console.log(`export KUBECONFIG=${kubeconfig}`);
    });
  program.command('down').description('stop what up started, delete the cluster, and check the host is as up found it').action(async () => {
    const failures = await down((l) => console.log(l));
    for (const f of failures) console.error(`teardown failed: ${f}`);
    if (failures.length) code = 1;
  });
  program.command('status').description('say what runs').action(async () => {
    const s = await status();
    console.log(s.lines.join('\n'));
    code = s.running ? 0 : 3;
  });
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (err instanceof UserError) {
      console.error(formatUserError(err));
      return 2;
    }
    console.error(`error: ${(err as Error).message}`);
    return 1;
  }
  return code;
}

// Exit explicitly: HTTP keep-alive sockets to the apiserver would otherwise hold the process open.
process.exit(await main(process.argv.slice(2)));
