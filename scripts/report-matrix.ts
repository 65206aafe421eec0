/**
 * npm run report:matrix -- DIR... [--html FILE] [--markdown FILE]
 * Merges report bundles into one table of scenario × bundle (passed / failed / not supported /
 * not run / error), differences first; prints it as Markdown and optionally writes a static HTML page
 * whose cells link to each bundle's report.html and, where outcomes differ, say why.
 */
import { runMain } from '../harness/cli/main.ts';
import { HELP, main } from '../harness/cli/report-matrix.ts';

await runMain(HELP, main);
