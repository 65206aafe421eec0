/** What a command line says about the cluster and what goes on it: setup, the plan and the preflight read these. */
import type { PodSecurityLevel } from '../manifests/pod-security.ts';
import type { Images } from '../versions/images.ts';

export interface SetupOptions {
  /** Create a kind cluster, or use the one the kubeconfig and context name. */
  cluster: 'kind' | 'existing';
  kubeconfig?: string;
  context?: string;
  /** The Istio release to install (or that is installed, with skipInstall). */
  istioVersion: string;
  /** Reuse / keep the kind cluster. */
  reuseCluster: boolean;
  keepCluster: boolean;
  /** Install nothing; check that the Gateway API CRDs and Istio ambient are present. */
  skipInstall: boolean;
  /** The GatewayClass of the waypoints under test. */
  gatewayClass: string;
  /** The images the run deploys: the pinned ones with --image overrides. */
  images: Images;
  reportDir: string;
  /** Binaries to use instead of PATH, the cache or a download. */
  istioctl?: string;
  kind?: string;
  /** Where istiod runs and its revision, when the cluster cannot say (harness/mesh/mesh.ts reads them otherwise). */
  istioNamespace?: string;
  revision?: string;
  /** The Pod Security level the run's namespaces enforce (default restricted). */
  podSecurity?: PodSecurityLevel;
}
