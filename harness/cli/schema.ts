/**
 * npm run schema: writes the bundle's JSON Schemas (report.schema.json, gateway-api-report.schema.json)
 * from their types in harness/report/apis/ (maintainers, after changing a type there;
 * test/unit/report/report-schema.test.ts fails until they do).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Command } from 'commander';
import { EXIT } from '../errors.ts';
import { SCHEMAS, schemaText } from '../report/apis/generate.ts';

const program = new Command('schema')
  .description("Write the bundle's JSON Schemas from their types (harness/report/apis/)")
  .option('--debug', 'print stack traces with errors')
  .exitOverride()
  .configureOutput({ writeErr: () => {} });

export const HELP = 'npm run schema -- --help';

/** The command's body for runMain: writes every generated schema file; its exit code. */
export function main(): number {
  program.parse(process.argv);
  for (const s of SCHEMAS) {
    writeFileSync(s.file, schemaText(s));
    console.log(`wrote ${path.relative(process.cwd(), s.file)}`);
  }
  return EXIT.ok;
}
