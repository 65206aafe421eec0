/**
 * report.schema.json, generated from the report's types (harness/report/apis/v1alpha1.ts) with
 * ts-json-schema-generator: every field's doc comment becomes its description, its annotations JSON
 * Schema keywords, and every object is closed (no property the types do not name).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';
import { REPORT_API_VERSION } from '../../harness/report/apis/v1alpha1.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const REPORT_TYPES = path.join(REPO, 'harness/report/apis/v1alpha1.ts');
export const REPORT_SCHEMA = path.join(REPO, 'harness/report/report.schema.json');

export function reportSchema(): object {
  const schema = createGenerator({
    path: REPORT_TYPES,
    tsconfig: path.join(REPO, 'tsconfig.json'),
    type: 'ConformanceReport',
    additionalProperties: false,
    skipTypeCheck: true,
    expose: 'export',
    topRef: true,
    jsDoc: 'extended',
    sortProps: false,
  }).createSchema('ConformanceReport');
  const { $schema, ...rest } = schema;
  return {
    $schema,
    $id: `https://waypoint-conformance.dev/schemas/report-${REPORT_API_VERSION.split('/')[1]}.json`,
    title: 'Waypoint conformance report',
    ...rest,
  };
}

/** The schema file's text: JSON, two-space indented, one trailing newline. */
export function reportSchemaText(): string {
  return `${JSON.stringify(reportSchema(), null, 2)}\n`;
}
