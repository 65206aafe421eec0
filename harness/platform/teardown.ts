/**
 * Undo actions registered as things are created, run in reverse order: after a failure, at the
 * end of a run, and on Ctrl-C or SIGTERM. Only what the run created is ever registered.
 */
export interface UndoStep {
  name: string;
  run: () => Promise<void>;
}

export class Teardown {
  private steps: UndoStep[] = [];
  private running: Promise<string[]> | undefined;

  add(name: string, run: () => Promise<void>): void {
    this.steps.push({ name, run });
  }

  get pending(): string[] {
    return this.steps.map((s) => s.name);
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

  /** On SIGINT/SIGTERM: tear down, then exit 128+signal. Returns a function that removes the handlers. */
  onSignals(log: (line: string) => void, exit: (code: number) => void = (c) => process.exit(c), target: NodeJS.EventEmitter = process): () => void {
    const handlers = (['SIGINT', 'SIGTERM'] as const).map((sig) => {
      const h = () => {
        log(`${sig} received: tearing down what this run created`);
        void this.runAll(log).then((failures) => {
          for (const f of failures) log(`teardown failed: ${f}`);
          exit(sig === 'SIGINT' ? 130 : 143);
        });
      };
      target.on(sig, h);
      return [sig, h] as const;
    });
    return () => handlers.forEach(([sig, h]) => target.off(sig, h));
  }
}
