/**
 * The code is layered: a module imports only from its own layer or the ones below it, and no module
 * imports itself around a loop. The layers are the README's Architecture drawing, read from the
 * README itself (one line per layer, highest first, its folders and files before the description),
 * so the drawing and the rule cannot drift apart. Every module of harness/, suites/, equipment/ and
 * scripts/ belongs to exactly one layer; there is no exception list.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { listFiles } from '../../harness/report/bundle.ts';

const ROOTS = ['harness', 'suites', 'equipment', 'scripts'];
const PATH_TOKEN = new RegExp(`^(?:${ROOTS.join('|')})(?:/\\S*)?$`);

/** The drawing's layers, lowest first; each a list of folders or files (relative to the repo). */
export function layersOf(readme: string): string[][] {
  const block = /## Architecture\n+```\n([\s\S]*?)```/.exec(readme)?.[1];
  if (!block) throw new Error('README.md has no code block under "## Architecture"');
  return block
    .trim()
    .split('\n')
    .map((line) => {
      const paths: string[] = [];
      for (const token of line.trim().split(/\s+/)) {
        if (!PATH_TOKEN.test(token)) break;
        paths.push(token.replace(/\/$/, ''));
      }
      return paths;
    })
    .reverse();
}

export function layerOf(layers: string[][], rel: string): number {
  let best = -1;
  let bestLen = -1;
  layers.forEach((paths, i) => {
    for (const p of paths) {
      if ((rel === p || rel.startsWith(`${p}/`)) && p.length > bestLen) {
        best = i;
        bestLen = p.length;
      }
    }
  });
  return best;
}

function importsOf(rel: string): string[] {
  const text = readFileSync(rel, 'utf8');
  return [...text.matchAll(/^(?:import|export)(?:[^'"]*from)?\s*'(\.[^']+)'/gm)].map((m) =>
    path.relative('.', path.resolve(path.dirname(rel), m[1])),
  );
}

/** Imports that go up a layer, or to a module that belongs to none (test code, a stray file). */
export function violations(layers: string[][], graph: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const target = layerOf(layers, to);
      if (target < 0) out.push(`${from} → ${to} (not in any layer)`);
      else if (target > layerOf(layers, from)) out.push(`${from} → ${to}`);
    }
  }
  return out;
}

/** Every loop of imports (strongly connected components of more than one module). */
export function cycles(graph: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (stack.includes(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      component.push(w);
    } while (w !== v);
    if (component.length > 1) found.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe('layers (the README Architecture drawing)', () => {
  const layers = layersOf(readFileSync('README.md', 'utf8'));
  const modules = ROOTS.flatMap((root) => listFiles(root).map((f) => path.join(root, f))).filter(
    (f) => f.endsWith('.ts') && !f.endsWith('.test.ts'),
  );
  const graph = new Map(modules.map((m) => [m, importsOf(m)]));

  it('the drawing names only what exists, each once', () => {
    const all = layers.flat();
    expect(
      all.filter((p) => !existsSync(p)),
      'paths in the drawing that do not exist',
    ).to.deep.equal([]);
    expect(
      all.filter((p, i) => all.indexOf(p) !== i),
      'paths drawn twice',
    ).to.deep.equal([]);
    expect(layers.length).to.be.greaterThan(5);
  });

  it('every module of harness/, suites/, equipment/ and scripts/ belongs to a layer', () => {
    expect(modules.length).to.be.greaterThan(100);
    expect(modules.filter((m) => layerOf(layers, m) < 0)).to.deep.equal([]);
  });

  it('no module imports from a layer above its own, or from outside the layers', () => {
    expect(violations(layers, graph)).to.deep.equal([]);
  });

  it('no modules import each other, directly or around a loop', () => {
    expect(cycles(graph)).to.deep.equal([]);
  });

  it('scripts use test equipment only through its public entry (equipment/<name>/index.ts)', () => {
    const reaching = [...graph].flatMap(([from, targets]) =>
      targets.filter((t) => from.startsWith('scripts/') && t.startsWith('equipment/')).map((t) => `${from} → ${t}`),
    );
    expect(reaching.length).to.be.greaterThan(0);
    expect(reaching.filter((r) => !/ → equipment\/[^/]+\/index\.ts$/.test(r))).to.deep.equal([]);
  });

  it('no module of harness/ is over 200 lines', () => {
    const long = modules
      .filter((m) => m.startsWith('harness/'))
      .map((m) => [m, readFileSync(m, 'utf8').split('\n').length - 1] as const)
      .filter(([, n]) => n > 200);
    expect(long).to.deep.equal([]);
  });

  it('the checks find an upward import, an import of test code and a loop when there is one', () => {
    const fake = new Map([
      ['harness/checks/x.ts', ['harness/runner/y.ts']],
      ['harness/runner/y.ts', ['test/unit/z.ts', 'harness/checks/x.ts']],
    ]);
    expect(violations(layers, fake)).to.deep.equal([
      'harness/checks/x.ts → harness/runner/y.ts',
      'harness/runner/y.ts → test/unit/z.ts (not in any layer)',
    ]);
    expect(cycles(fake)).to.deep.equal([['harness/checks/x.ts', 'harness/runner/y.ts']]);
    expect(layerOf(layers, 'harness/versions/versions.ts')).to.equal(0);
    expect(layerOf(layers, 'scripts/e2e.ts')).to.equal(layers.length - 1);
  });
});
