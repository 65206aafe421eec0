/**
 * npm run selftest [-- --seed N] [--json] [--report-dir DIR] [--grep RE] [--mutant NAME ...] [--implementation FILE]
 * Runs the catalogue against the in-process ambient model and its broken variants. With
 * --implementation, the model is configured like that implementation (class, claimed features,
 * signals) and the outcome is judged against the claim: unclaimed features not supported, the
 * claim's expectedFindings failed, everything else passed.
 */
import '../harness/cli/require-node.ts';
import { Command, Option } from 'commander';
import { CATALOGUE } from '../suites/index.ts';
import { select, UnknownScenarioError } from '../harness/runner/suite-runner.ts';
import { judgeAgainstClaim, runOnModel, SELFTEST_PARALLEL, selfTest, survivors, unseenClose, type ClaimVerdict } from '../test/selftest/selftest.ts';
import { profileLines } from '../harness/report/profile.ts';
import { MUTANTS, type MutantName } from '../test/model/mutations.ts';
import { writeReportBundle } from '../harness/report/bundle.ts';
import { sealBundle } from '../harness/report/seal.ts';
import { exitWithUsageError, formatUserError, UserError } from '../harness/cli/errors.ts';
import { Progress, resultLine } from '../harness/cli/progress.ts';
import { loadImplementation, unknownFindings, type ImplementationClaim } from '../harness/report/implementation.ts';
import type { Implementation } from '../harness/report/model.ts';
import { GATEWAY_API_VERSION } from '../harness/report/gateway-api-tests.ts';
import type { ScenarioResult } from '../harness/runner/results.ts';
import type { Scenario } from '../harness/scenario/types.ts';

const program = new Command('selftest')
  .description('Run the scenario catalogue against the ambient model and its mutants')
  .addOption(new Option('--seed <n>', 'random seed (printed, to replay a failure)').argParser((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new Error(`--seed must be a non-negative integer, got "${v}"`);
    return n;
  }))
  .option('--json', 'print {faithful, mutants} as JSON')
  .option('--report-dir <dir>', 'write the conformance report bundle of the faithful run here')
  .option('--grep <regex>', 'run only the scenarios whose ID matches; with it, mutants run only when named with --mutant')
  .option('--mutant <names...>', `run only these mutants (${Object.keys(MUTANTS).join(', ')})`)
  .option('--implementation <file>', 'configure the model like this implementation file and judge the run against its claim')
  .option('--profile', 'print where the faithful run\'s (virtual) time went')
  .exitOverride()
  .configureOutput({ writeErr: () => {} });

interface Opts { seed?: number; json?: boolean; reportDir?: string; grep?: string; mutant?: string[]; profile?: boolean; implementation?: string }

const MODEL_IMPLEMENTATION: Implementation = {
  organization: 'istio', project: 'ambient model (self-test)', version: 'model', url: 'https://istio.io', contact: [], gatewayClassName: 'istio-waypoint',
};

/** The model implements the Gateway API release whose tests the suite maps (harness/report/gateway-api-tests.ts). */
const MODEL_GATEWAY_API = { version: GATEWAY_API_VERSION, channel: 'experimental' };

async function writeBundle(dir: string, scenarios: Scenario[], results: ScenarioResult[], claim: ImplementationClaim | undefined): Promise<void> {
  await writeReportBundle(dir, {
    results,
    scenarios,
    implementation: claim ? { ...claim.implementation, version: `${claim.implementation.version} (model)` } : MODEL_IMPLEMENTATION,
    environment: { kubernetesVersion: 'v1.34.0', istioVersion: 'model', gatewayApi: MODEL_GATEWAY_API, kindNodeImage: undefined, commandLine: process.argv.slice(1).join(' ') },
    mode: 'selftest',
    planes: ['control', 'data'],
    // Only a certification run claims features; the self-test records the class it was configured like.
    claimedFeatures: undefined,
  });
  sealBundle(dir);
}

function loadClaim(file: string): ImplementationClaim {
  const claim = loadImplementation(file);
  const stale = unknownFindings(claim, CATALOGUE.map((s) => s.id));
  if (stale.length > 0) throw new UserError(`${file}: expectedFindings name scenarios the catalogue does not have: ${stale.join(', ')}`, 'list them with: npm run e2e -- --list');
  return claim;
}

/** The catalogue on the model configured like the claimed implementation, judged against the claim. */
async function implementationRun(opts: Opts, scenarios: Scenario[], claim: ImplementationClaim, seed: number): Promise<number> {
  const runLog = opts.reportDir ? new Progress(opts.reportDir, false) : undefined;
  runLog?.line(`self-test seed ${seed}: ${scenarios.length} scenarios on the model configured like ${claim.implementation.gatewayClassName}`);
  const results = await runOnModel(scenarios, seed, { implementation: claim, log: runLog?.line, onResult: runLog && ((r) => runLog.line(resultLine(r))) });
  if (opts.reportDir) await writeBundle(opts.reportDir, scenarios, results, claim);
  const verdicts = judgeAgainstClaim(scenarios, results, claim);
  const wrong = verdicts.filter((v) => !v.ok);
  if (opts.json) {
    console.log(JSON.stringify({ seed, implementation: claim.implementation.gatewayClassName, verdicts }, null, 2));
  } else {
    printClaimVerdicts(seed, claim, verdicts);
  }
  return wrong.length === 0 ? 0 : 1;
}

