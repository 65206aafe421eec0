/**
 * npm run schema: writes harness/report/report.schema.json from the report's types (maintainers,
 * after changing harness/report/apis/v1alpha1.ts; test/unit/report-schema.test.ts fails until they do).
 */
import '../harness/cli/require-node.ts';
import { writeFileSync } from 'node:fs';
import { EXIT, UserError } from '../harness/errors.ts';
import { runMain } from '../harness/cli/main.ts';
import { REPORT_SCHEMA, reportSchemaText } from './schema/report-schema.ts';

await runMain('npm run schema', () => {
  const extra = process.argv.slice(2).filter((a) => a !== '--debug');
  if (extra.length > 0) throw new UserError(`npm run schema takes no arguments, got: ${extra.join(' ')}`, 'run `npm run schema` alone');
  writeFileSync(REPORT_SCHEMA, reportSchemaText());
  console.log(`wrote ${REPORT_SCHEMA}`);
  return EXIT.ok;
});
