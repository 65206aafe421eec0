/**
 * npm run controlplane -- up|down|status: a real control plane on this machine, for developing
 * the suite (test equipment; see equipment/controlplane/controlplane.ts and the README).
 */
import { runMain } from '../harness/cli/main.ts';
import { HELP, main } from '../equipment/controlplane/index.ts';

// runMain exits explicitly: HTTP keep-alive sockets to the apiserver would otherwise hold the process open.
await runMain(HELP, () => main(process.argv.slice(2)));
