/**
 * Progress of a run: each step with its duration, a spinner only on a TTY, every line in run.log.
 * A line may carry what a server or a tool said: its control characters are escaped (text.ts).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { safeText } from '../text.ts';

export class Progress {
  private readonly logFile: string;
  /** The step that failed last, for the report of a run that broke before its scenarios. */
  failedStep: string | undefined;
  /** The steps running now, for the report of an interrupted run. */
  readonly running = new Set<string>();
  private readonly echo: boolean;
  /** echo: also print each line (the e2e run); the self-test prints its own summary. */
  constructor(dir: string, echo = true) {
    this.echo = echo;
    mkdirSync(dir, { recursive: true });
    this.logFile = path.join(dir, 'run.log');
  }
  line = (text: string) => {
    const s = safeText(text);
    appendFileSync(this.logFile, `${new Date().toISOString()} ${s}\n`);
    if (this.echo) console.log(s);
  };
  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    const t0 = Date.now();
    this.running.add(name);
    const spinner = process.stdout.isTTY
      ? setInterval(() => process.stdout.write(`\r… ${name} ${((Date.now() - t0) / 1000).toFixed(0)}s`), 1000)
      : undefined;
    try {
      const v = await fn();
      if (spinner) process.stdout.write('\r');
      this.line(`✓ ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
      return v;
    } catch (err) {
      if (spinner) process.stdout.write('\r');
      this.failedStep = name;
      this.line(`✗ ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s): ${(err as Error).message}`);
      throw err;
    } finally {
      this.running.delete(name);
      if (spinner) clearInterval(spinner);
    }
  }
}
