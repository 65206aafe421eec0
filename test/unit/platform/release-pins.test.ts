import { expect } from 'chai';
import { releaseAsset } from '../../../harness/platform/tools/tools.ts';
import { istioArchiveUrl, kindBinaryUrl } from '../../../harness/versions/versions.ts';

describe('release assets are verified against the pins in the repository', () => {
  it('kind and a pinned Istio archive: the pinned sha256, no checksum fetched beside the download', () => {
    const kind = releaseAsset(kindBinaryUrl('linux', 'amd64'), '.sha256sum');
    expect(kind.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(kind.checksumUrl).to.equal(undefined);
    expect(releaseAsset(istioArchiveUrl('1.30.4', 'linux', 'amd64'), '.sha256').sha256).to.match(/^[0-9a-f]{64}$/);
  });
  it('an Istio archive without a pin falls back to the checksum file published beside it', () => {
    const url = istioArchiveUrl('1.31.1', 'linux', 'amd64');
    expect(releaseAsset(url, '.sha256')).to.deep.equal({ url, checksumUrl: `${url}.sha256` });
  });
});
