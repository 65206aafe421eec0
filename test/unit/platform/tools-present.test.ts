/**
 * Tools already present are used (PATH, the cache) before the network; a download names its URL and cache path.
 * Issue 15 "first contact": each defect a new user met, as a test that failed before its fix.
 */
import { expect } from 'chai';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { InfraError } from '../../../harness/errors.ts';
import { cachePathFor, DownloadError, fetchVerified } from '../../../harness/platform/tools/download.ts';
import { parseIstioctlVersion, parseKindVersion, resolveIstioctl } from '../../../harness/platform/tools/tools.ts';

import { tmp } from '../e2e-process.ts';

describe('first contact: tools already present are used, the cache before the network', function () {
  this.timeout(30_000);
  it('reads istioctl and kind versions from their real output', () => {
    expect(
      parseIstioctlVersion(
        '{"clientVersion":{"version":"1.31.1","revision":"eed52ebb66ad","golang_version":"go1.25.1","status":"Clean","tag":"1.31.1"}}',
      ),
    ).to.equal('1.31.1');
    expect(parseIstioctlVersion('client version: 1.31.1')).to.equal(undefined);
    expect(parseKindVersion('kind v0.30.0 go1.24.6 linux/amd64')).to.equal('v0.30.0');
  });
  it('an istioctl of the right version on PATH is used without any download', async () => {
    const bin = tmp();
    writeFileSync(
      path.join(bin, 'istioctl'),
      [
        '#!/bin/sh',
        'if [ "$*" = "version --remote=false -o json" ]; then echo \'{"clientVersion":{"version":"1.31.1"}}\'; exit 0; fi',
        'if [ "$*" = "version --remote=false --short" ]; then echo "client version: 1.31.1"; exit 0; fi',
        'exit 1',
      ].join('\n'),
    );
    chmodSync(path.join(bin, 'istioctl'), 0o755);
    const saved = { PATH: process.env.PATH, WPT_CACHE_DIR: process.env.WPT_CACHE_DIR };
    const cache = tmp();
    process.env.PATH = `${bin}${path.delimiter}${process.env.PATH}`;
    process.env.WPT_CACHE_DIR = cache;
    try {
      expect(await resolveIstioctl('1.31.1')).to.deep.include({ path: 'istioctl', origin: 'PATH' });
      expect(existsSync(path.join(cache, 'downloads'))).to.equal(false);
    } finally {
      // Object.assign would set an unset variable to the string "undefined" for every later test.
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
  it('a checksum and a file already in the cache need no network; a missing one names the URL and the cache path', async () => {
    const cache = tmp();
    const url = 'http://127.0.0.1:1/kind-linux-amd64';
    const body = Buffer.from('kind');
    mkdirSync(path.dirname(cachePathFor(url, cache)), { recursive: true });
    writeFileSync(cachePathFor(url, cache), body);
    const { sha256Hex } = await import('../../../harness/digest.ts');
    writeFileSync(cachePathFor(`${url}.sha256sum`, cache), `${sha256Hex(body)}  kind-linux-amd64\n`);
    expect(await fetchVerified({ url, checksumUrl: `${url}.sha256sum` }, 2000, cache)).to.equal(cachePathFor(url, cache));
    const err = await fetchVerified({ url: 'http://127.0.0.1:1/other', checksumUrl: 'http://127.0.0.1:1/other.sha256' }, 2000, cache).catch(
      (e) => e,
    );
    expect(err).to.be.instanceOf(DownloadError).and.instanceOf(InfraError);
    expect(err.message).to.include('cannot download http://127.0.0.1:1/other.sha256');
    expect(err.fix).to.include(cachePathFor('http://127.0.0.1:1/other.sha256', cache));
  });
});
