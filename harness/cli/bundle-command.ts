/** What report:verify and report:sign share: a command over one bundle directory, and the bundle's own check. */
import { existsSync, statSync } from 'node:fs';
import { Command } from 'commander';
import { UserError } from '../errors.ts';
import type { Scenario } from '../record/record.ts';
import { BundleReadError } from '../report/bundle-files.ts';
import { verifyBundle, type BundleCheck } from '../report/verify.ts';

/** A commander program over one bundle directory; --debug, and commander's errors thrown to runMain (exit 2). */
export function bundleCommand(name: string, description: string, dir: string, options: (c: Command) => Command): Command {
  return options(new Command(name).description(description).argument('<dir>', dir))
    .option('--debug', 'print stack traces with errors')
    .exitOverride()
    .configureOutput({ writeErr: () => {} });
}

/** The parsed command line: the bundle directory (which must be one) and the options. */
export function parseBundleArgs<O>(program: Command, help: string, argv = process.argv): { dir: string; o: O } {
  program.parse(argv);
  const dir = program.args[0];
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new UserError(`no such directory: ${dir}`, `pass the report bundle's directory; see ${help}`);
  return { dir, o: program.opts() as O };
}

/** The bundle's own problems, or a usage error (exit 2) for a file of it that cannot be parsed. */
export function checkBundle(dir: string, catalogue: Scenario[]): BundleCheck {
  try {
    return verifyBundle(dir, catalogue);
  } catch (err) {
    if (err instanceof BundleReadError) throw new UserError(err.message, 'docs/certification.md says what a bundle holds');
    throw err;
  }
}
