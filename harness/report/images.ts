/**
 * The container images a run deploys itself, as the suite references them (tag, or tag and digest):
 * the workload fixtures with their image variables filled, the outside client and the kind node.
 * The report lists them so a reviewer sees what ran and which references are not pinned by digest.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { FIXTURES_DIR, readFixture, substitute } from '../manifests/manifests.ts';
import { imageVars, type Images } from '../versions/images.ts';

const IMAGE_LINE = /^\s*(?:-\s*)?image:\s*(\S+)\s*$/gm;

export function suiteImages(images: Images, kindNodeImage?: string): string[] {
  const vars = imageVars(images);
  const fromFixtures = readdirSync(path.join(FIXTURES_DIR, 'workloads'))
    .filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => {
      const rel = `workloads/${f}`;
      return [...readFixture(rel).matchAll(IMAGE_LINE)].map((m) => substitute(m[1], vars, rel));
    });
  return [...new Set([...fromFixtures, images.curl, ...(kindNodeImage ? [kindNodeImage] : [])])].sort();
}
