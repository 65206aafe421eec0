/**
 * JSON Schema validation, done one way for every document the suite reads from someone else:
 * report.yaml and the Gateway API report of a bundle, an implementation file.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ErrorObject } from 'ajv';

/** A schema compiled once; the validator returns the document's problems ("<path> <message>"), none when it is valid. */
export function schemaProblems(schema: object): (doc: unknown) => string[] {
  const validate = new Ajv({ allErrors: true }).compile(schema);
  return (doc) => (validate(doc) ? [] : (validate.errors ?? []).map(problem));
}

function problem(e: ErrorObject): string {
  const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues;
  return `${e.instancePath || '/'} ${e.message}${allowed ? ` (${allowed.join(', ')})` : ''}`;
}

/** A schema file shipped beside the module that uses it. */
export function readSchema(url: URL): object {
  return JSON.parse(readFileSync(url, 'utf8')) as object;
}
