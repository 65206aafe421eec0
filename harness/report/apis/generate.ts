/**
 * The JSON Schemas of the files a bundle holds, generated from their types with ts-json-schema-generator:
 * every field's doc comment becomes its description, its annotations JSON Schema keywords, and every
 * object is closed (no property the types do not name). One definition of each shape: the types.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';
import { REPORT_API_VERSION } from './v1alpha1.ts';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface GeneratedSchema {
  /** The committed schema file. */
  file: string;
  /** The TypeScript module whose type it is generated from. */
  types: string;
  /** The root type. */
  type: string;
  /** What the file says of itself above the generated definitions. */
  head: Record<string, string>;
}

export const SCHEMAS: GeneratedSchema[] = [
  {
    file: path.join(REPO, 'harness/report/report.schema.json'),
    types: path.join(REPO, 'harness/report/apis/v1alpha1.ts'),
    type: 'ConformanceReport',
    head: {
      $id: `https://waypoint-conformance.dev/schemas/report-${REPORT_API_VERSION.split('/')[1]}.json`,
      title: 'Waypoint conformance report',
    },
  },
  {
    file: path.join(REPO, 'harness/report/gateway-api-report.schema.json'),
    types: path.join(REPO, 'harness/report/apis/gateway-api-v1.ts'),
    type: 'GatewayApiReport',
    head: {
      title: "Gateway API ConformanceReport (kubernetes-sigs/gateway-api conformance/apis/v1), as upstream's suite writes it",
    },
  },
];

export function generateSchema(s: GeneratedSchema): object {
  const schema = createGenerator({
    path: s.types,
    tsconfig: path.join(REPO, 'tsconfig.json'),
    type: s.type,
    additionalProperties: false,
    skipTypeCheck: true,
    expose: 'export',
    topRef: true,
    jsDoc: 'extended',
    sortProps: false,
  }).createSchema(s.type);
  const { $schema, ...rest } = schema;
  return { $schema, ...s.head, ...rest };
}

/** The schema file's text: JSON, two-space indented, one trailing newline. */
export function schemaText(s: GeneratedSchema): string {
  return `${JSON.stringify(generateSchema(s), null, 2)}\n`;
}
