/** The images the suite deploys, pinned, and --image overrides of them. */

/** The images the suite deploys itself; --image overrides any of them (a private mirror). */
export interface Images {
  curl: string;
  echo: string;
  /**
   * A gRPC backend: Gateway API's echo-advanced, Istio's echo app (gateway-api docker/Dockerfile.echo-advanced),
   * at the tag kubernetes-sigs/gateway-api v1.6.0 conformance/mesh/manifests.yaml deploys.
   */
  grpcEcho: string;
  /** bookinfo's images are <hub>/examples-bookinfo-<service>-<version>:<tag> (istio samples/bookinfo). */
  bookinfoHub: string;
  bookinfoTag: string;
}

export const IMAGES: Images = {
  curl: 'docker.io/curlimages/curl:8.16.0',
  echo: 'docker.io/mendhak/http-https-echo:37',
  grpcEcho: 'registry.k8s.io/gateway-api/echo-advanced:v1.5.1',
  bookinfoHub: 'docker.io/istio',
  bookinfoTag: '1.20.3',
};

const IMAGE_KEYS: Record<string, keyof Images> = {
  curl: 'curl',
  echo: 'echo',
  'grpc-echo': 'grpcEcho',
  'bookinfo-hub': 'bookinfoHub',
  'bookinfo-tag': 'bookinfoTag',
};

/** The images with --image key=ref overrides applied; a bad key or an empty reference throws, naming the keys. */
export function imagesWith(overrides: string[] = [], base: Images = IMAGES): Images {
  const out = { ...base };
  for (const pair of overrides) {
    const at = pair.indexOf('=');
    const key = IMAGE_KEYS[pair.slice(0, at)];
    const ref = pair.slice(at + 1).trim();
    if (at < 0 || !key || !ref)
      throw new Error(`--image ${pair}: expected KEY=REFERENCE with KEY one of ${Object.keys(IMAGE_KEYS).join(', ')}`);
    out[key] = ref;
  }
  return out;
}

/** The fixture variables the images fill. */
export function imageVars(images: Images): Record<string, string> {
  return {
    CURL_IMAGE: images.curl,
    ECHO_IMAGE: images.echo,
    GRPC_ECHO_IMAGE: images.grpcEcho,
    BOOKINFO_HUB: images.bookinfoHub,
    BOOKINFO_TAG: images.bookinfoTag,
  };
}
