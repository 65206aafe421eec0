/**
 * npm run report:gateway-api -- BUNDLE [--out DIR] [--check]
 * Lays a bundle's Gateway API ConformanceReport out as kubernetes-sigs/gateway-api's conformance/reports/
 * asks (DIR/conformance/reports/v1.6/<organization>-<project>/<channel>-<version>-<mode>-report.yaml and
 * README.md; DIR defaults to the current directory, e.g. a gateway-api checkout). The bundle is verified
 * first; --check also holds the written file against upstream's own suite code (equipment/gateway-api-check,
 * needs Go). Exit 0 written (and agreeing), 1 the bundle is inconsistent, holds no report, or the check
 * found a difference, 2 usage error (bad flags, unreadable bundle, self-test bundle, Go missing for --check).
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { EXIT, UserError } from '../errors.ts';
import { GATEWAY_API_REPORT_FILE } from '../report/gateway-api-report.ts';
import { writeSubmission } from '../report/gateway-api-submission.ts';
import { BundleReadError } from '../report/bundle-files.ts';
import { verifyBundle } from '../report/verify.ts';
import { CATALOGUE } from '../../suites/index.ts';

export const HELP = 'npm run report:gateway-api -- --help';

const program = new Command('report:gateway-api')
  .description("Write a bundle's Gateway API ConformanceReport in the layout of gateway-api's conformance/reports/")
  .argument('<bundle>', 'the report bundle directory (npm run e2e)')
  .option('--out <dir>', 'where conformance/reports/... goes (e.g. a gateway-api checkout)', '.')
  .option('--check', "also check the written report with upstream's own suite code (needs Go)")
  .exitOverride()
  .configureOutput({ writeErr: () => {} });

interface Opts {
  out: string;
  check?: boolean;
}

/** Runs upstream's suite code (equipment/gateway-api-check) with these arguments: its exit code and output. */
export type UpstreamCheck = (args: string[]) => Promise<{ exitCode: number; output: string }>;

async function check(runCheck: UpstreamCheck, bundle: string, file: string): Promise<number> {
  const r = await runCheck(['-report', file, bundle]);
  console.log(r.output.trim());
  return r.exitCode === 0 ? EXIT.ok : r.exitCode === 1 ? EXIT.scenarioFailed : EXIT.usage;
}

/** The command's body for runMain: parses the command line, runs, prints; its exit code. --check runs runCheck. */
export async function main(runCheck: UpstreamCheck): Promise<number> {
  program.parse(process.argv);
  const bundle = program.args[0];
  const opts = program.opts<Opts>();
  if (!existsSync(bundle) || !statSync(bundle).isDirectory())
    throw new UserError(`no such directory: ${bundle}`, `pass the report bundle's directory; see ${HELP}`);
  let verified;
  try {
    verified = verifyBundle(bundle, CATALOGUE);
  } catch (err) {
    if (err instanceof BundleReadError) throw new UserError(err.message, `npm run report:verify -- ${bundle}`);
    throw err;
  }
  const { problems, report } = verified;
  if (problems.length > 0 || !report) {
    for (const p of problems) console.error(`✗ ${p}`);
    console.error(`${bundle}: inconsistent (npm run report:verify -- ${bundle}); a report from it would not be what the suite wrote`);
    return EXIT.scenarioFailed;
  }
  if (report.mode === 'selftest') {
    throw new UserError(
      `${bundle} is a self-test bundle: it measures the suite's model of ambient, not an implementation`,
      'submit the bundle of an npm run e2e run (with --certify for a certification)',
    );
  }
  if (!existsSync(path.join(bundle, GATEWAY_API_REPORT_FILE))) {
    console.error(`${bundle} holds no ${GATEWAY_API_REPORT_FILE}: ${report.gatewayApiConformance?.withheld ?? 'report.yaml gives none'}`);
    return EXIT.scenarioFailed;
  }
  const written = writeSubmission(bundle, report, opts.out);
  console.log(`wrote ${written.report}\n      ${written.readme}`);
  const partial = (written.doc.profiles ?? []).filter(
    (p) => p.core.result !== 'success' || (p.extended && p.extended.result !== 'success'),
  );
  for (const p of partial)
    console.log(`note: ${p.name}: ${p.summary} (upstream lists partial reports apart from successful ones; a failure is not accepted)`);
  if (!/^v?\d+\.\d+\.\d+/.test(written.doc.implementation.version)) {
    console.log(`note: implementation.version "${written.doc.implementation.version}" is not a semver; upstream's README asks for one`);
  }
  if (!opts.check) return EXIT.ok;
  return check(runCheck, bundle, written.report);
}
