/**
 * docs/upstream-trace.md is the trace of what ambient istiod reads and writes. Its rows are held to a
 * strict line format and to the facts they name: the upstream file and symbol in the pinned module,
 * the model line and the token on it, the catalogue's scenario ids, and a reason wherever a row has no
 * model code or no scenario.
 */
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CATALOGUE } from '../../../suites/index.ts';
import { ISTIO_SOURCE } from '../../../equipment/host/pins.ts';

const DOC = 'docs/upstream-trace.md';
const COLUMNS = ['id', 'kind', 'scope', 'what', 'upstream', 'model', 'scenarios', 'not covered'];
const KINDS = new Set(['input', 'output', 'dataplane']);
const GATEWAY_API = 'v1.6.0';

export interface TraceRow {
  line: number;
  id: string;
  kind: string;
  scope: string;
  what: string;
  upstream: string[];
  model: string[];
  scenarios: string[];
  reason: string;
}

/** Cells of one table line: split on pipes not escaped as `\|`, then unescaped. */
function cells(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.trim().replace(/\\\|/g, '|'));
}

const list = (cell: string, sep: RegExp): string[] =>
  cell === '—'
    ? []
    : cell
        .split(sep)
        .map((x) => x.trim())
        .filter(Boolean);

/** The rows of the table under "## Rows"; throws naming the line when a row is malformed. */
export function parseTrace(text: string): TraceRow[] {
  const lines = text.split('\n');
  const start = lines.indexOf('## Rows');
  if (start < 0) throw new Error(`${DOC}: no "## Rows" section`);
  const rows: TraceRow[] = [];
  let header = false;
  for (let i = start + 1; i < lines.length; i++) {
    const l = lines[i];
    if (!l.startsWith('|')) continue;
    const c = cells(l);
    if (!header) {
      if (JSON.stringify(c) !== JSON.stringify(COLUMNS)) throw new Error(`${DOC}:${i + 1}: header must be | ${COLUMNS.join(' | ')} |`);
      header = true;
      i++; // the separator line
      continue;
    }
    if (c.length !== COLUMNS.length)
      throw new Error(`${DOC}:${i + 1}: ${c.length} cells, want ${COLUMNS.length} (escape a pipe in a cell as \\|)`);
    const [id, kind, scope, what, upstream, model, scenarios, reason] = c;
    rows.push({
      line: i + 1,
      id,
      kind,
      scope,
      what,
      reason,
      upstream: list(upstream, /;\s+/),
      model: list(model, /;\s+(?=equipment\/model\/)/),
      scenarios: list(scenarios, /,\s*/),
    });
  }
  return rows;
}

export interface ScopeLine {
  line: number;
  label: string;
  scope: string;
  rows: string[];
  scenarios: string[];
  reason: string;
}

/** The table of "## Enrollment labels by scope" (before "## Rows"). */
export function parseScopes(text: string): ScopeLine[] {
  const lines = text.split('\n');
  const start = lines.indexOf('## Enrollment labels by scope');
  const end = lines.indexOf('## Rows');
  if (start < 0 || end < start) throw new Error(`${DOC}: no "## Enrollment labels by scope" section before "## Rows"`);
  const out: ScopeLine[] = [];
  for (let i = start + 1; i < end; i++) {
    const c = cells(lines[i]);
    if (!lines[i].startsWith('|') || c[0] === 'label' || /^-+$/.test(c[0])) continue;
    if (c.length !== 5) throw new Error(`${DOC}:${i + 1}: ${c.length} cells, want 5`);
    out.push({ line: i + 1, label: c[0], scope: c[1], rows: list(c[2], /,\s*/), scenarios: list(c[3], /,\s*/), reason: c[4] });
  }
  return out;
}

function moduleCache(): string {
  return process.env.GOMODCACHE || path.join(os.homedir(), 'go', 'pkg', 'mod');
}

/** Where an upstream reference's path lives: the istio module, or the gateway-api modules. */
function moduleRoot(ref: string): { root: string; rel: string } {
  const cache = moduleCache();
  if (ref.startsWith('gateway-api-conformance/'))
    return {
      root: path.join(cache, 'sigs.k8s.io', 'gateway-api', `conformance@${GATEWAY_API}`),
      rel: ref.slice('gateway-api-conformance/'.length),
    };
  if (ref.startsWith('gateway-api/'))
    return { root: path.join(cache, 'sigs.k8s.io', `gateway-api@${GATEWAY_API}`), rel: ref.slice('gateway-api/'.length) };
  return { root: path.join(cache, 'istio.io', `istio@${ISTIO_SOURCE.version}`), rel: ref };
}

