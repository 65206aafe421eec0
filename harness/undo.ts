/**
 * Undo actions, registered BEFORE the step that creates what they undo (so an interrupted or
 * failed step is undone too), run in reverse order: after a failure, at the end of a run, and on
 * SIGINT or SIGTERM. Only what the run creates is ever registered. `signal` is aborted on a
 * signal so that a running child process (kind, istioctl) is stopped before the undo steps run.
 * What a signal means for the process (its exit code) is the caller's: `onSignals` is told what to do
 * once the undo steps have run.
 */
export interface UndoStep {
  name: string;
  run: () => Promise<void>;
}

export class Teardown {
  private steps: UndoStep[] = [];
  private running: Promise<string[]> | undefined;
  private readonly abort = new AbortController();

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get interrupted(): boolean {
    return this.abort.signal.aborted;
  }

  /** The signal that interrupted the run (SIGINT, SIGTERM, SIGHUP), once one did. */
  received: string | undefined;

  add(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  /** Runs every step, newest first; a failing step is reported and the rest still run. */
  runAll(log: (line: string) => void = () => {}): Promise<string[]> {
    this.running ??= (async () => {
      const failures: string[] = [];
      while (this.steps.length > 0) {
        const step = this.steps.pop()!;
        try {
          log(`teardown: ${step.name}`);
          await step.run();
        } catch (err) {
          failures.push(`${step.name}: ${(err as Error).message}`);
        }
      }
      return failures;
    })();
    return this.running;
  }

  /** On SIGINT/SIGTERM/SIGHUP: stop running children, tear down, then `tornDown()`. Returns a function that removes the handlers. */
  onSignals(log: (line: string) => void, tornDown: () => void, target: NodeJS.EventEmitter = process): () => void {
    const handlers = (['SIGINT', 'SIGTERM', 'SIGHUP'] as const).map((sig) => {
      const h = () => {
        if (this.interrupted) return; // a second signal while tearing down: keep tearing down
        log(`${sig} received: tearing down what this run created`);
        this.received = sig;
        this.abort.abort(new Error(`interrupted by ${sig}`));
        void this.runAll(log).then((failures) => {
          for (const f of failures) log(`teardown failed: ${f}`);
          tornDown();
        });
      };
      target.on(sig, h);
      return [sig, h] as const;
    });
    return () => handlers.forEach(([sig, h]) => target.off(sig, h));
  }
}
