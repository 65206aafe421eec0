/**
 * Maintainer tool: writes harness/versions/pins.ts, the sha256 of everything the suite downloads.
 *
 * Manifests without a published checksum (MetalLB's metallb-native.yaml, the Gateway API CRDs): the
 * bytes come from the Go module proxy through `go mod download`, which checks each module against
 * the Go checksum database (sum.golang.org); a module zip holds the files of the release tag exactly
 * as raw.githubusercontent.com serves them. Needs Go on PATH.
 *
 * Release assets (the kind binary, the Istio archives of every nightly release and the default, for
 * linux and macOS on amd64 and arm64): the checksum file each release publishes beside the asset
 * (kind: <asset>.sha256sum, Istio: <asset>.sha256), fetched once here and reviewed in the diff.
 *
 *   npm run pins            # after changing a version in versions.ts
 */
import { runMain } from '../harness/cli/main.ts';
import { HELP, main } from '../harness/cli/pins.ts';

await runMain(HELP, main);