/** `file.ext:Symbol` → the file and the symbol, which must occur in it. */
function splitRef(ref: string): { file: string; symbol: string } {
  const m = /^([^\s:]+\.(?:go|md|yaml|proto)):(.+)$/.exec(ref);
  if (!m) throw new Error(`"${ref}" is not path:Symbol`);
  return { file: m[1], symbol: m[2] };
}

/** `equipment/model/x.ts:12 `token`` → file, line and token. */
function splitModelRef(ref: string): { file: string; line: number; token: string } {
  const m = /^(equipment\/model\/[\w-]+\.ts):(\d+) (``? ?)(.+?)( ?``?)$/.exec(ref);
  if (!m) throw new Error(`"${ref}" is not equipment/model/file.ts:line \`token\``);
  return { file: m[1], line: Number(m[2]), token: m[4] };
}

/**
 * Issue #25's rule for every row: at least one upstream path:Symbol in the pinned modules (or an `ext:`
 * source besides), and a "not covered" reason wherever it has no model code or no scenario.
 */
export function rowProblems(r: TraceRow): string[] {
  const at = `${DOC}:${r.line} (${r.id})`;
  const out: string[] = [];
  const local = r.upstream.filter((u) => !u.startsWith('ext:'));
  if (local.length === 0) out.push(`${at}: needs at least one upstream path:Symbol in the pinned modules`);
  for (const u of local) {
    try {
      splitRef(u);
    } catch (e) {
      out.push(`${at}: ${(e as Error).message}`);
    }
  }
  for (const u of r.upstream.filter((x) => x.startsWith('ext:'))) {
    if (!/^ext:(istio|kubernetes-sigs)\/[\w.-]+ \S+/.test(u)) out.push(`${at}: "${u}" is not ext:<org>/<repo> <path>`);
  }
  if (r.model.length === 0 && r.reason === '—') out.push(`${at}: no model code and no "not covered" reason`);
  if (r.scenarios.length === 0 && r.reason === '—') out.push(`${at}: no scenario and no "not covered" reason`);
  return out;
}

