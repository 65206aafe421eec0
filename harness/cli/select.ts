/**
 * What the command line and the implementation file decide before anything is touched: the
 * scenarios (--grep; the claimed profiles when certifying), the features and the GatewayClass.
 * --implementation without --certify selects the class and the features, and filters nothing else.
 */
import type { Feature, Scenario } from '../scenario/types.ts';
import { ISTIO_FEATURES, parseFeatures } from '../scenario/features.ts';
import { select, UnknownScenarioError } from '../runner/suite-runner.ts';
import { loadImplementation, type ImplementationClaim } from '../report/implementation.ts';
import type { E2eOptions } from './args.ts';
import { UserError } from './errors.ts';
import { AGENTGATEWAY_WAYPOINT, istioSettingsFor } from '../platform/versions.ts';

export interface Selection {
  claim?: ImplementationClaim;
  /** Extra istioctl --set values the class under test needs. */
  istioSettings: string[];
  supported: ReadonlySet<Feature>;
  gatewayClass: string;
  scenarios: Scenario[];
}

export function selectScenarios(catalogue: Scenario[], grep: string | undefined): Scenario[] {
  try {
    return select(catalogue, { grep });
  } catch (err) {
    if (!(err instanceof UnknownScenarioError)) throw err;
    const areas = [...new Set(catalogue.map((s) => s.area))].sort();
    throw new UserError(err.message, `scenario ids start with their area: ${areas.map((a) => `^${a}/`).join(', ')}; \`npm run e2e -- --list\` lists every id`);
  }
}

export function decide(o: Pick<E2eOptions, 'implementation' | 'certify' | 'grep' | 'features' | 'gatewayClass' | 'istioVersion'>, catalogue: Scenario[]): Selection {
  const claim = o.implementation ? loadImplementation(o.implementation) : undefined;
  let scenarios = selectScenarios(catalogue, o.grep);
  if (claim && o.certify) scenarios = scenarios.filter((s) => claim.profiles.includes(s.profile));
  const gatewayClass = claim?.implementation.gatewayClassName ?? o.gatewayClass;
  let istioSettings: string[];
  try {
    istioSettings = istioSettingsFor(gatewayClass, o.istioVersion);
  } catch (err) {
    throw new UserError((err as Error).message, `pass --istio-version ${AGENTGATEWAY_WAYPOINT.sinceMinor}.x or later, or another --gateway-class`);
  }
  return {
    claim,
    supported: claim?.features ?? (o.features ? parseFeatures(o.features) : ISTIO_FEATURES),
    gatewayClass,
    istioSettings,
    scenarios,
  };
}
