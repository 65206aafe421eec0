/**
 * npm run bench -- [--kubeconfig F] [--context C] [--grep RE] [--implementations FILE,...] [--target S] [--connect-timeout S]
 * Times the catalogue's control-plane half on a cluster, for each implementation (its class and the
 * features it claims), with the previous settings (polling only, one object applied at a time, every
 * scenario waits for its own cleanup, --parallel 4) and the current ones (watches, independent setup at
 * once, cleanup verified at the end, parallelism from the cluster), side by side in one session. Both
 * run today's catalogue and set up what it sets up today; only these settings differ.
 * Exits 1 when a control-plane check fails or a current time is over the target.
 */
import { runMain } from '../harness/cli/main.ts';
import { BENCH_HELP, benchMain } from '../harness/cli/bench.ts';

await runMain(BENCH_HELP, benchMain);
