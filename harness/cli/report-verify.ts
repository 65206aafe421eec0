/**
 * npm run report:verify -- DIR [--identity SIGNER [--issuer URL] [--trusted-root FILE] | --key PUB.pem]
 * Checks a report bundle and says what it shows: consistent or not, signed by whom, conformant or not.
 * An unsigned bundle (or one whose signature was not checked) proves nothing: the verdict says what it
 * claims and that nothing binds the claim, never "conformant".
 * Exit 0 consistent (and the signature valid when one was asked for), 1 inconsistent, forged or a bad
 * signature, 2 usage error (bad flags, unreadable or malformed files).
 */
import { createPublicKey } from 'node:crypto';
import { EXIT, UserError } from '../errors.ts';
import { safeLine } from '../text.ts';
import { readUserFile } from '../files/read.ts';
import { claimOf, resultOf } from '../report/bundle-verdict.ts';
import { bundleCommand, checkBundle, parseBundleArgs } from './bundle-command.ts';
import { describeSigner, readTrustedRoot, SignatureError, verifySignature, type SignaturePolicy } from '../report/sign.ts';
import { CATALOGUE } from '../../suites/index.ts';

export const HELP = 'npm run report:verify -- --help';

const program = bundleCommand(
  'report:verify',
  'Check a report bundle: evidence, consistency, completeness, and its Sigstore signature',
  'the report bundle directory',
  (c) =>
    c
      .option('--identity <signer>', 'expected keyless signer: the certificate identity (workflow ref URI or e-mail)')
      .option('--issuer <url>', 'expected OIDC issuer of the keyless signer (default: GitHub Actions)')
      .option('--trusted-root <file>', 'Sigstore trusted root JSON (default: the public instance, fetched over TUF)')
      .option('--key <pub.pem>', 'expected public key of a key-pair signature'),
);

interface Opts {
  identity?: string;
  issuer?: string;
  trustedRoot?: string;
  key?: string;
}

function publicKey(file: string): string {
  try {
    const pem = readUserFile(file).toString('utf8');
    createPublicKey(pem);
    return pem;
  } catch (err) {
    throw new UserError(
      `--key ${file}: not a PEM public key (${(err as Error).message})`,
      'pass the public key of the pair that signed (openssl ec -in signing.pem -pubout -out signing.pub)',
    );
  }
}

function policyOf(o: Opts): SignaturePolicy | undefined {
  if (o.key && o.identity) throw new UserError('pass either --identity (keyless) or --key (key pair), not both', `see ${HELP}`);
  if ((o.issuer || o.trustedRoot) && !o.identity) throw new UserError('--issuer and --trusted-root need --identity', `see ${HELP}`);
  if (o.key) return { publicKeyPem: publicKey(o.key) };
  if (!o.identity) return undefined;
  try {
    return { identity: o.identity, issuer: o.issuer, trustedRoot: o.trustedRoot ? readTrustedRoot(o.trustedRoot) : undefined };
  } catch (err) {
    throw new UserError(
      (err as Error).message,
      'pass --trusted-root with the trusted_root.json of your Sigstore instance, or drop it for the public one',
    );
  }
}

/** The command's body for runMain: parses the command line, runs, prints; its exit code. */
export async function main(): Promise<number> {
  const { dir, o } = parseBundleArgs<Opts>(program, HELP);
  const policy = policyOf(o);
  const bundle = checkBundle(dir, CATALOGUE);
  for (const p of bundle.problems) console.error(`✗ ${safeLine(p)}`);
  if (bundle.problems.length > 0 || !bundle.report) {
    console.log(`${dir}: inconsistent: ${bundle.problems.length} problem(s); nothing in it can be trusted`);
    return EXIT.scenarioFailed;
  }
  if (!policy) {
    const how = bundle.signed ? 'signed (signature not checked: pass --identity or --key)' : 'unsigned';
    console.log(
      `${dir}: consistent, ${how}: it claims ${safeLine(claimOf(bundle.report))}; nothing binds this claim to a run until a signature you trust is checked`,
    );
    return EXIT.ok;
  }
  let signer: string;
  try {
    signer = describeSigner(await verifySignature(dir, policy));
  } catch (err) {
    if (!(err instanceof SignatureError)) throw err;
    console.error(`✗ signature: ${safeLine(err.message)}`);
    console.log(`${dir}: consistent, signature rejected: not certified`);
    return EXIT.scenarioFailed;
  }
  const result = resultOf(bundle.report);
  console.log(`${dir}: consistent, ${safeLine(signer)}, ${safeLine(result.text)}${result.conformant ? ', certified' : ''}`);
  return EXIT.ok;
}
