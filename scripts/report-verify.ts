/**
 * npm run report:verify -- DIR [--identity SIGNER [--issuer URL] [--trusted-root FILE] | --key PUB.pem]
 * Checks a report bundle and says what it shows: consistent or not, signed by whom, conformant or not.
 * An unsigned bundle (or one whose signature was not checked) proves nothing: the verdict says what it
 * claims and that nothing binds the claim, never "conformant".
 * Exit 0 consistent (and the signature valid when one was asked for), 1 inconsistent, forged or a bad
 * signature, 2 usage error (bad flags, unreadable or malformed files).
 */
import { runMain } from '../harness/cli/main.ts';
import { HELP, main } from '../harness/cli/report-verify.ts';

await runMain(HELP, main);
