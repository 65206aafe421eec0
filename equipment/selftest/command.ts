/**
 * npm run selftest: its command line, its runs (the catalogue with its mutants, or configured like an
 * implementation and judged against its claim), what it prints and its exit code. scripts/selftest.ts runs it.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { CATALOGUE } from '../../suites/index.ts';
import { notRunAll } from '../../harness/runner/plan.ts';
import {
  judgeAgainstClaim,
  runModel,
  SELFTEST_PARALLEL,
  selfTest,
  survivors,
  unseenClose,
  writeSelftestBundle,
  type ClaimVerdict,
} from './selftest.ts';
import { profileLines } from '../../harness/report/profile.ts';
import { MUTANTS, type MutantName } from '../model/mutations.ts';
import { Interrupted, UserError } from '../../harness/errors.ts';
import { exitWith } from '../../harness/cli/main.ts';
import { Progress } from '../../harness/cli/progress.ts';
import { resultLine } from '../../harness/runner/results.ts';
import { prepareReportDir } from '../../harness/cli/report-dir.ts';
import { selectScenarios } from '../../harness/cli/select.ts';
import { Teardown } from '../../harness/undo.ts';
import type { SetupFailure } from '../../harness/runner/results.ts';
import { loadImplementation, unknownFindings, type ImplementationClaim } from '../../harness/claim/implementation.ts';
import type { ScenarioResult } from '../../harness/runner/results.ts';
import type { Scenario } from '../../harness/record/record.ts';

const program = new Command('selftest')
  .description('Run the scenario catalogue against the ambient model and its mutants')
  .addOption(
    new Option('--seed <n>', 'random seed (printed, to replay a failure)').argParser((v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`--seed must be a non-negative integer, got "${v}"`);
      return n;
    }),
  )
  .option('--json', 'print {faithful, mutants} as JSON')
  .option('--report-dir <dir>', 'write the conformance report bundle of the faithful run here')
  .option('--grep <regex>', 'run only the scenarios whose ID matches; with it, mutants run only when named with --mutant')
  .option('--mutant <names...>', `run only these mutants (${Object.keys(MUTANTS).join(', ')})`)
  .option('--implementation <file>', 'configure the model like this implementation file and judge the run against its claim')
  .option('--profile', "print where the faithful run's (virtual) time went")
  .option('--debug', 'print stack traces with errors')
  .exitOverride()
  .configureOutput({ writeErr: () => {} });

interface Opts {
  seed?: number;
  json?: boolean;
  reportDir?: string;
  grep?: string;
  mutant?: string[];
  profile?: boolean;
  implementation?: string;
}

/** The self-test's bundle: its model in the environment (report:verify holds such a bundle to mode selftest). */
const writeBundle = (
  dir: string,
  scenarios: Scenario[],
  results: ScenarioResult[],
  images: string[],
  claim: ImplementationClaim | undefined,
  setup?: SetupFailure,
) => writeSelftestBundle(dir, { scenarios, results, images, claim, setup, commandLine: process.argv.slice(1).join(' ') });

function loadClaim(file: string): ImplementationClaim {
  const claim = loadImplementation(file);
  const stale = unknownFindings(
    claim,
    CATALOGUE.map((s) => s.id),
  );
  if (stale.length > 0)
    throw new UserError(
      `${file}: expectedFindings name scenarios the catalogue does not have: ${stale.join(', ')}`,
      'list them with: npm run e2e -- --list',
    );
  return claim;
}

/** The catalogue on the model configured like the claimed implementation, judged against the claim. */
async function implementationRun(
  opts: Opts,
  scenarios: Scenario[],
  claim: ImplementationClaim,
  seed: number,
  runLog: Progress | undefined,
  finishing: () => void,
): Promise<number> {
  runLog?.line(
    `self-test seed ${seed}: ${scenarios.length} scenarios on the model configured like ${claim.implementation.gatewayClassName}`,
  );
  const { results, images } = await runModel(scenarios, seed, {
    implementation: claim,
    log: runLog?.line,
    onResult: runLog && ((r) => runLog.line(resultLine(r))),
  });
  finishing();
  if (opts.reportDir) await writeBundle(opts.reportDir, scenarios, results, images, claim);
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
  for (const v of verdicts.filter((x) => x.expected === 'failed' && x.ok))
    console.log(`  expected finding confirmed: ${v.id}\n    ${v.why}\n    measured: ${v.reason}`);
  for (const v of verdicts.filter((x) => !x.ok))
    console.log(`  UNEXPECTED: ${v.id} ended ${v.outcome}, expected ${v.expected} (${v.why})${v.reason ? `: ${v.reason}` : ''}`);
  console.log(
    `${count('passed')} passed, ${count('not-supported')} not supported (unclaimed features), ${count('failed')} expected findings failed; ` +
      `${verdicts.filter((v) => !v.ok).length} unexpected of ${verdicts.length}`,
  );
  console.log('mutants are not run with --implementation: they test the catalogue against the Istio model (npm run selftest)');
}

export const SELFTEST_HELP = 'npm run selftest -- --help';
const HELP = SELFTEST_HELP;

/**
 * SIGINT or SIGTERM with --report-dir: the directory gets a sealed record of the interrupted run
 * (report:verify accepts it as such) instead of a run.log without a seal; then exit 130.
 */
