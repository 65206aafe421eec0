/**
 * npm run schema: writes harness/report/report.schema.json from the report's types (maintainers,
 * after changing harness/report/apis/v1alpha1.ts; test/unit/report/report-schema.test.ts fails until they do).
 */
import '../harness/cli/require-node.ts';
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { EXIT } from '../harness/errors.ts';
import { runMain } from '../harness/cli/main.ts';
import { REPORT_SCHEMA, reportSchemaText } from './schema/report-schema.ts';

const program = new Command('schema')
  .description('Write harness/report/report.schema.json from the report types (harness/report/apis/v1alpha1.ts)')
  .option('--debug', 'print stack traces with errors')
  .exitOverride()
  .configureOutput({ writeErr: () => {} });

await runMain('npm run schema -- --help', () => {
  program.parse(process.argv);
  writeFileSync(REPORT_SCHEMA, reportSchemaText());
  console.log(`wrote ${REPORT_SCHEMA}`);
  return EXIT.ok;
});
