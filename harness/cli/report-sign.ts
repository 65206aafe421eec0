/**
 * npm run report:sign -- DIR [--key PRIVATE.pem] [--identity-token JWT] [--fulcio-url URL] [--rekor-url URL]
 * Signs a sealed, consistent report bundle's evidence manifest with Sigstore: keyless with the
 * GitHub Actions OIDC identity (a workflow with `permissions: id-token: write`), or with a local
 * key pair offline. Writes evidence.sigstore.json into the bundle.
 */
import { createPrivateKey } from 'node:crypto';
import { EXIT, InfraError, UserError } from '../errors.ts';
import { safeLine } from '../text.ts';
import { readUserFile } from '../files/read.ts';
import { bundleCommand, checkBundle, parseBundleArgs } from './bundle-command.ts';
import { signKeyless, signWithKey } from '../report/sign.ts';
import { CATALOGUE } from '../../suites/index.ts';

export const HELP = 'npm run report:sign -- --help';
const KEY_FIX =
  'pass the private key of your pair, PEM: openssl ecparam -name prime256v1 -genkey -noout | openssl pkcs8 -topk8 -nocrypt -out signing.pem (docs/certification.md)';

const program = bundleCommand(
  'report:sign',
  'Sign a report bundle with Sigstore (keyless in GitHub Actions, or a local key pair)',
  'the sealed report bundle directory',
  (c) =>
    c
      .option('--key <private.pem>', 'sign with this PEM private key (offline; verify with --key PUBLIC.pem)')
      .option('--identity-token <jwt>', 'an OIDC token to sign keyless with (default: the GitHub Actions token, or SIGSTORE_ID_TOKEN)')
      .option('--fulcio-url <url>', 'Fulcio instance (default: the public one)')
      .option('--rekor-url <url>', 'Rekor instance (default: the public one)'),
);

interface Opts {
  key?: string;
  identityToken?: string;
  fulcioUrl?: string;
  rekorUrl?: string;
}

function keylessPossible(o: Opts): boolean {
  return Boolean(o.identityToken || process.env.SIGSTORE_ID_TOKEN || process.env.ACTIONS_ID_TOKEN_REQUEST_URL);
}

/** The private key, checked before anything else: a public key or a file that is no key says so. */
function privateKey(file: string): string {
  let pem: string;
  try {
    pem = readUserFile(file).toString('utf8');
  } catch (err) {
    throw new UserError(`--key ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, KEY_FIX);
  }
  if (/-----BEGIN PUBLIC KEY-----/.test(pem))
    throw new UserError(
      `--key ${file} is a public key; signing needs the private key of the pair`,
      `${KEY_FIX}; the public key is for report:verify --key`,
    );
  try {
    createPrivateKey(pem);
  } catch {
    throw new UserError(`--key ${file} is not a PEM private key`, KEY_FIX);
  }
  return pem;
}

function options(): { dir: string; o: Opts; key?: string } {
  const { dir, o } = parseBundleArgs<Opts>(program, HELP);
  if (o.key && (o.identityToken || o.fulcioUrl || o.rekorUrl))
    throw new UserError('--key signs offline: it takes no --identity-token, --fulcio-url or --rekor-url', `see ${HELP}`);
  if (!o.key && !keylessPossible(o)) {
    throw new UserError(
      'keyless signing needs an OIDC identity: run in GitHub Actions with `permissions: id-token: write`, or pass --identity-token',
      'offline, pass --key PRIVATE.pem',
    );
  }
  return { dir, o, key: o.key ? privateKey(o.key) : undefined };
}

/** The command's body for runMain: parses the command line, runs, prints; its exit code. */
export async function main(): Promise<number> {
  const { dir, o, key } = options();
  const { problems } = checkBundle(dir, CATALOGUE);
  if (problems.length > 0) {
    for (const p of problems) console.error(`✗ ${safeLine(p)}`);
    console.error(`${dir}: not signed: the bundle is inconsistent (${problems.length} problem(s))`);
    return EXIT.scenarioFailed;
  }
  try {
    const file = key
      ? await signWithKey(dir, key)
      : await signKeyless(dir, { identityToken: o.identityToken, fulcioURL: o.fulcioUrl, rekorURL: o.rekorUrl });
    console.log(`signed ${dir}: ${file}`);
    return EXIT.ok;
  } catch (err) {
    throw new InfraError(
      `signing failed: ${(err as Error).message}`,
      key ? 'check that the bundle directory is writable' : 'check the network and the OIDC token; Fulcio and Rekor must be reachable',
    );
  }
}
