/**
 * Signatures over the evidence manifest. Keyless signing runs against @sigstore/mock's Fulcio and
 * Rekor served on loopback (never the public instances); key pairs are generated here.
 */
import { expect } from 'chai';
import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { fulcioHandler, initializeCA, initializeCTLog, initializeTLog, rekorHandler, type HandlerFn } from '@sigstore/mock';
import { GITHUB_ACTIONS_ISSUER, readTrustedRoot, signKeyless, signWithKey, verifySignature } from '../../../harness/report/sign.ts';
import { copyBundle, forge, modelBundle, removeTempDirs, tempDir } from './report-fixtures.ts';

const WORKFLOW = 'https://github.com/acme/waypoint/.github/workflows/nightly.yml@refs/heads/main';

/** The message a promise rejects with; a promise that resolves fails the test. */
async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected a rejection');
}

function pemPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    priv: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    pub: publicKey.export({ format: 'pem', type: 'spki' }).toString(),
  };
}

/** An unsigned JWT with GitHub Actions' claims: the mock Fulcio reads the claims, it does not check the token. */
function githubToken(sub: string): string {
  const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${b64({ alg: 'none' })}.${b64({ iss: GITHUB_ACTIONS_ISSUER, sub, aud: 'sigstore', repository: 'acme/waypoint', run_id: '4242', run_attempt: '1' })}.sig`;
}

interface MockSigstore {
  url: string;
  trustedRoot: string;
  server: Server;
}

/** Mock Fulcio (with its CT log) and Rekor on one loopback server, and the trusted root naming their keys. */
async function mockSigstore(dir: string): Promise<MockSigstore> {
  const pair = () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ctKeys = pair();
  const ctlog = await initializeCTLog(ctKeys);
  const ca = await initializeCA(pair(), ctlog);
  const tlogKeys = pair();
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const tlog = await initializeTLog(url, tlogKeys);
  const routes = new Map<string, HandlerFn>([fulcioHandler(ca), rekorHandler(tlog)].map((h) => [h.path, h.fn]));
  server.on('request', async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const fn = routes.get(req.url ?? '');
    if (!fn) return void res.writeHead(404).end();
    const r = await fn(Buffer.concat(chunks).toString('utf8'));
    res.writeHead(r.statusCode, { 'content-type': r.contentType ?? 'text/plain' }).end(r.response);
  });
  const der = (k: KeyObject) => k.export({ format: 'der', type: 'spki' });
  const b64 = (b: ArrayBufferView) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
  const start = '2020-01-01T00:00:00Z';
  const trustedRoot = path.join(dir, 'trusted-root.json');
  writeFileSync(
    trustedRoot,
    JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      certificateAuthorities: [
        {
          subject: { organization: 'mock', commonName: 'mock' },
          uri: url,
          certChain: { certificates: [{ rawBytes: b64(ca.rootCertificate) }] },
          validFor: { start },
        },
      ],
      tlogs: [
        {
          baseUrl: url,
          hashAlgorithm: 'SHA2_256',
          publicKey: { rawBytes: b64(der(tlogKeys.publicKey)), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
          logId: { keyId: b64(createHash('sha256').update(der(tlogKeys.publicKey)).digest()) },
        },
      ],
      ctlogs: [
        {
          baseUrl: url,
          hashAlgorithm: 'SHA2_256',
          publicKey: { rawBytes: b64(der(ctKeys.publicKey)), keyDetails: 'PKIX_ECDSA_P256_SHA_256', validFor: { start } },
          logId: { keyId: b64(ctlog.logID) },
        },
      ],
      timestampAuthorities: [],
    }),
  );
  return { url, trustedRoot, server };
}

describe('signed report bundles', function () {
  this.timeout(60_000);
  let honest: string;
  let sigstore: MockSigstore;
  before(async () => {
    honest = await modelBundle('passed', 'certification');
    sigstore = await mockSigstore(tempDir());
  });
  after(() => {
    sigstore.server.close();
    removeTempDirs();
  });

  describe('with a local key pair', () => {
    const key = pemPair();

    it('verifies with the right key and names it; fails with another key', async () => {
      const dir = copyBundle(honest);
      await signWithKey(dir, key.priv);
      const by = await verifySignature(dir, { publicKeyPem: key.pub });
      expect(by.signer).to.match(/^key sha256:[0-9a-f]{64}$/);
      expect(by.time).to.equal(undefined);
      const other = pemPair();
      expect(await failure(verifySignature(dir, { publicKeyPem: other.pub }))).to.match(
        /signed with key sha256:[0-9a-f]{64}, not the key given/,
      );
    });

    it('fails once a byte of the manifest changes, and after a forger relabels the vendor and reseals', async () => {
      const dir = copyBundle(honest);
      await signWithKey(dir, key.priv);
      appendFileSync(path.join(dir, 'evidence.json'), ' ');
      expect(await failure(verifySignature(dir, { publicKeyPem: key.pub }))).to.match(/bad signature: signature verification failed/);
      const relabelled = copyBundle(honest);
      await signWithKey(relabelled, key.priv);
      forge(
        relabelled,
        (r) => {
          r.implementation.organization = 'other';
        },
        { regenerate: true },
      );
      expect(await failure(verifySignature(relabelled, { publicKeyPem: key.pub }))).to.match(/bad signature/);
    });

    it('fails after mode certification is changed to e2e and the bundle resealed', async () => {
      const dir = copyBundle(honest);
      await signWithKey(dir, key.priv);
      forge(
        dir,
        (r) => {
          r.mode = 'e2e';
          delete r.claimedFeatures;
          delete r.claimedProfiles;
        },
        { regenerate: true },
      );
      expect(await failure(verifySignature(dir, { publicKeyPem: key.pub }))).to.match(/bad signature/);
    });
  });

  describe('keyless, against a mock Fulcio and Rekor', () => {
    it('says who signed, when, and from which workflow run; fails with a wrong identity or issuer', async () => {
      const dir = copyBundle(honest);
      await signKeyless(dir, { fulcioURL: sigstore.url, rekorURL: sigstore.url, identityToken: githubToken(WORKFLOW) });
      const by = await verifySignature(dir, { identity: WORKFLOW, trustedRoot: readTrustedRoot(sigstore.trustedRoot) });
      expect(by).to.deep.include({
        signer: WORKFLOW,
        issuer: GITHUB_ACTIONS_ISSUER,
        workflowRun: 'https://github.com/acme/waypoint/actions/runs/4242/attempts/1',
      });
      expect(Date.now() - Date.parse(by.time!)).to.be.within(0, 600_000);
      expect(
        await failure(
          verifySignature(dir, {
            identity: 'https://github.com/evil/fork/.github/workflows/nightly.yml@refs/heads/main',
            trustedRoot: readTrustedRoot(sigstore.trustedRoot),
          }),
        ),
      ).to.match(/bad signature: .*(subject|identity|SAN)/i);
      expect(
        await failure(
          verifySignature(dir, {
            identity: WORKFLOW,
            issuer: 'https://accounts.example.com',
            trustedRoot: readTrustedRoot(sigstore.trustedRoot),
          }),
        ),
      ).to.match(/bad signature/);
      expect(await failure(verifySignature(dir, { publicKeyPem: pemPair().pub }))).to.match(/signed keyless/);
    });

    it('fails once any byte of the bundle changes and the manifest is resealed', async () => {
      const dir = copyBundle(honest);
      await signKeyless(dir, { fulcioURL: sigstore.url, rekorURL: sigstore.url, identityToken: githubToken(WORKFLOW) });
      appendFileSync(path.join(dir, 'run.log'), 'x');
      forge(dir, () => undefined, { regenerate: false });
      expect(await failure(verifySignature(dir, { identity: WORKFLOW, trustedRoot: readTrustedRoot(sigstore.trustedRoot) }))).to.match(
        /bad signature/,
      );
    });
  });

  describe('npm run report:sign and report:verify', () => {
    const run = (script: string, ...args: string[]) =>
      execa(process.execPath, [`scripts/${script}.ts`, ...args], {
        reject: false,
        env: { SIGSTORE_ID_TOKEN: '', ACTIONS_ID_TOKEN_REQUEST_URL: '' },
      });

    it('an unsigned bundle verifies as "consistent, unsigned" with what it claims, never conformant or certified', async () => {
      const r = await run('report-verify', honest);
      expect(r.exitCode, r.stderr).to.equal(0);
      expect(r.stdout).to.match(
        /: consistent, unsigned: it claims a certification run of GatewayClass istio-waypoint \(.*\), profiles core, extended: \d+ passed, \d+ not supported; nothing binds this claim to a run/,
      );
      expect(r.stdout).not.to.match(/conformant|certified/);
    });

    it('signs with a key pair; verify names the key and says certified; a wrong key exits 1', async () => {
      const dir = copyBundle(honest);
      const keys = tempDir();
      const key = pemPair();
      writeFileSync(path.join(keys, 'key.pem'), key.priv);
      writeFileSync(path.join(keys, 'key.pub'), key.pub);
      writeFileSync(path.join(keys, 'other.pub'), pemPair().pub);
      const signed = await run('report-sign', dir, '--key', path.join(keys, 'key.pem'));
      expect(signed.exitCode, signed.stderr).to.equal(0);
      const good = await run('report-verify', dir, '--key', path.join(keys, 'key.pub'));
      expect(good.exitCode, good.stderr).to.equal(0);
      expect(good.stdout).to.match(
        /: consistent, signed by key sha256:[0-9a-f]{64} \(no trusted time: key pair\), conformant \(.*\), certified$/,
      );
      const bad = await run('report-verify', dir, '--key', path.join(keys, 'other.pub'));
      expect(bad.exitCode).to.equal(1);
      expect(bad.stderr).to.match(/✗ signature: signed with key sha256:\w+, not the key given/);
      const unchecked = await run('report-verify', dir);
      expect(unchecked.stdout).to.match(
        /consistent, signed \(signature not checked: pass --identity or --key\): it claims a certification run/,
      );
      expect(unchecked.stdout).not.to.match(/conformant|certified/);
    });

    it('verify --identity names the keyless signer, the time and the workflow run; a wrong identity exits 1', async () => {
      const dir = copyBundle(honest);
      await signKeyless(dir, { fulcioURL: sigstore.url, rekorURL: sigstore.url, identityToken: githubToken(WORKFLOW) });
      const good = await run('report-verify', dir, '--identity', WORKFLOW, '--trusted-root', sigstore.trustedRoot);
      expect(good.exitCode, good.stderr).to.equal(0);
      expect(good.stdout).to.match(
        new RegExp(
          `: consistent, signed by ${WORKFLOW.replace(/[.]/g, '\\.')} via ${GITHUB_ACTIONS_ISSUER.replace(/[.]/g, '\\.')} at 20\\d\\d-[^ ]+ \\(transparency log\\), workflow run https://github\\.com/acme/waypoint/actions/runs/4242/attempts/1, conformant .*, certified$`,
        ),
      );
      const bad = await run(
        'report-verify',
        dir,
        '--identity',
        'https://github.com/evil/fork/.github/workflows/x.yml@refs/heads/main',
        '--trusted-root',
        sigstore.trustedRoot,
      );
      expect(bad.exitCode).to.equal(1);
      expect(bad.stdout).to.match(/consistent, signature rejected: not certified$/);
      const noRoot = await run('report-verify', dir, '--identity', WORKFLOW, '--trusted-root', path.join(tempDir(), 'missing.json'));
      expect(noRoot.exitCode).to.equal(2);
      expect(noRoot.stderr).to.match(/^error: cannot read the Sigstore trusted root .*missing.json/);
    });

    it('keyless signing without an OIDC identity is a usage error naming the fix', async () => {
      const r = await run('report-sign', copyBundle(honest));
      expect(r.exitCode).to.equal(2);
      expect(r.stderr).to.match(
        /^error: keyless signing needs an OIDC identity: .*id-token: write.*\n {2}fix: offline, pass --key PRIVATE.pem/,
      );
    });

    it('refuses to sign an inconsistent bundle', async () => {
      const dir = copyBundle(honest);
      appendFileSync(path.join(dir, 'summary.md'), 'x');
      const keys = tempDir();
      writeFileSync(path.join(keys, 'key.pem'), pemPair().priv);
      const r = await run('report-sign', dir, '--key', path.join(keys, 'key.pem'));
      expect(r.exitCode).to.equal(1);
      expect(r.stderr).to.match(/not signed: the bundle is inconsistent/);
    });
  });
});