function onInterrupt(
  opts: Opts,
  scenarios: Scenario[],
  claim: ImplementationClaim | undefined,
  runLog: Progress | undefined,
): { finishing: () => void } {
  const teardown = new Teardown();
  let finishing = false;
  teardown.onSignals(
    runLog?.line ?? (() => {}),
    () =>
      void (async () => {
        // The run has ended and its report is being written: that finishes first.
        if (finishing) return;
        const signal = teardown.received ?? 'a signal';
        if (opts.reportDir) {
          const setup: SetupFailure = {
            outcome: 'interrupted',
            step: 'self-test scenarios',
            message: `interrupted by ${signal}`,
            fix: 'run again',
          };
          await writeBundle(opts.reportDir, scenarios, notRunAll(scenarios, `interrupted by ${signal}`), [], claim, setup);
        }
        exitWith(
          new Interrupted(
            `interrupted by ${signal}`,
            opts.reportDir ? `the report in ${opts.reportDir} records the interruption; run again` : 'run again',
          ),
          HELP,
        );
      })(),
  );
  return { finishing: () => (finishing = true) };
}

/** The self-test's body for runMain: parses the command line, runs, prints; its exit code. */
export async function selftestMain(): Promise<number> {
  const opts = program.parse(process.argv).opts<Opts>();
  const scenarios = selectScenarios(CATALOGUE, opts.grep);
  const unknown = (opts.mutant ?? []).filter((m) => !(m in MUTANTS));
  if (unknown.length > 0)
    throw new UserError(`unknown mutant(s): ${unknown.join(', ')}`, `known mutants: ${Object.keys(MUTANTS).join(', ')}`);
  if (opts.implementation && opts.mutant)
    throw new UserError(
      '--mutant and --implementation do not combine: mutants test the catalogue against the Istio model',
      'drop one of them',
    );
  const claim = opts.implementation ? loadClaim(opts.implementation) : undefined;
  if (opts.reportDir) prepareReportDir(opts.reportDir);
  const seed = opts.seed ?? Number(process.env.WPT_SEED ?? 1);
  const runLog = opts.reportDir ? new Progress(opts.reportDir, false) : undefined;
  const interrupt = onInterrupt(opts, scenarios, claim, runLog);
  if (claim) return implementationRun(opts, scenarios, claim, seed, runLog, interrupt.finishing);
  const started = Date.now();
  runLog?.line(`self-test seed ${seed}: ${scenarios.length} scenarios on the ambient model`);
  // A part of the catalogue cannot be expected to catch every mutant: only the named ones run.
  const mutants = (opts.mutant ?? (opts.grep ? [] : undefined)) as MutantName[] | undefined;
  const report = await selfTest(scenarios, seed, mutants, runLog?.line);
  const alive = survivors(report);
  const unseen = unseenClose(report.l4Closes);
  runLog?.line(`ztunnel refusals by curl exit code: ${JSON.stringify(report.l4Closes)}`);
  for (const m of report.mutants)
    runLog?.line(`mutant ${m.name} (${m.area}): ${m.killedBy.length ? `caught by ${m.killedBy.join(', ')}` : 'SURVIVED'}`);
  interrupt.finishing();
  if (opts.reportDir) await writeBundle(opts.reportDir, scenarios, report.faithful.results, report.faithful.images, undefined);
  if (opts.profile) {
    console.log(profileLines(report.faithful.results, SELFTEST_PARALLEL).join('\n'));
  }
  if (opts.json) {
    console.log(
      JSON.stringify(
        {
          seed,
          faithful: { passed: report.faithful.passed, failed: report.faithful.failed },
          l4Closes: report.l4Closes,
          mutants: report.mutants.map((m) => ({ name: m.name, killedBy: m.killedBy })),
        },
        null,
        2,
      ),
    );
  } else {
    console.log(`seed ${seed}`);
    for (const r of report.faithful.results)
      if (r.outcome !== 'passed') console.log(`  ${r.outcome.toUpperCase()} on the faithful model: ${r.id}: ${r.reason}`);
    console.log(`faithful model: ${report.faithful.passed} passed, ${report.faithful.failed} failed`);
    const closes = Object.entries(report.l4Closes)
      .map(([c, n]) => `${n}× exit ${c}`)
      .join(', ');
    if (closes) console.log(`ztunnel refused connections as curl sees them: ${closes}${unseen ? ` — ${unseen}` : ''}`);
    if (report.mutants.length > 0) console.log('\nmutant                        area            caught by');
    for (const m of report.mutants) {
      console.log(`${m.name.padEnd(30)}${m.area.padEnd(16)}${m.killedBy.length ? m.killedBy.join(', ') : 'SURVIVED'}`);
    }
    if (opts.grep && !opts.mutant)
      console.log(`(--grep ${opts.grep}: ${scenarios.length} of ${CATALOGUE.length} scenarios; no mutants, name them with --mutant)`);
    console.log(
      `\n${report.mutants.length - alive.length} of ${report.mutants.length} mutants caught in ${((Date.now() - started) / 1000).toFixed(1)}s`,
    );
  }
  if (unseen && opts.json) console.error(unseen);
  return report.faithful.failed === 0 && alive.length === 0 && !unseen ? 0 : 1;
}
