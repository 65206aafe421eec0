/**
 * The harness is layered: a module imports only from its own layer or the ones below it. The
 * table is the architecture the README draws; a new upward import fails here.
 */
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { listFiles } from '../../harness/report/bundle.ts';

const HARNESS = path.resolve('harness');

/** Lowest first. A path is a folder or a file under harness/. */
const LAYERS: string[][] = [
  ['wait.ts', 'digest.ts', 'text.ts', 'files', 'stats', 'cluster', 'manifests', 'errors.ts', 'undo.ts', 'versions', 'mesh', 'vendor-types.d.ts'],
  ['traffic', 'scenario'],
  ['checks', 'claim'],
  ['runner'],
  ['report', 'platform', 'cli'],
];

function layerOf(rel: string): number {
  let best = -1;
  let bestLen = -1;
  LAYERS.forEach((paths, i) => {
    for (const p of paths) {
      if ((rel === p || rel.startsWith(`${p}/`)) && p.length > bestLen) {
        best = i;
        bestLen = p.length;
      }
    }
  });
  return best;
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^(?:import|export)[^'"]*from '(\.[^']+)'/gm)].map((m) => path.resolve(path.dirname(file), m[1]));
}

describe('harness layers', () => {
  const files = listFiles(HARNESS).filter((f) => f.endsWith('.ts'));

  it('every harness module belongs to a layer', () => {
    expect(files.filter((f) => layerOf(f) < 0)).to.deep.equal([]);
  });

  it('no module imports from a layer above its own', () => {
    const upward: string[] = [];
    for (const f of files) {
      for (const target of importsOf(path.join(HARNESS, f))) {
        const rel = path.relative(HARNESS, target);
        if (rel.startsWith('..')) continue;
        if (layerOf(rel) > layerOf(f)) upward.push(`${f} → ${rel}`);
      }
    }
    expect(upward).to.deep.equal([]);
  });

  it('the check finds an upward import when there is one', () => {
    expect(layerOf('checks/traffic.ts')).to.be.below(layerOf('runner/scenario-runner.ts'));
    expect(layerOf('versions/versions.ts')).to.equal(0);
  });
});
