/** Where a scenario's client runs, from its name in the scenario record. */
import type { ClientAt } from '../traffic/engine.ts';
import type { Client, NsRole } from './types.ts';

/** Where a client runs: a shared client in the run's client namespace, client@<role> in the scenario's namespace of that role. */
export function clientLocation(client: Client, clientNamespace: string, namespaces: Partial<Record<NsRole, string>>): ClientAt {
  const at = client.indexOf('@');
  if (at < 0) return { namespace: clientNamespace, app: client };
  const role = client.slice(at + 1) as NsRole;
  const namespace = namespaces[role];
  if (!namespace)
    throw new Error(
      `client "${client}" runs in the scenario's "${role}" namespace, which the scenario does not declare (add "${role}" to its namespaces and "client" to its ${role} workloads)`,
    );
  return { namespace, app: client.slice(0, at) };
}
