/**
 * npm run report:matrix -- DIR... [--html FILE] [--markdown FILE]
 * Merges report bundles into one table of scenario × bundle (passed / failed / not supported /
 * not run / error), differences first; prints it as Markdown and optionally writes a static HTML page
 * whose cells link to each bundle's report.html and, where outcomes differ, say why.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { EXIT, UserError } from '../errors.ts';
import { buildMatrix, matrixHtml, matrixMarkdown, readColumn } from '../report/matrix.ts';
import { CATALOGUE } from '../../suites/index.ts';

export const HELP = 'npm run report:matrix -- --help';

const program = new Command('report:matrix')
  .description('Merge report bundles into one conformance matrix')
  .argument('<bundles...>', 'report bundle directories (one column each)')
  .option('--html <file>', 'also write the matrix as a static HTML page')
  .option('--markdown <file>', 'also write the Markdown to this file')
  .option('--debug', 'print stack traces with errors')
  .exitOverride()
  .configureOutput({ writeErr: () => {} });

function write(flag: string, file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (err) {
    throw new UserError(
      `${flag} ${file}: cannot write it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      `pass ${flag} with a file in a directory you can write to`,
    );
  }
}

/** The command's body for runMain: parses the command line, runs, prints; its exit code. */
export function main(): number {
  program.parse(process.argv);
  const dirs = program.args;
  const opts = program.opts<{ html?: string; markdown?: string }>();
  const matrix = buildMatrix(dirs.map((d) => readColumn(d, CATALOGUE)));
  const md = matrixMarkdown(matrix);
  if (opts.html) write('--html', opts.html, matrixHtml(matrix, path.dirname(path.resolve(opts.html))));
  if (opts.markdown) write('--markdown', opts.markdown, md);
  console.log(md);
  return EXIT.ok;
}