describe('docs/upstream-trace.md', () => {
  let rows: TraceRow[] = [];
  before(() => {
    rows = parseTrace(readFileSync(DOC, 'utf8'));
  });
  const at = (r: TraceRow) => `${DOC}:${r.line} (${r.id})`;

  it('has a well-formed row for well over 60 inputs and outputs, ids unique, kinds known', () => {
    expect(rows.length).to.be.above(60);
    const ids = rows.map((r) => r.id);
    expect(
      ids.filter((id, i) => ids.indexOf(id) !== i),
      'duplicate ids',
    ).to.deep.equal([]);
    for (const r of rows) {
      expect(r.id, at(r)).to.match(/^[a-z0-9]+(-[a-z0-9*]+)*$/);
      expect(KINDS.has(r.kind), `${at(r)}: kind "${r.kind}"`).to.equal(true);
      expect(r.what.length, `${at(r)}: what`).to.be.above(10);
    }
  });

  it('covers every scope and output object the issue names', () => {
    const scopes = (kind: string) =>
      rows
        .filter((r) => r.kind === kind)
        .map((r) => r.scope)
        .join(' ');
    for (const s of [
      'Service',
      'Pod',
      'Namespace',
      'ServiceEntry',
      'WorkloadEntry',
      'Gateway',
      'GatewayClass',
      'root namespace',
      'mesh config',
    ]) {
      expect(scopes('input'), `an input read at ${s}`).to.include(s);
    }
    for (const s of ['Service', 'ServiceEntry', 'Gateway', 'HTTPRoute', 'GRPCRoute', 'AuthorizationPolicy', 'root namespace']) {
      expect(scopes('output'), `an output written on ${s}`).to.include(s);
    }
    expect(rows.filter((r) => r.kind === 'dataplane').length).to.be.at.least(10);
  });

  it('gives every row an upstream file and symbol, and a reason wherever model code or a scenario is missing', () => {
    expect(rows.flatMap(rowProblems)).to.deep.equal([]);
  });

  it('fails a doctored row: an input with neither model code nor a reason, or without an upstream symbol', () => {
    const table = (row: string) => parseTrace(`## Rows\n\n| ${COLUMNS.join(' | ')} |\n|${COLUMNS.map(() => '----').join('|')}|\n${row}\n`);
    const [bare] = table('| in-x | input | Service | some label read somewhere | pilot/pkg/x.go:Fn | — | enrollment/namespace-scope | — |');
    expect(rowProblems(bare)).to.deep.equal([`${DOC}:5 (in-x): no model code and no "not covered" reason`]);
    const [noScenario] = table(
      '| in-x | input | Service | some label read somewhere | pilot/pkg/x.go:Fn | equipment/model/binding.ts:1 `x` | — | — |',
    );
    expect(rowProblems(noScenario)).to.deep.equal([`${DOC}:5 (in-x): no scenario and no "not covered" reason`]);
    const [reasoned] = table('| in-x | input | Service | some label read somewhere | pilot/pkg/x.go:Fn | — | — | Not modelled: why |');
    expect(rowProblems(reasoned)).to.deep.equal([]);
    const [external] = table('| in-x | input | Service | some label read somewhere | ext:istio/ztunnel src/x.rs | — | — | why |');
    expect(rowProblems(external)).to.deep.equal([`${DOC}:5 (in-x): needs at least one upstream path:Symbol in the pinned modules`]);
    const [noSymbol] = table('| in-x | input | Service | some label read somewhere | pilot/pkg/x.go | — | — | why |');
    expect(rowProblems(noSymbol)).to.deep.equal([`${DOC}:5 (in-x): "pilot/pkg/x.go" is not path:Symbol`]);
  });

  it('points every model reference at an existing line that contains its token', () => {
    for (const r of rows) {
      for (const m of r.model) {
        const { file, line, token } = splitModelRef(m);
        expect(existsSync(file), `${at(r)}: ${file} missing`).to.equal(true);
        const text = readFileSync(file, 'utf8').split('\n')[line - 1] ?? '';
        expect(text, `${at(r)}: ${file}:${line} should contain ${token} (line moved? find it and update the row)`).to.include(token);
      }
    }
  });

  it('names only scenarios of the catalogue, and unit tests that exist', () => {
    const ids = new Set(CATALOGUE.map((s) => s.id));
    const unit = readFileSync('test/unit/equipment/model-fidelity.test.ts', 'utf8');
    for (const r of rows) {
      for (const s of r.scenarios) expect(ids.has(s), `${at(r)}: no scenario "${s}"`).to.equal(true);
      for (const m of r.reason.matchAll(/Unit test(?: test\/unit\/equipment\/model-fidelity\.test\.ts)? \(([^)]+)\)/g))
        expect(unit, `${at(r)}: no unit test "${m[1]}"`).to.include(m[1]);
    }
  });

  it('lists every scope of every enrollment label with its rows, and its scenarios or why there are none', () => {
    const scopes = parseScopes(readFileSync(DOC, 'utf8'));
    const ids = new Set(rows.map((r) => r.id));
    const catalogue = new Set(CATALOGUE.map((s) => s.id));
    for (const l of [
      'istio.io/use-waypoint',
      'istio.io/use-waypoint-namespace',
      'istio.io/ingress-use-waypoint',
      'istio.io/waypoint-for',
      'istio.io/dataplane-mode',
    ]) {
      expect(
        scopes.some((s) => s.label === `\`${l}\``),
        l,
      ).to.equal(true);
    }
    for (const s of scopes) {
      const at = `${DOC}:${s.line} (${s.label} at ${s.scope})`;
      expect(s.rows.length, at).to.be.above(0);
      for (const r of s.rows) expect(ids.has(r), `${at}: no row "${r}"`).to.equal(true);
      for (const id of s.scenarios) expect(catalogue.has(id), `${at}: no scenario "${id}"`).to.equal(true);
      if (s.scenarios.length === 0) expect(s.reason, `${at}: no scenario and no reason`).to.not.equal('—');
    }
  });

  it('names upstream files that exist in the pinned modules, each containing its symbol', function () {
    const istio = moduleRoot('x').root;
    if (!existsSync(istio)) {
      // The Go module cache is test equipment, not a requirement of npm test: say how to get it.
      console.log(
        `      ${istio} is absent: GOFLAGS=-mod=mod go mod download istio.io/istio@${ISTIO_SOURCE.version} sigs.k8s.io/gateway-api@${GATEWAY_API} sigs.k8s.io/gateway-api/conformance@${GATEWAY_API}`,
      );
      this.skip();
    }
    const missing: string[] = [];
    for (const r of rows) {
      for (const u of r.upstream.filter((x) => !x.startsWith('ext:'))) {
        const { file, symbol } = splitRef(u);
        const { root, rel } = moduleRoot(file);
        const full = path.join(root, rel);
        if (!existsSync(full)) missing.push(`${at(r)}: ${file} not in ${root}`);
        else if (!readFileSync(full, 'utf8').includes(symbol)) missing.push(`${at(r)}: ${file} has no "${symbol}"`);
      }
    }
    expect(missing).to.deep.equal([]);
  });
});
