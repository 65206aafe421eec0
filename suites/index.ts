/** The catalogue: every scenario, in a stable order. */
import type { Scenario } from '../harness/record/record.ts';
import enrollment from './enrollment.ts';
import routing from './routing.ts';
import authorization from './authorization.ts';
import resilience from './resilience.ts';
import observability from './observability.ts';
import ingress from './ingress.ts';
import interop from './interop.ts';
import cleanup from './cleanup.ts';
import mesh from './mesh.ts';
import statusTruth from './status-truth.ts';

export const CATALOGUE: Scenario[] = [
  ...enrollment,
  ...routing,
  ...authorization,
  ...resilience,
  ...observability,
  ...ingress,
  ...interop,
  ...cleanup,
  ...mesh,
  ...statusTruth,
];
