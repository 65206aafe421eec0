/** sha256 as lowercase hex: of bytes, and of a file's contents. One place for the suite's digests. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

export function sha256Hex(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function sha256File(file: string): string {
  return sha256Hex(readFileSync(file));
}
