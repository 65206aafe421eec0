/**
 * Issue 28, "tools are trusted unchecked": a --kind with no version was logged as `✓ kind v0.30.0`
 * and used; with --skip-install a broken --istioctl was silently ignored. A forced tool is now run
 * once, with a deadline, before anything else: it must answer its version command with a version,
 * and what the run logs is the version it answered.
 */
import { expect } from 'chai';
import { EXIT, UserError } from '../../../harness/errors.ts';
import { bringUpKind } from '../../../harness/platform/cluster/bringup.ts';
import { Teardown } from '../../../harness/undo.ts';
import { checkForcedTools, forcedIstioctl, forcedKind, VERSION_DEADLINE_MS } from '../../../harness/platform/tools/tools.ts';
import { runBounded } from '../../../harness/platform/tools/run-bounded.ts';
import { command, script, STACK } from '../fake-api.ts';
import { tempDirs } from '../tmp.ts';

const tmp = tempDirs('wpt-tools-');

async function refusal(p: Promise<unknown>): Promise<UserError> {
  const err = await p.then(
    () => undefined,
    (e) => e,
  );
  expect(err, 'accepted').to.be.instanceOf(UserError);
  return err as UserError;
}

describe('forced tools are checked before use (issue 28)', function () {
  this.timeout(120_000);

  it('a kind that names no version, prints garbage, fails or hangs is refused, saying what it did', async () => {
    const d = tmp();
    const cases: [string[], RegExp][] = [
      [['echo "kind version unknown"'], /`kind version` printed no version \("kind version unknown"\)/],
      [['exit 0'], /`kind version` printed no version \(nothing\)/],
      [['printf "\\033[31m\\000\\n"'], /printed no version \("\\x1b\[31m\\x00"\)/],
      [['echo "segfault" >&2', 'exit 139'], /`kind version` failed \(exit 139\): "segfault"/],
    ];
    for (const [i, [lines, message]] of cases.entries()) {
      const err = await refusal(forcedKind(script(d, `kind${i}`, lines)));
      expect(err.message)
        .to.match(/^--kind /)
        .and.match(message);
      expect(err.fix).to.match(/pass --kind with the path of the binary, or drop it/);
    }
  });

  it('a tool that hangs behind a wrapper (its child keeps stdout open) is killed at the deadline, children included', async () => {
    const d = tmp();
    const started = Date.now();
    const err = await refusal(forcedIstioctl(script(d, 'istioctl', ['sleep 300 &', 'sleep 300'])));
    expect(err.message).to.match(/`istioctl version --remote=false -o json` did not answer within 15s/);
    expect(Date.now() - started).to.be.within(VERSION_DEADLINE_MS - 1000, VERSION_DEADLINE_MS + 10_000);
    const r = await runBounded(script(d, 'slow', ['sleep 300']), [], 500);
    expect(r.timedOut).to.equal(true);
  });

  it('a good tool answers with its version; an istioctl that installs must be of the Istio version installed, one for --skip-install need not', async () => {
    const d = tmp();
    const kind = script(d, 'kind', ['echo "kind v0.29.0 go1.24.6 linux/amd64"']);
    const istioctl = script(d, 'istioctl', ['echo \'{"clientVersion":{"version":"1.30.4"}}\'']);
    expect(await checkForcedTools({ kind, istioctl, istioVersion: '1.30.4', skipInstall: false })).to.deep.equal({
      kind: { path: kind, version: 'v0.29.0', origin: 'forced' },
      istioctl: { path: istioctl, version: '1.30.4', origin: 'forced' },
    });
    expect((await checkForcedTools({ istioctl, istioVersion: '1.31.1', skipInstall: true })).istioctl?.version).to.equal('1.30.4');
    const err = await refusal(checkForcedTools({ istioctl, istioVersion: '1.31.1', skipInstall: false }));
    expect(err.message).to.match(/is istioctl 1\.30\.4, and this run installs Istio 1\.31\.1 with it/);
  });

  it('the run logs the version the forced kind answered, never the pinned one', async () => {
    const d = tmp();
    const kind = script(d, 'kind', [
      'case "$1" in',
      '  version) echo "kind v0.29.0 go1.24.6 linux/amd64" ;;',
      '  get) echo wpt ;;',
      'esac',
    ]);
    const steps: string[] = [];
    const lines: string[] = [];
    const err = await bringUpKind(
      { reuseCluster: false, keepCluster: false, kind },
      {
        teardown: new Teardown(),
        step: (name, fn) => (steps.push(name), fn()),
        log: (l) => lines.push(l),
      },
    ).catch((e) => e);
    expect(err).to.be.instanceOf(UserError); // the cluster "exists": the run stops there
    expect(steps).to.deep.equal([`kind (--kind ${kind})`]);
    expect(lines).to.deep.equal([`kind: ${kind} (forced, v0.29.0; the suite pins v0.30.0)`]);
  });

  it('e2e --skip-install with an istioctl that is no istioctl: exit 2 before the cluster is asked anything (it was silently ignored)', async () => {
    const d = tmp();
    const r = await command(
      'e2e',
      [
        '--cluster',
        'existing',
        '--kubeconfig',
        `${d}/none`,
        '--skip-install',
        '--istioctl',
        script(d, 'istioctl', ['echo "Usage: something else"']),
        '--report-dir',
        `${d}/report`,
      ],
      { env: { WPT_CACHE_DIR: d } },
    );
    expect(r.exitCode, r.stderr).to.equal(EXIT.usage);
    expect(r.stderr)
      .to.match(/^error: --istioctl .*printed no version \("Usage: something else"\)/)
      .and.not.match(STACK);
  });
});
