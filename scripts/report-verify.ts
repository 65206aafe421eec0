/**
 * npm run report:verify -- DIR [--identity SIGNER [--issuer URL] [--trusted-root FILE] | --key PUB.pem]
 * Checks a report bundle and says what it shows: consistent or not, signed by whom, conformant or not.
 * Exit 0 consistent (and the signature valid when one was asked for), 1 inconsistent, forged or a bad
 * signature, 2 usage error (bad flags, unreadable or malformed files).
 */
import '../harness/cli/require-node.ts';
import { createPublicKey } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { Command } from 'commander';
import { exitWithUsageError } from '../harness/cli/errors.ts';
import { BundleReadError, resultOf, verifyBundle } from '../harness/report/verify.ts';
import { describeSigner, readTrustedRoot, SignatureError, verifySignature, type SignaturePolicy } from '../harness/report/sign.ts';
import { CATALOGUE } from '../suites/index.ts';

const HELP = 'npm run report:verify -- --help';

const program = new Command('report:verify')
  .description('Check a report bundle: evidence, consistency, completeness, and its Sigstore signature')
  .argument('<dir>', 'the report bundle directory')
  .option('--identity <signer>', 'expected keyless signer: the certificate identity (workflow ref URI or e-mail)')
  .option('--issuer <url>', 'expected OIDC issuer of the keyless signer (default: GitHub Actions)')
  .option('--trusted-root <file>', 'Sigstore trusted root JSON (default: the public instance, fetched over TUF)')
  .option('--key <pub.pem>', 'expected public key of a key-pair signature')
  .exitOverride()
  .configureOutput({ writeErr: () => {} });

interface Opts { identity?: string; issuer?: string; trustedRoot?: string; key?: string }

function policyOf(o: Opts): SignaturePolicy | undefined {
  if (o.key && o.identity) throw new Error('pass either --identity (keyless) or --key (key pair), not both');
  if ((o.issuer || o.trustedRoot) && !o.identity) throw new Error('--issuer and --trusted-root need --identity');
  if (o.key) {
    try {
      const publicKeyPem = readFileSync(o.key, 'utf8');
      createPublicKey(publicKeyPem);
      return { publicKeyPem };
    } catch (err) {
      throw new Error(`cannot read the public key ${o.key}: ${(err as Error).message}`);
    }
  }
  return o.identity ? { identity: o.identity, issuer: o.issuer, trustedRoot: o.trustedRoot ? readTrustedRoot(o.trustedRoot) : undefined } : undefined;
}

async function main(): Promise<number> {
  let dir: string;
  let policy: SignaturePolicy | undefined;
  try {
    program.parse(process.argv);
    dir = program.args[0];
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`no such directory: ${dir}`);
    policy = policyOf(program.opts<Opts>());
  } catch (err) {
    return exitWithUsageError(err, HELP);
  }
  let check;
  try {
    check = verifyBundle(dir, CATALOGUE);
  } catch (err) {
    if (err instanceof BundleReadError) return exitWithUsageError(err, 'docs/certification.md');
    throw err;
  }
  for (const p of check.problems) console.error(`✗ ${p}`);
  if (check.problems.length > 0 || !check.report) {
    console.log(`${dir}: inconsistent: ${check.problems.length} problem(s); nothing in it can be trusted`);
    return 1;
  }
  let signature = check.signed ? 'signed (signature not checked: pass --identity or --key)' : 'unsigned';
  if (policy) {
    try {
      signature = describeSigner(await verifySignature(dir, policy));
    } catch (err) {
      if (!(err instanceof SignatureError)) throw err;
      console.error(`✗ signature: ${err.message}`);
      console.log(`${dir}: consistent, signature rejected: not certified`);
      return 1;
    }
  }
  const result = resultOf(check.report);
  const certified = policy !== undefined && result.conformant ? ', certified' : '';
  console.log(`${dir}: consistent, ${signature}, ${result.text}${certified}`);
  return 0;
}

process.exitCode = await main();