function printClaimVerdicts(seed: number, claim: ImplementationClaim, verdicts: ClaimVerdict[]): void {
  const count = (e: string) => verdicts.filter((v) => v.expected === e && v.ok).length;
  console.log(`seed ${seed}, model configured like ${claim.implementation.gatewayClassName} (${claim.implementation.project})`);
  for (const v of verdicts.filter((x) => x.expected === 'failed' && x.ok)) console.log(`  expected finding confirmed: ${v.id}\n    ${v.why}\n    measured: ${v.reason}`);
  for (const v of verdicts.filter((x) => !x.ok)) console.log(`  UNEXPECTED: ${v.id} ended ${v.outcome}, expected ${v.expected} (${v.why})${v.reason ? `: ${v.reason}` : ''}`);
  console.log(`${count('passed')} passed, ${count('not-supported')} not supported (unclaimed features), ${count('failed')} expected findings failed; ` +
    `${verdicts.filter((v) => !v.ok).length} unexpected of ${verdicts.length}`);
  console.log('mutants are not run with --implementation: they test the catalogue against the Istio model (npm run selftest)');
}

async function main(): Promise<number> {
  let opts: Opts;
  try {
    opts = program.parse(process.argv).opts<Opts>();
  } catch (err) {
    return exitWithUsageError(err, 'npm run selftest -- --help');
  }
  let scenarios: Scenario[];
  try {
    scenarios = select(CATALOGUE, { grep: opts.grep });
  } catch (err) {
    if (err instanceof UnknownScenarioError) return exitWithUsageError(err, 'npm run selftest -- --help');
    throw err;
  }
  const unknown = (opts.mutant ?? []).filter((m) => !(m in MUTANTS));
  if (unknown.length > 0) return exitWithUsageError(new Error(`unknown mutant(s): ${unknown.join(', ')}; known: ${Object.keys(MUTANTS).join(', ')}`), 'npm run selftest -- --help');
  const seed = opts.seed ?? Number(process.env.WPT_SEED ?? 1);
  if (opts.implementation) {
    if (opts.mutant) return exitWithUsageError(new Error('--mutant and --implementation do not combine: mutants test the catalogue against the Istio model'), 'npm run selftest -- --help');
    let claim: ImplementationClaim;
    try {
      claim = loadClaim(opts.implementation);
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      console.error(formatUserError(err));
      return 2;
    }
    return implementationRun(opts, scenarios, claim, seed);
  }
  const started = Date.now();
  const runLog = opts.reportDir ? new Progress(opts.reportDir, false) : undefined;
  runLog?.line(`self-test seed ${seed}: ${scenarios.length} scenarios on the ambient model`);
  // A part of the catalogue cannot be expected to catch every mutant: only the named ones run.
  const mutants = (opts.mutant ?? (opts.grep ? [] : undefined)) as MutantName[] | undefined;
  const report = await selfTest(scenarios, seed, mutants, runLog?.line);
  const alive = survivors(report);
  const unseen = unseenClose(report.l4Closes);
  runLog?.line(`ztunnel refusals by curl exit code: ${JSON.stringify(report.l4Closes)}`);
  for (const m of report.mutants) runLog?.line(`mutant ${m.name} (${m.area}): ${m.killedBy.length ? `caught by ${m.killedBy.join(', ')}` : 'SURVIVED'}`);
  if (opts.reportDir) await writeBundle(opts.reportDir, scenarios, report.faithful.results, undefined);
  if (opts.profile) {
    console.log(profileLines(report.faithful.results, SELFTEST_PARALLEL).join('\n'));
  }
  if (opts.json) {
    console.log(JSON.stringify({
      seed,
      faithful: { passed: report.faithful.passed, failed: report.faithful.failed },
      l4Closes: report.l4Closes,
      mutants: report.mutants.map((m) => ({ name: m.name, killedBy: m.killedBy })),
    }, null, 2));
  } else {
    console.log(`seed ${seed}`);
    for (const r of report.faithful.results) if (r.outcome !== 'passed') console.log(`  ${r.outcome.toUpperCase()} on the faithful model: ${r.id}: ${r.reason}`);
    console.log(`faithful model: ${report.faithful.passed} passed, ${report.faithful.failed} failed`);
    const closes = Object.entries(report.l4Closes).map(([c, n]) => `${n}× exit ${c}`).join(', ');
    if (closes) console.log(`ztunnel refused connections as curl sees them: ${closes}${unseen ? ` — ${unseen}` : ''}`);
    if (report.mutants.length > 0) console.log('\nmutant                        area            caught by');
    for (const m of report.mutants) {
      console.log(`${m.name.padEnd(30)}${m.area.padEnd(16)}${m.killedBy.length ? m.killedBy.join(', ') : 'SURVIVED'}`);
    }
    if (opts.grep && !opts.mutant) console.log(`(--grep ${opts.grep}: ${scenarios.length} of ${CATALOGUE.length} scenarios; no mutants, name them with --mutant)`);
    console.log(`\n${report.mutants.length - alive.length} of ${report.mutants.length} mutants caught in ${((Date.now() - started) / 1000).toFixed(1)}s`);
  }
  if (unseen && opts.json) console.error(unseen);
  return report.faithful.failed === 0 && alive.length === 0 && !unseen ? 0 : 1;
}

process.exitCode = await main();
