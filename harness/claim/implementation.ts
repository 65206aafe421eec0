/**
 * The implementation file a vendor passes with --implementation FILE: who they are, the
 * GatewayClass of their waypoints (and its controllerName when it is not one the suite knows),
 * the profiles and the features they claim. Optional, additive: a source per feature
 * ({name, source} entries), the signals its waypoint gives (denial and timeout bodies, per-request
 * headers, metrics) and the findings upstream's own behaviour predicts (expectedFindings).
 * Checked against a JSON Schema: every field's type.
 */
import { schemaProblems } from '../schema.ts';
import { parse } from 'yaml';
import { UserError } from '../errors.ts';
import { ALL_FEATURES } from '../scenario/features.ts';
import type { Feature, Profile } from '../scenario/types.ts';
import type { WaypointSignals } from '../traffic/verdict.ts';
import { readUserFile } from '../files/read.ts';

/** Who made the implementation under test, and the GatewayClass of its waypoints (the report's `implementation`). */
export interface Implementation {
  /** Who makes it. @minLength 1 */
  organization: string;
  /** @minLength 1 */
  project: string;
  /** The release under test. @minLength 1 */
  version: string;
  url: string;
  /** Who to ask about it (GitHub handles, e-mail). */
  contact: string[];
  /** The GatewayClass of its waypoints. @minLength 1 */
  gatewayClassName: string;
}

/** A scenario expected to fail on this implementation, and the upstream fact that predicts it. */
export interface ExpectedFinding {
  scenario: string;
  reason: string;
  source: string;
}

export interface ImplementationClaim {
  implementation: Implementation;
  /** The GatewayClass's spec.controllerName, when the file names it. */
  controllerName?: string;
  profiles: Profile[];
  features: Set<Feature>;
  /** Where upstream documents each claimed feature, for those the file cites. */
  featureSources: Partial<Record<Feature, string>>;
  /** How the implementation's waypoint answers; absent: Istio's Envoy waypoint (ENVOY_SIGNALS). */
  signals?: WaypointSignals;
  expectedFindings: ExpectedFinding[];
}

type FeatureEntry = Feature | { name: Feature; source: string };

interface ImplementationFile extends Implementation {
  controllerName?: string;
  profiles: Profile[];
  features: FeatureEntry[];
  signals?: WaypointSignals;
  expectedFindings?: ExpectedFinding[];
}

const text = { type: 'string', minLength: 1 };
/** A GatewayClass name is a DNS subdomain (RFC 1123), as the Kubernetes API requires of object names. */
const dnsSubdomain = { type: 'string', pattern: '^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$' };
const feature = { enum: ALL_FEATURES };
const bodySignal = (required: string[]) => ({
  type: 'object',
  required,
  additionalProperties: false,
  properties: { status: { type: 'integer', minimum: 100, maximum: 599 }, body: text, source: text },
});
const SIGNALS = {
  type: 'object',
  required: ['name', 'deniedL7', 'gatewayTimeout'],
  additionalProperties: false,
  properties: {
    name: text,
    deniedL7: bodySignal(['status', 'body', 'source']),
    gatewayTimeout: bodySignal(['status', 'body', 'source']),
    faultAbort: bodySignal(['body', 'source']),
    l7Header: {
      type: 'object',
      required: ['name', 'source'],
      additionalProperties: false,
      properties: { name: { type: 'string', pattern: '^[a-z0-9-]+$' }, source: text },
    },
    metrics: {
      type: 'object',
      required: ['container', 'command', 'requestsTotal', 'source'],
      additionalProperties: false,
      properties: { container: text, command: { type: 'array', items: text, minItems: 1 }, requestsTotal: text, source: text },
    },
  },
};
const SCHEMA = {
  type: 'object',
  required: ['organization', 'project', 'version', 'url', 'contact', 'gatewayClassName', 'profiles', 'features'],
  additionalProperties: false,
  properties: {
    organization: text,
    project: text,
    version: text,
    url: text,
    gatewayClassName: dnsSubdomain,
    controllerName: text,
    contact: { type: 'array', items: text },
    profiles: { type: 'array', items: { enum: ['core', 'extended'] }, contains: { const: 'core' }, uniqueItems: true },
    features: {
      type: 'array',
      uniqueItems: true,
      items: {
        anyOf: [
          feature,
          { type: 'object', required: ['name', 'source'], additionalProperties: false, properties: { name: feature, source: text } },
        ],
      },
    },
    signals: SIGNALS,
    expectedFindings: {
      type: 'array',
      items: {
        type: 'object',
        required: ['scenario', 'reason', 'source'],
        additionalProperties: false,
        properties: { scenario: text, reason: text, source: text },
      },
    },
  },
} as const;

const FIX = 'see docs/certification.md for its format';
const claimProblems = schemaProblems(SCHEMA);

export function loadImplementation(file: string): ImplementationClaim {
  let doc: unknown;
  try {
    doc = parse(readUserFile(file, 1024 * 1024).toString('utf8'));
  } catch (err) {
    throw new UserError(`cannot read implementation file ${file}: ${(err as Error).message}`, FIX);
  }
  const problems = claimProblems(doc);
  if (problems.length > 0) {
    throw new UserError(`${file} is not a valid implementation file: ${problems.join('; ')}`, FIX);
  }
  const d = doc as unknown as ImplementationFile;
  const names = d.features.map((f) => (typeof f === 'string' ? f : f.name));
  const twice = names.filter((n, i) => names.indexOf(n) !== i);
  if (twice.length > 0) throw new UserError(`${file} is not a valid implementation file: features listed twice: ${twice.join(', ')}`, FIX);
  return {
    implementation: {
      organization: d.organization,
      project: d.project,
      version: d.version,
      url: d.url,
      contact: d.contact,
      gatewayClassName: d.gatewayClassName,
    },
    controllerName: d.controllerName,
    profiles: d.profiles,
    features: new Set(names),
    featureSources: Object.fromEntries(d.features.filter((f) => typeof f !== 'string').map((f) => [f.name, f.source])),
    ...(d.signals ? { signals: d.signals } : {}),
    expectedFindings: d.expectedFindings ?? [],
  };
}

/** Scenario ids named in expectedFindings that the catalogue does not have: a stale claim file. */
export function unknownFindings(claim: ImplementationClaim, scenarioIds: Iterable<string>): string[] {
  const known = new Set(scenarioIds);
  return claim.expectedFindings.map((f) => f.scenario).filter((id) => !known.has(id));
}

/** What a run uses from a loaded claim: the class, the features and the signals (spread into makeEnv's options). */
export function runOptionsFrom(claim: ImplementationClaim): {
  gatewayClass: string;
  supported: ReadonlySet<Feature>;
  signals?: WaypointSignals;
} {
  return {
    gatewayClass: claim.implementation.gatewayClassName,
    supported: claim.features,
    ...(claim.signals ? { signals: claim.signals } : {}),
  };
}
