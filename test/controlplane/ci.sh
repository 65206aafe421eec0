#!/usr/bin/env bash
# CI: bring the real control plane up, run a command against it, and always bring it down.
#   test/controlplane/ci.sh [--real-node] COMMAND...
#   test/controlplane/ci.sh npm run e2e -- --cluster existing --skip-install --checks control-plane
#   test/controlplane/ci.sh --real-node npm run test:real
# COMMAND runs with KUBECONFIG exported; its exit code is the script's, and down runs regardless.
set -euo pipefail
cd "$(dirname "$0")/../.."
up_args=()
if [ "${1:-}" = "--real-node" ]; then up_args+=(--real-node); shift; fi
[ "$#" -gt 0 ] || { echo "usage: $0 [--real-node] COMMAND..." >&2; exit 2; }
trap 'npm run --silent controlplane -- down || echo "controlplane down failed" >&2' EXIT
out=$(npm run --silent controlplane -- up "${up_args[@]}")
echo "$out"
eval "$(echo "$out" | tail -n 1)"
export KUBECONFIG
# The istioctl built with istiod: e2e finds it on PATH (its version matches) and downloads nothing.
istioctl_bin=$(find "${WPT_CONTROLPLANE_CACHE:-$HOME/.cache/waypoint-conformance/controlplane}/bin" -name istioctl -type f | head -n 1)
[ -n "$istioctl_bin" ] && export PATH="$(dirname "$istioctl_bin"):$PATH"
npm run --silent controlplane -- status
"$@"
