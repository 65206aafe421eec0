/**
 * npm run report:verify DIR: checks a report bundle; names every problem and exits 1 if any,
 * 2 when the input is unusable (no directory, a file that cannot be parsed).
 */
import '../harness/cli/require-node.ts';
import { existsSync } from 'node:fs';
import { EXIT, reportError } from '../harness/cli/errors.ts';
import { verifyBundle } from '../harness/report/verify.ts';

function main(args: string[]): number {
  const dir = args[0];
  if (!dir || args.length > 1 || !existsSync(dir)) {
    console.error(`error: ${dir ? `no such directory: ${dir}` : 'missing the report directory'}\n  usage: npm run report:verify -- DIR`);
    return EXIT.usage;
  }
  try {
    const problems = verifyBundle(dir);
    for (const p of problems) console.error(`✗ ${p}`);
    console.log(problems.length === 0 ? `✓ ${dir}: report bundle verified` : `${problems.length} problem(s) in ${dir}`);
    return problems.length === 0 ? EXIT.ok : EXIT.scenarioFailed;
  } catch (err) {
    return reportError(err, false);
  }
}

process.exitCode = main(process.argv.slice(2));
