import { expect } from 'chai';
import { chmodSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { istioctlDumper } from '../../../harness/platform/tools/istioctl-dumps.ts';
import { tempDirs } from '../tmp.ts';

/** A stand-in istioctl: answers like the real one for proxy-status, fails for waypoint list in "bad". */
function fakeIstioctl(dir: string): string {
  const bin = path.join(dir, 'istioctl');
  writeFileSync(
    bin,
    [
      '#!/bin/sh',
      'case "$1 $2" in',
      '  "proxy-status --kubeconfig") printf "NAME  CLUSTER  ISTIOD  VERSION\\nwaypoint-6f7c.app  Kubernetes  istiod-5d9f  1.31.1\\n" ;;',
      '  "ztunnel-config all") echo "args: $*" ;;',
      '  "waypoint list") if [ "$4" = bad ]; then echo "Error: namespaces \\"bad\\" not found" >&2; exit 1; fi; printf "NAME      REVISION  PROGRAMMED\\nwaypoint  default   True\\n" ;;',
      'esac',
    ].join('\n'),
  );
  chmodSync(bin, 0o755);
  return bin;
}

describe('istioctl dumps for diagnostics', () => {
  const dir = tempDirs('wpt-istioctl-');
  it('runs ztunnel-config all, proxy-status and waypoint list per namespace against the run context', async () => {
    const out = await istioctlDumper(fakeIstioctl(dir()), '/tmp/kc', 'kind-wpt').dump(['app', 'bad']);
    expect(Object.keys(out)).to.deep.equal([
      'istioctl ztunnel-config all',
      'istioctl proxy-status',
      'istioctl waypoint list -n app',
      'istioctl waypoint list -n bad',
    ]);
    expect(out['istioctl ztunnel-config all']).to.equal('args: ztunnel-config all --kubeconfig /tmp/kc --context kind-wpt');
    expect(out['istioctl proxy-status']).to.include('waypoint-6f7c.app');
    expect(out['istioctl waypoint list -n app']).to.include('PROGRAMMED');
  });

  it("keeps a failing command's output and says how it failed, without throwing", async () => {
    const out = await istioctlDumper(fakeIstioctl(dir()), '/tmp/kc', 'kind-wpt').dump(['bad']);
    expect(out['istioctl waypoint list -n bad']).to.match(/namespaces "bad" not found[\s\S]*exit code 1/);
    const missing = await istioctlDumper('/nonexistent/istioctl', '/tmp/kc', 'c').dump([]);
    expect(missing['istioctl proxy-status']).to.match(/ENOENT/);
  });
});
