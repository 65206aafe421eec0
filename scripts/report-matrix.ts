/**
 * npm run report:matrix -- DIR... [--html FILE] [--markdown FILE]
 * Merges report bundles into one table of scenario × bundle (passed / failed / not supported /
 * not run / error), differences first; prints it as Markdown and optionally writes a static HTML page
 * whose cells link to each bundle's report.html and, where outcomes differ, say why.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { exitWithUsageError, formatUserError, UserError } from '../harness/cli/errors.ts';
import { buildMatrix, matrixHtml, matrixMarkdown, readColumn } from '../harness/report/matrix.ts';
import { CATALOGUE } from '../suites/index.ts';

const program = new Command('report:matrix')
  .description('Merge report bundles into one conformance matrix')
  .argument('<bundles...>', 'report bundle directories (one column each)')
  .option('--html <file>', 'also write the matrix as a static HTML page')
  .option('--markdown <file>', 'also write the Markdown to this file')
  .exitOverride()
  .configureOutput({ writeErr: () => {} });

function main(): number {
  let dirs: string[];
  let opts: { html?: string; markdown?: string };
  try {
    program.parse(process.argv);
    dirs = program.args;
    opts = program.opts();
  } catch (err) {
    return exitWithUsageError(err, 'npm run report:matrix -- --help');
  }
  try {
    const matrix = buildMatrix(dirs.map((d) => readColumn(d, CATALOGUE)));
    const md = matrixMarkdown(matrix);
    if (opts.html) writeFileSync(opts.html, matrixHtml(matrix, path.dirname(path.resolve(opts.html))));
    if (opts.markdown) writeFileSync(opts.markdown, md);
    console.log(md);
    return 0;
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    console.error(formatUserError(err));
    return 2;
  }
}

process.exitCode = main();
