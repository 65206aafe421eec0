/**
 * npm run schema: writes the bundle's JSON Schemas (report.schema.json, gateway-api-report.schema.json)
 * from their types in harness/report/apis/ (maintainers, after changing a type there;
 * test/unit/report/report-schema.test.ts fails until they do).
 */
import { runMain } from '../harness/cli/main.ts';
import { HELP, main } from '../harness/cli/schema.ts';

await runMain(HELP, main);
