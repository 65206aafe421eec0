/**
 * Sigstore signatures over a bundle's evidence manifest (evidence.json), kept beside it as
 * evidence.sigstore.json. Keyless: a Fulcio certificate for the workflow's OIDC identity and a
 * Rekor entry that timestamps it (GitHub Actions). Key pair: an ECDSA key for offline use, no log.
 * The manifest lists the sha256 of every file, so the signature covers every byte of the bundle.
 */
import { createPrivateKey, createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { bundleFromJSON, bundleToJSON, type SerializedBundle } from '@sigstore/bundle';
import type { X509Certificate } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { MessageSignatureBundleBuilder, type Signer } from '@sigstore/sign';
import { getTrustedRoot } from '@sigstore/tuf';
import { toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { sign as sigstoreSign } from 'sigstore';
import { sha256Hex } from '../digest.ts';
import { EVIDENCE_FILE, SIGNATURE_FILE } from './seal.ts';
import { bundleEntry, readBundleFile, readUserFile } from '../files/read.ts';

/** The issuer of GitHub Actions OIDC tokens, the default for keyless verification. */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
/** Fulcio certificate extensions (sigstore/fulcio docs/oid-info.md): issuer (v2) and the run invocation URI. */
const OID_ISSUER = '1.3.6.1.4.1.57264.1.8';
const OID_RUN_INVOCATION_URI = '1.3.6.1.4.1.57264.1.21';

export class SignatureError extends Error {}

export interface KeylessOptions {
  /** Defaults: the public Sigstore instance; tests point these at a local mock. */
  fulcioURL?: string;
  rekorURL?: string;
  /** An OIDC token; without one, the GitHub Actions token of the running job. */
  identityToken?: string;
}

export interface SignedBy {
  /** The certificate identity (workflow ref URI or e-mail), or the key's fingerprint. */
  signer: string;
  issuer?: string;
  /** When the transparency log recorded the signature; a key-pair signature has no trusted time. */
  time?: string;
  workflowRun?: string;
}

/** Bounded, regular files only (files/read.ts): a bundle to sign or verify may come from anyone. */
function manifestBytes(dir: string): Buffer {
  return readBundleFile(dir, EVIDENCE_FILE, 16 * 1024 * 1024);
}

function write(dir: string, bundle: SerializedBundle): string {
  const file = path.join(dir, SIGNATURE_FILE);
  writeFileSync(file, `${JSON.stringify(bundle, null, 2)}\n`);
  return file;
}

export async function signKeyless(dir: string, o: KeylessOptions = {}): Promise<string> {
  return write(dir, await sigstoreSign(manifestBytes(dir), { ...o, timeout: 30_000 }));
}

/** sha256 of the DER public key: the hint that names a key pair in the Sigstore bundle. */
export function keyFingerprint(key: KeyObject): string {
  return sha256Hex(key.export({ format: 'der', type: 'spki' }) as Buffer);
}

function keySigner(privateKeyPem: string): Signer {
  const key = createPrivateKey(privateKeyPem);
  const pub = createPublicKey(key);
  return {
    sign: async (data) => ({
      signature: cryptoSign('sha256', data, key),
      key: { $case: 'publicKey', publicKey: pub.export({ format: 'pem', type: 'spki' }).toString(), hint: keyFingerprint(pub) },
    }),
  };
}

export async function signWithKey(dir: string, privateKeyPem: string): Promise<string> {
  const builder = new MessageSignatureBundleBuilder({ signer: keySigner(privateKeyPem), witnesses: [] });
  return write(dir, bundleToJSON(await builder.create({ data: manifestBytes(dir) })) as SerializedBundle);
}

export interface SignaturePolicy {
  /** Keyless: the certificate identity expected (e.g. the workflow ref URI), and its OIDC issuer. */
  identity?: string;
  issuer?: string;
  /** Keyless: the trusted root (private or test instances); default: the public instance's, via TUF. */
  trustedRoot?: TrustedRoot;
  /** Key pair: the PEM public key expected. */
  publicKeyPem?: string;
}

function readBundle(dir: string) {
  if (bundleEntry(dir, SIGNATURE_FILE).kind === 'missing')
    throw new SignatureError(`unsigned: no ${SIGNATURE_FILE} (sign with npm run report:sign)`);
  try {
    return bundleFromJSON(JSON.parse(readBundleFile(dir, SIGNATURE_FILE, 1024 * 1024).toString('utf8')));
  } catch (err) {
    throw new SignatureError(`${SIGNATURE_FILE} is not a Sigstore bundle: ${(err as Error).message}`);
  }
}

/** A trusted root file (a private Sigstore instance, or a test's); throws a plain Error naming the file. */
export function readTrustedRoot(file: string): TrustedRoot {
  try {
    return TrustedRoot.fromJSON(JSON.parse(readUserFile(file, 16 * 1024 * 1024).toString('utf8')));
  } catch (err) {
    throw new Error(`cannot read the Sigstore trusted root ${file}: ${(err as Error).message}`);
  }
}

const EMPTY_ROOT = TrustedRoot.fromJSON({
  mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
  tlogs: [],
  certificateAuthorities: [],
  ctlogs: [],
  timestampAuthorities: [],
});

/** Verifies evidence.sigstore.json over evidence.json against the policy; says who signed, when, from which run. */
export async function verifySignature(dir: string, policy: SignaturePolicy): Promise<SignedBy> {
  const bundle = readBundle(dir);
  try {
    const entity = toSignedEntity(bundle, manifestBytes(dir));
    if (policy.publicKeyPem) {
      const key = createPublicKey(policy.publicKeyPem);
      const hint = keyFingerprint(key);
      if (entity.key.$case !== 'public-key')
        throw new SignatureError('signed keyless (certificate), not with a key pair: verify with --identity');
      const material = toTrustMaterial(EMPTY_ROOT, (h) => {
        if (h !== hint) throw new SignatureError(`signed with key sha256:${h}, not the key given (sha256:${hint})`);
        return { publicKey: key, validFor: () => true };
      });
      new Verifier(material, { tlogThreshold: 0, ctlogThreshold: 0, timestampThreshold: 0 }).verify(entity);
      return { signer: `key sha256:${hint}` };
    }
    if (!policy.identity) throw new SignatureError('no signer to expect: pass --identity (keyless) or --key (key pair)');
    if (entity.key.$case !== 'certificate') throw new SignatureError('signed with a key pair, not keyless: verify with --key');
    const issuer = policy.issuer ?? GITHUB_ACTIONS_ISSUER;
    const signer = new Verifier(toTrustMaterial(policy.trustedRoot ?? (await getTrustedRoot()))).verify(entity, {
      subjectAlternativeName: policy.identity,
      extensions: { issuer },
    });
    return describeKeyless(
      entity.key.certificate,
      signer.identity?.subjectAlternativeName ?? policy.identity,
      issuer,
      bundle.verificationMaterial.tlogEntries[0]?.integratedTime,
    );
  } catch (err) {
    if (err instanceof SignatureError) throw err;
    throw new SignatureError(`bad signature: ${(err as Error).message}`);
  }
}

function describeKeyless(cert: X509Certificate, signer: string, issuer: string, integratedTime: string | undefined): SignedBy {
  const ext = (oid: string) => cert.extension(oid)?.valueObj.subs?.[0]?.value.toString('utf8');
  return {
    signer,
    issuer: ext(OID_ISSUER) ?? issuer,
    ...(integratedTime ? { time: new Date(Number(integratedTime) * 1000).toISOString() } : {}),
    ...(ext(OID_RUN_INVOCATION_URI) ? { workflowRun: ext(OID_RUN_INVOCATION_URI) } : {}),
  };
}

export function describeSigner(s: SignedBy): string {
  const when = s.time ? ` at ${s.time} (transparency log)` : ' (no trusted time: key pair)';
  return `signed by ${s.signer}${s.issuer ? ` via ${s.issuer}` : ''}${when}${s.workflowRun ? `, workflow run ${s.workflowRun}` : ''}`;
}
