/**
 * The implementation file a vendor passes with --implementation FILE: who they are, the
 * GatewayClass of their waypoints (and its controllerName when it is not one the suite knows),
 * the profiles and the features they claim. Checked against a JSON Schema: every field's type.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { UserError } from '../cli/errors.ts';
import { ALL_FEATURES } from '../runner/features.ts';
import type { Feature, Tier } from '../scenario/types.ts';
import type { Implementation } from './model.ts';

export interface ImplementationClaim {
  implementation: Implementation;
  /** The GatewayClass's spec.controllerName, when the file names it. */
  controllerName?: string;
  profiles: Tier[];
  features: Set<Feature>;
}

interface ImplementationFile extends Implementation {
  controllerName?: string;
  profiles: Tier[];
  features: Feature[];
}

const text = { type: 'string', minLength: 1 };
const SCHEMA = {
  type: 'object',
  required: ['organization', 'project', 'version', 'url', 'contact', 'gatewayClassName', 'profiles', 'features'],
  additionalProperties: false,
  properties: {
    organization: text, project: text, version: text, url: text, gatewayClassName: text, controllerName: text,
    contact: { type: 'array', items: text },
    profiles: { type: 'array', items: { enum: ['core', 'extended'] }, contains: { const: 'core' }, uniqueItems: true },
    features: { type: 'array', items: { enum: ALL_FEATURES }, uniqueItems: true },
  },
} as const;

const FIX = 'see docs/certification.md for its format';
const validate = new Ajv({ allErrors: true }).compile(SCHEMA);

export function loadImplementation(file: string): ImplementationClaim {
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new UserError(`cannot read implementation file ${file}: ${(err as Error).message}`, FIX);
  }
  if (!validate(doc)) {
    const problems = (validate.errors ?? []).map((e) => {
      const allowed = (e.params as { allowedValues?: unknown[] }).allowedValues;
      return `${e.instancePath || '/'} ${e.message}${allowed ? ` (${allowed.join(', ')})` : ''}`;
    });
    throw new UserError(`${file} is not a valid implementation file: ${problems.join('; ')}`, FIX);
  }
  const d = doc as unknown as ImplementationFile;
  return {
    implementation: { organization: d.organization, project: d.project, version: d.version, url: d.url, contact: d.contact, gatewayClassName: d.gatewayClassName },
    controllerName: d.controllerName,
    profiles: d.profiles,
    features: new Set(d.features),
  };
}
