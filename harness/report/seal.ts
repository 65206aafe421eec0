/**
 * The evidence manifest (evidence.json): the sha256 of every file of a report bundle, written last,
 * once nothing appends to the bundle any more (run.log, kind-logs/). A signature covers this file
 * only, so it covers every byte of the bundle through it.
 */
import { lstatSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { sha256File } from '../digest.ts';
import { REPORT_API_VERSION } from './apis/v1alpha1.ts';
import { listEntries } from '../files/read.ts';

export const EVIDENCE_FILE = 'evidence.json';
/** The Sigstore bundle over evidence.json (npm run report:sign); the one file the manifest cannot list. */
export const SIGNATURE_FILE = 'evidence.sigstore.json';
export const EVIDENCE_KIND = 'EvidenceManifest';

export interface EvidenceManifest {
  apiVersion: string;
  kind: string;
  files: Record<string, string>;
}

/** Every entry under dir, relative, with '/' separators; symbolic links are listed, not followed. */
export function listFiles(dir: string): string[] {
  return listEntries(dir);
}

/** The files a manifest must list: all but itself and the signature over it. */
export function evidenceFiles(dir: string): string[] {
  return listFiles(dir)
    .filter((f) => f !== EVIDENCE_FILE && f !== SIGNATURE_FILE)
    .sort();
}

/**
 * Writes evidence.json over the final bytes of every file. Call it once, after the last write to the
 * bundle (teardown included). A signature from before is dropped: it no longer covers the bundle.
 */
export function sealBundle(dir: string): EvidenceManifest {
  // kind's log export writes regular files only (kind pkg/cluster/internal/logs/logs.go: tar -h, untar
  // of regular entries), so a link here was put in by hand.
  const links = evidenceFiles(dir).filter((f) => !lstatSync(path.join(dir, f)).isFile());
  if (links.length > 0) throw new Error(`cannot seal ${dir}: ${links.join(', ')} not regular files (a bundle holds no links or devices)`);
  const manifest: EvidenceManifest = {
    apiVersion: REPORT_API_VERSION,
    kind: EVIDENCE_KIND,
    files: Object.fromEntries(evidenceFiles(dir).map((f) => [f, sha256File(path.join(dir, f))])),
  };
  rmSync(path.join(dir, SIGNATURE_FILE), { force: true });
  writeFileSync(path.join(dir, EVIDENCE_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
