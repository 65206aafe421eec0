/**
 * What the command line and the implementation file decide before anything is touched: the
 * scenarios (--grep; the claimed profiles when certifying), the features and the GatewayClass.
 * --implementation without --certify selects the class and the features, and filters nothing else.
 * Without --implementation or --features, a class with a file in implementations/ (Istio's two) runs
 * with that file's features and signals: a default run does not hold Istio to what it does not claim.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { Feature } from '../scenario/types.ts';
import type { Scenario } from '../record/record.ts';
import type { WaypointSignals } from '../traffic/verdict.ts';
import { ISTIO_FEATURES, parseFeatures } from '../scenario/features.ts';
import { select, UnknownScenarioError } from '../runner/plan.ts';
import { loadImplementation, type ImplementationClaim } from '../claim/implementation.ts';
import { GREP_FIX } from './e2e-command.ts';
import { type E2eOptions } from './args.ts';
import { UserError } from '../errors.ts';
import { AGENTGATEWAY_WAYPOINT, istioSettingsFor } from '../versions/versions.ts';

export interface Selection {
  claim?: ImplementationClaim;
  /** Extra istioctl --set values the class under test needs. */
  istioSettings: string[];
  supported: ReadonlySet<Feature>;
  /** Where the features come from, for the run's log. */
  featuresFrom: string;
  signals?: WaypointSignals;
  controllerName?: string;
  gatewayClass: string;
  scenarios: Scenario[];
}

const BUNDLED = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../implementations');

/** The implementation file in implementations/ for a GatewayClass, if the suite ships one. */
export function bundledImplementation(gatewayClass: string): { file: string; claim: ImplementationClaim } | undefined {
  for (const name of readdirSync(BUNDLED)
    .filter((f) => f.endsWith('.yaml'))
    .sort()) {
    const file = path.join(BUNDLED, name);
    const claim = loadImplementation(file);
    if (claim.implementation.gatewayClassName === gatewayClass) return { file: `implementations/${name}`, claim };
  }
  return undefined;
}

export function selectScenarios(catalogue: Scenario[], grep: string | undefined): Scenario[] {
  try {
    return select(catalogue, { grep });
  } catch (err) {
    if (!(err instanceof UnknownScenarioError)) throw err;
    if (err.invalid) throw new UserError(err.message, GREP_FIX);
    const areas = [...new Set(catalogue.map((s) => s.area))].sort();
    throw new UserError(
      err.message,
      `scenario ids start with their area: ${areas.map((a) => `^${a}/`).join(', ')}; \`npm run e2e -- --list\` lists every id`,
    );
  }
}

export function decide(
  o: Pick<E2eOptions, 'implementation' | 'certify' | 'grep' | 'features' | 'gatewayClass' | 'istioVersion'>,
  catalogue: Scenario[],
): Selection {
  const claim = o.implementation ? loadImplementation(o.implementation) : undefined;
  let scenarios = selectScenarios(catalogue, o.grep);
  if (claim && o.certify) scenarios = scenarios.filter((s) => claim.profiles.includes(s.profile));
  const gatewayClass = claim?.implementation.gatewayClassName ?? o.gatewayClass;
  let istioSettings: string[];
  try {
    istioSettings = istioSettingsFor(gatewayClass, o.istioVersion);
  } catch (err) {
    throw new UserError(
      (err as Error).message,
      `pass --istio-version ${AGENTGATEWAY_WAYPOINT.sinceMinor}.x or later, or another --gateway-class`,
    );
  }
  const bundled = !claim && !o.features ? bundledImplementation(gatewayClass) : undefined;
  const from = claim ?? bundled?.claim;
  return {
    claim,
    supported: from?.features ?? (o.features ? parseFeatures(o.features) : ISTIO_FEATURES),
    featuresFrom: claim
      ? `${o.implementation}`
      : o.features
        ? '--features'
        : bundled
          ? `${bundled.file} (bundled for ${gatewayClass}; --features chooses others)`
          : 'every feature the catalogue knows (--features or --implementation to choose)',
    signals: from?.signals,
    controllerName: from?.controllerName,
    gatewayClass,
    istioSettings,
    scenarios,
  };
}
