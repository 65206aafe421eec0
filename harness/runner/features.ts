import { FEATURES, type Feature } from '../scenario/types.ts';

export const ALL_FEATURES = Object.keys(FEATURES) as Feature[];

/** Istio supports every feature the catalogue knows. Other implementations declare theirs. */
export const ISTIO_FEATURES: ReadonlySet<Feature> = new Set(ALL_FEATURES);

export function parseFeatures(names: string[]): Set<Feature> {
  const unknown = names.filter((n) => !(n in FEATURES));
  if (unknown.length > 0) {
    throw new Error(`unknown feature(s): ${unknown.join(', ')}. Known features: ${ALL_FEATURES.join(', ')}`);
  }
  return new Set(names as Feature[]);
}
