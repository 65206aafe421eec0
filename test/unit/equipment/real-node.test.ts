import { expect } from 'chai';
import { aptMirror, imageDocuments } from '../../../equipment/real-node/images.ts';
import { onlyOwnedChains } from '../../../equipment/real-node/hostrules.ts';
import { cniConfig, guardRuleset, lifecycleTaints, mountsUnder, NODE, nftTables } from '../../../equipment/real-node/node.ts';

// What kubelet 1.36 left in `nft list table ip filter` on this machine (iptables-nft).
const KUBELET_FILTER = `table ip filter {
	chain KUBE-FIREWALL {
		ip saddr != 127.0.0.0/8 ip daddr 127.0.0.0/8  ct status dnat counter packets 0 bytes 0 drop
	}

	chain OUTPUT {
		type filter hook output priority filter; policy accept;
		counter packets 4731 bytes 1471064 jump KUBE-FIREWALL
	}

	chain KUBE-KUBELET-CANARY {
	}
}# Warning: table ip filter is managed by iptables-nft, do not touch!`;

describe('real node: teardown and network safety (pure parts)', () => {
  it('recognises a table holding only kubelet chains, and refuses one with anything else', () => {
    expect(onlyOwnedChains(KUBELET_FILTER)).to.equal(true);
    expect(onlyOwnedChains(KUBELET_FILTER.replace('jump KUBE-FIREWALL', 'jump DOCKER-USER'))).to.equal(false);
    expect(onlyOwnedChains(KUBELET_FILTER.replace('chain KUBE-KUBELET-CANARY {', 'chain DOCKER {\n\t\taccept\n\t}\n\tchain X {'))).to.equal(
      false,
    );
  });

  it('lists nft tables and mounts under the node directories, deepest first', () => {
    expect(nftTables('table ip filter\ntable inet wpt_node_guard\n')).to.deep.equal(['table ip filter', 'table inet wpt_node_guard']);
    const info = [
      '36 25 0:32 / /run/wpt-containerd/io.containerd.runtime.v2.task/k8s.io/abc/rootfs rw - overlay overlay rw',
      '37 25 0:33 / /state/node/kubelet/pods/u/volumes/kubernetes.io~projected/kube-api-access rw - tmpfs tmpfs rw',
      '38 25 0:34 / /state/nodeother rw - tmpfs tmpfs rw',
      '39 25 0:35 / /run/wpt-containerd rw - tmpfs tmpfs rw',
    ].join('\n');
    expect(mountsUnder(info, ['/state/node', '/run/wpt-containerd'])).to.deep.equal([
      '/state/node/kubelet/pods/u/volumes/kubernetes.io~projected/kube-api-access',
      '/run/wpt-containerd/io.containerd.runtime.v2.task/k8s.io/abc/rootfs',
      '/run/wpt-containerd',
    ]);
  });

  it('drops everything the pod bridge would forward to another interface, before other forward hooks', () => {
    const rules = guardRuleset();
    expect(rules).to.contain(`iifname "${NODE.bridge}" oifname != "${NODE.bridge}" drop`);
    expect(rules).to.match(/hook forward priority -200/);
  });

  it("keeps pod networking on the bridge: no masquerade, gateway on the node address, IPAM state in the node's directory", () => {
    const c = cniConfig('/state/node/cni/ipam') as {
      plugins: { type: string; ipMasq?: boolean; ipam?: { dataDir: string; ranges: { gateway: string }[][] } }[];
    };
    const bridge = c.plugins.find((p) => p.type === 'bridge')!;
    expect(bridge.ipMasq).to.equal(false);
    expect(bridge.ipam!.dataDir).to.equal('/state/node/cni/ipam');
    expect(bridge.ipam!.ranges[0][0].gateway).to.equal(NODE.address);
    expect(c.plugins.map((p) => p.type)).to.not.include.members(['portmap', 'firewall']);
  });
});

describe('real node: images (pure parts)', () => {
  it("takes debootstrap's mirror from the apt sources, deb822 or one-line, never the security archive", () => {
    expect(aptMirror(['Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm\n'])).to.equal('http://mirror.example/debian');
    expect(
      aptMirror([
        'deb http://security.example/debian-security bookworm-security main\ndeb [arch=amd64] http://m.example/debian bookworm main\n',
      ]),
    ).to.equal('http://m.example/debian');
    expect(() => aptMirror([''])).to.throw(/no Debian mirror/);
  });

  it('describes one uncompressed layer whose diff ID is its digest', () => {
    let config: Buffer | undefined;
    const m = imageDocuments([{ digest: 'sha256:aa', size: 10 }], ['/pause'], (json) => {
      config = json;
      return { mediaType: 'application/vnd.oci.image.config.v1+json', digest: 'sha256:cc', size: json.length };
    });
    expect(m.layers).to.deep.equal([{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: 'sha256:aa', size: 10 }]);
    const parsed = JSON.parse(config!.toString()) as { rootfs: { diff_ids: string[] }; config: { Entrypoint: string[] } };
    expect(parsed.rootfs.diff_ids).to.deep.equal(['sha256:aa']);
    expect(parsed.config.Entrypoint).to.deep.equal(['/pause']);
  });
});

describe('the real node is ready for pods', () => {
  // Measured in .ci/run: right after up, the node was Ready while still carrying the not-ready NoExecute
  // taint the node lifecycle controller had set before kubelet's first status.
  it('only once the lifecycle taints are gone, whatever other taints the node has', () => {
    const node = (taints: { key: string; effect: string }[]) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'n' },
      spec: { taints },
    });
    expect(lifecycleTaints(node([{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]))).to.have.length(1);
    expect(lifecycleTaints(node([{ key: 'node.kubernetes.io/unreachable', effect: 'NoSchedule' }]))).to.have.length(1);
    expect(lifecycleTaints(node([{ key: 'example.com/gpu', effect: 'NoSchedule' }]))).to.deep.equal([]);
    expect(lifecycleTaints({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' } })).to.deep.equal([]);
  });
});
