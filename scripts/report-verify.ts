/** npm run report:verify DIR: checks a report bundle; names every problem and exits 1 if any. */
import '../harness/cli/require-node.ts';
import { existsSync } from 'node:fs';
import { verifyBundle } from '../harness/report/verify.ts';

const dir = process.argv[2];
if (!dir || process.argv.length > 3 || !existsSync(dir)) {
  console.error(`error: ${dir ? `no such directory: ${dir}` : 'missing the report directory'}\n  usage: npm run report:verify -- DIR`);
  process.exitCode = 2;
} else {
  const problems = verifyBundle(dir);
  for (const p of problems) console.error(`✗ ${p}`);
  console.log(problems.length === 0 ? `✓ ${dir}: report bundle verified` : `${problems.length} problem(s) in ${dir}`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
