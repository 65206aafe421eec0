/** The implementation file a vendor passes with --certify --implementation FILE. */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { UserError } from '../cli/errors.ts';
import { parseFeatures } from '../runner/features.ts';
import type { Feature, Tier } from '../scenario/types.ts';
import type { Implementation } from './model.ts';

export interface ImplementationClaim {
  implementation: Implementation;
  profiles: Tier[];
  features: Set<Feature>;
}

export function loadImplementation(file: string): ImplementationClaim {
  let doc: Record<string, unknown>;
  try {
    doc = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new UserError(`cannot read implementation file ${file}: ${(err as Error).message}`, 'see docs/certification.md for its format');
  }
  const need = ['organization', 'project', 'version', 'url', 'contact', 'gatewayClassName', 'profiles', 'features'];
  const missing = need.filter((k) => doc?.[k] === undefined);
  if (missing.length > 0) throw new UserError(`${file} lacks ${missing.join(', ')}`, 'see docs/certification.md for its format');
  const profiles = doc.profiles as string[];
  const bad = profiles.filter((p) => p !== 'core' && p !== 'extended');
  if (bad.length > 0 || !profiles.includes('core')) throw new UserError(`${file}: profiles must include core and may include extended (got ${profiles.join(', ')})`);
  let features: Set<Feature>;
  try {
    features = parseFeatures(doc.features as string[]);
  } catch (err) {
    throw new UserError(`${file}: ${(err as Error).message}`);
  }
  return {
    implementation: {
      organization: String(doc.organization), project: String(doc.project), version: String(doc.version), url: String(doc.url),
      contact: (doc.contact as string[]).map(String), gatewayClassName: String(doc.gatewayClassName),
    },
    profiles: profiles as Tier[],
    features,
  };
}
