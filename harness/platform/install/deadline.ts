/** A bound on one network step: what it waited for, and for how long, when it does not finish. */
import { InfraError } from '../../errors.ts';

export async function withDeadline<T>(what: string, ms: number, fn: () => Promise<T>, fix?: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InfraError(`${what}: no answer within ${Math.round(ms / 1000)}s`, fix)), ms);
  });
  try {
    return await Promise.race([fn(), expired]);
  } finally {
    clearTimeout(timer);
  }
}
