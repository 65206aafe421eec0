import { expect } from 'chai';
import { pinnedSha256, RELEASE_ASSET_SHA256 } from '../../../harness/versions/pins.ts';
import { ISTIO, istioArchiveUrl, KIND, kindBinaryUrl } from '../../../harness/versions/versions.ts';

const PLATFORMS = [
  ['linux', 'amd64'],
  ['linux', 'arm64'],
  ['darwin', 'amd64'],
  ['darwin', 'arm64'],
] as const;

describe('release asset pins', () => {
  it(`pin the kind ${KIND.version} binary of every platform`, () => {
    for (const [os, arch] of PLATFORMS) expect(pinnedSha256(kindBinaryUrl(os, arch)), `${os}-${arch}`).to.match(/^[0-9a-f]{64}$/);
  });

  it('pin every platform of an Istio release they pin at all, and only releases the suite runs', () => {
    const known = new Set([...ISTIO.nightly, ISTIO.defaultVersion]);
    const pinned = new Set(
      Object.keys(RELEASE_ASSET_SHA256).flatMap((p) => /\/istio\/istio\/releases\/download\/([^/]+)\//.exec(p)?.[1] ?? []),
    );
    expect(pinned.size).to.be.above(0);
    for (const v of pinned) {
      expect(known.has(v), `${v} is not a release the suite runs`).to.equal(true);
      for (const [os, arch] of PLATFORMS)
        expect(pinnedSha256(istioArchiveUrl(v, os, arch)), `${v} ${os}-${arch}`).to.match(/^[0-9a-f]{64}$/);
    }
  });

  it('name only the assets the suite downloads, each once, and nothing for an unknown URL', () => {
    const urls = PLATFORMS.flatMap(([os, arch]) => [
      kindBinaryUrl(os, arch),
      ...[...new Set([...ISTIO.nightly, ISTIO.defaultVersion])].map((v) => istioArchiveUrl(v, os, arch)),
    ]);
    const paths = new Set(urls.map((u) => new URL(u).pathname));
    expect(Object.keys(RELEASE_ASSET_SHA256).filter((p) => !paths.has(p))).to.deep.equal([]);
    expect(pinnedSha256('https://example.com/constructor')).to.equal(undefined);
    expect(pinnedSha256(istioArchiveUrl('1.99.0'))).to.equal(undefined);
  });
});
