/** The fixtures the catalogue applies, read as tests need them: every file, and every kind they name. */
import { readdirSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../harness/cluster/types.ts';
import { FIXTURES_DIR, readFixture } from '../../harness/manifests/manifests.ts';

/** Every fixture file, relative to fixtures/. */
export function fixtureFiles(): string[] {
  return readdirSync(FIXTURES_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.yaml'));
}

/** Every kind any fixture names. */
export function fixtureKinds(): Set<string> {
  return new Set(
    fixtureFiles().flatMap((f) =>
      parseAllDocuments(readFixture(f))
        .map((d) => (d.toJS() as KubeObject | null)?.kind)
        .filter((k): k is string => Boolean(k)),
    ),
  );
}
