/**
 * npm run report:sign -- DIR [--key PRIVATE.pem] [--identity-token JWT] [--fulcio-url URL] [--rekor-url URL]
 * Signs a sealed, consistent report bundle's evidence manifest with Sigstore: keyless with the
 * GitHub Actions OIDC identity (a workflow with `permissions: id-token: write`), or with a local
 * key pair offline. Writes evidence.sigstore.json into the bundle.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Command } from 'commander';
import { exitWithUsageError } from '../harness/cli/errors.ts';
import { BundleReadError, verifyBundle } from '../harness/report/verify.ts';
import { signKeyless, signWithKey } from '../harness/report/sign.ts';
import { CATALOGUE } from '../suites/index.ts';

const program = new Command('report:sign')
  .description('Sign a report bundle with Sigstore (keyless in GitHub Actions, or a local key pair)')
  .argument('<dir>', 'the sealed report bundle directory')
  .option('--key <private.pem>', 'sign with this PEM private key (offline; verify with --key PUBLIC.pem)')
  .option('--identity-token <jwt>', 'an OIDC token to sign keyless with (default: the GitHub Actions token, or SIGSTORE_ID_TOKEN)')
  .option('--fulcio-url <url>', 'Fulcio instance (default: the public one)')
  .option('--rekor-url <url>', 'Rekor instance (default: the public one)')
  .exitOverride()
  .configureOutput({ writeErr: () => {} });

interface Opts { key?: string; identityToken?: string; fulcioUrl?: string; rekorUrl?: string }

function keylessPossible(o: Opts): boolean {
  return Boolean(o.identityToken || process.env.SIGSTORE_ID_TOKEN || process.env.ACTIONS_ID_TOKEN_REQUEST_URL);
}

async function main(): Promise<number> {
  let dir: string;
  let o: Opts;
  let key: string | undefined;
  try {
    program.parse(process.argv);
    dir = program.args[0];
    o = program.opts<Opts>();
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`no such directory: ${dir}`);
    if (o.key && (o.identityToken || o.fulcioUrl || o.rekorUrl)) throw new Error('--key signs offline: it takes no --identity-token, --fulcio-url or --rekor-url');
    if (!o.key && !keylessPossible(o)) {
      throw new Error('keyless signing needs an OIDC identity: run in GitHub Actions with `permissions: id-token: write`, or pass --identity-token; offline, pass --key PRIVATE.pem');
    }
    if (o.key) key = readFileSync(o.key, 'utf8');
  } catch (err) {
    return exitWithUsageError(err, 'npm run report:sign -- --help');
  }
  try {
    const { problems } = verifyBundle(dir, CATALOGUE);
    if (problems.length > 0) {
      for (const p of problems) console.error(`✗ ${p}`);
      console.error(`${dir}: not signed: the bundle is inconsistent (${problems.length} problem(s))`);
      return 1;
    }
  } catch (err) {
    if (err instanceof BundleReadError) return exitWithUsageError(err, 'docs/certification.md');
    throw err;
  }
  try {
    const file = key ? await signWithKey(dir, key) : await signKeyless(dir, { identityToken: o.identityToken, fulcioURL: o.fulcioUrl, rekorURL: o.rekorUrl });
    console.log(`signed ${dir}: ${file}`);
    return 0;
  } catch (err) {
    console.error(`error: signing failed: ${(err as Error).message}`);
    return 1;
  }
}

process.exitCode = await main();
