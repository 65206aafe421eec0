/**
 * npm run report:sign -- DIR [--key PRIVATE.pem] [--identity-token JWT] [--fulcio-url URL] [--rekor-url URL]
 * Signs a sealed, consistent report bundle's evidence manifest with Sigstore: keyless with the
 * GitHub Actions OIDC identity (a workflow with `permissions: id-token: write`), or with a local
 * key pair offline. Writes evidence.sigstore.json into the bundle.
 */
import { runMain } from '../harness/cli/main.ts';
import { HELP, main } from '../harness/cli/report-sign.ts';

await runMain(HELP, main);
