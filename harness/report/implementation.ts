/**
 * The implementation file a vendor passes with --implementation FILE (and --certify). Besides who
 * they are and what they claim, it may cite an upstream source per feature, carry the signals its
 * waypoint gives (denial and timeout bodies, per-request headers, metrics) and list the findings
 * upstream's own behaviour predicts (expectedFindings), each with its source.
 */
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { UserError } from '../cli/errors.ts';
import { parseFeatures } from '../runner/features.ts';
import type { Feature, Tier } from '../scenario/types.ts';
import type { WaypointSignals } from '../traffic/verdict.ts';
import type { Implementation } from './model.ts';

/** A scenario expected to fail on this implementation, and the upstream fact that predicts it. */
export interface ExpectedFinding {
  scenario: string;
  reason: string;
  source: string;
}

export interface ImplementationClaim {
  implementation: Implementation;
  profiles: Tier[];
  features: Set<Feature>;
  /** Optional fields (additive): the GatewayClass's controller, a source per feature, signals, findings. */
  controllerName?: string;
  featureSources: Partial<Record<Feature, string>>;
  signals?: WaypointSignals;
  expectedFindings: ExpectedFinding[];
}

const FORMAT = 'see docs/certification.md for its format';

const BODY_SIGNAL = {
  type: 'object', required: ['body', 'source'], additionalProperties: false,
  properties: { status: { type: 'integer', minimum: 100, maximum: 599 }, body: { type: 'string', minLength: 1 }, source: { type: 'string', minLength: 1 } },
};

const OPTIONAL_SCHEMA = {
  type: 'object',
  properties: {
    controllerName: { type: 'string', minLength: 1 },
    features: {
      type: 'array',
      items: {
        anyOf: [
          { type: 'string' },
          { type: 'object', required: ['name', 'source'], additionalProperties: false, properties: { name: { type: 'string' }, source: { type: 'string', minLength: 1 } } },
        ],
      },
    },
    signals: {
      type: 'object', required: ['name', 'deniedL7', 'gatewayTimeout'], additionalProperties: false,
      properties: {
        name: { type: 'string', minLength: 1 },
        deniedL7: { ...BODY_SIGNAL, required: ['status', 'body', 'source'] },
        gatewayTimeout: { ...BODY_SIGNAL, required: ['status', 'body', 'source'] },
        faultAbort: BODY_SIGNAL,
        l7Header: { type: 'object', required: ['name', 'source'], additionalProperties: false, properties: { name: { type: 'string', pattern: '^[a-z0-9-]+$' }, source: { type: 'string' } } },
        metrics: {
          type: 'object', required: ['container', 'command', 'requestsTotal', 'source'], additionalProperties: false,
          properties: { container: { type: 'string' }, command: { type: 'array', items: { type: 'string' }, minItems: 1 }, requestsTotal: { type: 'string' }, source: { type: 'string' } },
        },
      },
    },
    expectedFindings: {
      type: 'array',
      items: {
        type: 'object', required: ['scenario', 'reason', 'source'], additionalProperties: false,
        properties: { scenario: { type: 'string', minLength: 1 }, reason: { type: 'string', minLength: 1 }, source: { type: 'string', minLength: 1 } },
      },
    },
  },
} as const;

function readDoc(file: string): Record<string, unknown> {
  try {
    return parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new UserError(`cannot read implementation file ${file}: ${(err as Error).message}`, FORMAT);
  }
}

function checkOptional(file: string, doc: Record<string, unknown>): void {
  const ajv = new Ajv({ allErrors: true });
  if (ajv.validate(OPTIONAL_SCHEMA, doc)) return;
  const problems = (ajv.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  throw new UserError(`${file}: ${problems.join('; ')}`, FORMAT);
}

type FeatureEntry = string | { name: string; source: string };

export function loadImplementation(file: string): ImplementationClaim {
  const doc = readDoc(file);
  const need = ['organization', 'project', 'version', 'url', 'contact', 'gatewayClassName', 'profiles', 'features'];
  const missing = need.filter((k) => doc?.[k] === undefined);
  if (missing.length > 0) throw new UserError(`${file} lacks ${missing.join(', ')}`, FORMAT);
  checkOptional(file, doc);
  const profiles = doc.profiles as string[];
  const bad = profiles.filter((p) => p !== 'core' && p !== 'extended');
  if (bad.length > 0 || !profiles.includes('core')) throw new UserError(`${file}: profiles must include core and may include extended (got ${profiles.join(', ')})`);
  const entries = doc.features as FeatureEntry[];
  let features: Set<Feature>;
  try {
    features = parseFeatures(entries.map((f) => (typeof f === 'string' ? f : f.name)));
  } catch (err) {
    throw new UserError(`${file}: ${(err as Error).message}`);
  }
  const featureSources = Object.fromEntries(entries.filter((f) => typeof f !== 'string').map((f) => [f.name, f.source])) as Partial<Record<Feature, string>>;
  return {
    implementation: {
      organization: String(doc.organization), project: String(doc.project), version: String(doc.version), url: String(doc.url),
      contact: (doc.contact as string[]).map(String), gatewayClassName: String(doc.gatewayClassName),
    },
    profiles: profiles as Tier[],
    features,
    ...(doc.controllerName ? { controllerName: String(doc.controllerName) } : {}),
    featureSources,
    ...(doc.signals ? { signals: doc.signals as WaypointSignals } : {}),
    expectedFindings: (doc.expectedFindings as ExpectedFinding[] | undefined) ?? [],
  };
}

/** Scenario ids named in expectedFindings that the catalogue does not have: a stale claim file. */
export function unknownFindings(claim: ImplementationClaim, scenarioIds: Iterable<string>): string[] {
  const known = new Set(scenarioIds);
  return claim.expectedFindings.map((f) => f.scenario).filter((id) => !known.has(id));
}

/** What a run uses from a loaded claim: the class, the features and the signals (for makeEnv). */
export function runOptionsFrom(claim: ImplementationClaim): { gatewayClass: string; supported: ReadonlySet<Feature>; signals?: WaypointSignals } {
  return { gatewayClass: claim.implementation.gatewayClassName, supported: claim.features, ...(claim.signals ? { signals: claim.signals } : {}) };
}
