import type { Timing } from '../../harness/wait.ts';

/** Short deadlines for the model, whose controllers answer within tens of milliseconds. */
export const MODEL_TIMING: Timing = {
  intervalMs: 5,
  maxIntervalMs: 40,
  readyTimeoutMs: 3_000,
  convergeTimeoutMs: 2_000,
  consecutive: 3,
};
