#!/usr/bin/env bash
# CI: bring the real control plane up, run the given command against it, and always bring it down.
#   test/controlplane/ci.sh npm run e2e -- --cluster existing --skip-install --checks control-plane
# The command runs with KUBECONFIG set to the control plane's kubeconfig; its exit code is ours.
set -euo pipefail
cd "$(dirname "$0")/../.."
trap 'npm run --silent controlplane -- down || true' EXIT
eval "$(npm run --silent controlplane -- up | tail -n 1)"
export KUBECONFIG
npm run --silent controlplane -- status
"$@"
