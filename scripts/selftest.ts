/**
 * npm run selftest [-- --seed N] [--json] [--report-dir DIR] [--mutant NAME ...]
 * Runs the catalogue against the in-process ambient model and its broken variants.
 */
import '../harness/cli/require-node.ts';
import { Command, Option } from 'commander';
import { CATALOGUE } from '../suites/index.ts';
import { SELFTEST_PARALLEL, selfTest, survivors } from '../test/selftest/selftest.ts';
import { profileLines } from '../harness/report/profile.ts';
import { MUTANTS, type MutantName } from '../test/model/mutations.ts';
import { writeReportBundle } from '../harness/report/bundle.ts';
import { sealBundle } from '../harness/report/seal.ts';
import { exitWithUsageError } from '../harness/cli/errors.ts';
import { Progress } from '../harness/cli/progress.ts';

const program = new Command('selftest')
  .description('Run the scenario catalogue against the ambient model and its mutants')
  .addOption(new Option('--seed <n>', 'random seed (printed, to replay a failure)').argParser((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--seed must be a non-negative integer, got "${v}"`);
    return n;
  }))
  .option('--json', 'print {faithful, mutants} as JSON')
  .option('--report-dir <dir>', 'write the conformance report bundle of the faithful run here')
  .option('--mutant <names...>', `run only these mutants (${Object.keys(MUTANTS).join(', ')})`)
  .option('--profile', 'print where the faithful run\'s (virtual) time went')
  .exitOverride()
  .configureOutput({ writeErr: () => {} });

async function main(): Promise<number> {
  let opts;
  try {
    opts = program.parse(process.argv).opts<{ seed?: number; json?: boolean; reportDir?: string; mutant?: string[]; profile?: boolean }>();
  } catch (err) {
    return exitWithUsageError(err, 'npm run selftest -- --help');
  }
  const unknown = (opts.mutant ?? []).filter((m) => !(m in MUTANTS));
  if (unknown.length > 0) return exitWithUsageError(new Error(`unknown mutant(s): ${unknown.join(', ')}; known: ${Object.keys(MUTANTS).join(', ')}`), 'npm run selftest -- --help');
  const seed = opts.seed ?? Number(process.env.WPT_SEED ?? 1);
  const started = Date.now();
  const runLog = opts.reportDir ? new Progress(opts.reportDir, false) : undefined;
  runLog?.line(`self-test seed ${seed}: ${CATALOGUE.length} scenarios on the ambient model`);
  const report = await selfTest(CATALOGUE, seed, opts.mutant as MutantName[] | undefined, runLog?.line);
  const alive = survivors(report);
  for (const m of report.mutants) runLog?.line(`mutant ${m.name} (${m.area}): ${m.killedBy.length ? `caught by ${m.killedBy.join(', ')}` : 'SURVIVED'}`);
  if (opts.reportDir) {
    await writeReportBundle(opts.reportDir, {
      results: report.faithful.results,
      scenarios: CATALOGUE,
      implementation: { organization: 'istio', project: 'ambient model (self-test)', version: 'model', url: 'https://istio.io', contact: [], gatewayClassName: 'istio-waypoint' },
      environment: { kubernetesVersion: 'v1.34.0', istioVersion: 'model', gatewayApi: { version: 'model', channel: 'experimental' }, kindNodeImage: undefined, commandLine: process.argv.slice(1).join(' ') },
      mode: 'selftest',
      planes: ['control', 'data'],
      claimedFeatures: undefined,
    });
    sealBundle(opts.reportDir);
  }
  if (opts.profile) {
    const serial = new Set(CATALOGUE.filter((s) => s.serial).map((s) => s.id));
    console.log(profileLines(report.faithful.results, serial, SELFTEST_PARALLEL).join('\n'));
  }
  if (opts.json) {
    console.log(JSON.stringify({
      seed,
      faithful: { passed: report.faithful.passed, failed: report.faithful.failed },
      mutants: report.mutants.map((m) => ({ name: m.name, killedBy: m.killedBy })),
    }, null, 2));
  } else {
    console.log(`seed ${seed}`);
    for (const r of report.faithful.results) if (r.outcome !== 'passed') console.log(`  ${r.outcome.toUpperCase()} on the faithful model: ${r.id}: ${r.reason}`);
    console.log(`faithful model: ${report.faithful.passed} passed, ${report.faithful.failed} failed`);
    console.log('\nmutant                        area            caught by');
    for (const m of report.mutants) {
      console.log(`${m.name.padEnd(30)}${m.area.padEnd(16)}${m.killedBy.length ? m.killedBy.join(', ') : 'SURVIVED'}`);
    }
    console.log(`\n${report.mutants.length - alive.length} of ${report.mutants.length} mutants caught in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
  return report.faithful.failed === 0 && alive.length === 0 ? 0 : 1;
}

process.exitCode = await main();
