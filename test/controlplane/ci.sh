#!/usr/bin/env bash
# CI: bring the real control plane up, run a command against it, and always bring it down.
#   test/controlplane/ci.sh [--real-node [--mesh-images DIR]] [--trust-domain D] [--revision R] [--istio-namespace NS] COMMAND...
#   test/controlplane/ci.sh npm run e2e -- --cluster existing --skip-install --checks control-plane
#   test/controlplane/ci.sh --real-node npm run test:real
# The options before COMMAND are npm run controlplane -- up's.
# COMMAND runs with KUBECONFIG exported. down runs regardless and fails unless the host is as up
# found it; the script's exit code is COMMAND's, or 1 if COMMAND passed and down failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
up_args=()
while [ "$#" -gt 0 ]; do
  case "$1" in
    --real-node) up_args+=(--real-node); shift ;;
    --mesh-images|--trust-domain|--revision|--istio-namespace) up_args+=("$1" "$2"); shift 2 ;;
    *) break ;;
  esac
done
[ "$#" -gt 0 ] || { echo "usage: $0 [--real-node [--mesh-images DIR]] [--trust-domain D] [--revision R] [--istio-namespace NS] COMMAND..." >&2; exit 2; }
finish() {
  local code=$?
  if ! npm run --silent controlplane -- down; then
    echo "controlplane down failed" >&2
    [ "$code" -eq 0 ] && code=1
  fi
  exit "$code"
}
trap finish EXIT
out=$(npm run --silent controlplane -- up "${up_args[@]}")
echo "$out"
eval "$(echo "$out" | tail -n 1)"
export KUBECONFIG
# The istioctl built with istiod: e2e finds it on PATH (its version matches) and downloads nothing.
istioctl_bin=$(find "${WPT_CONTROLPLANE_CACHE:-$HOME/.cache/waypoint-conformance/controlplane}/bin" -name istioctl -type f | head -n 1)
[ -n "$istioctl_bin" ] && export PATH="$(dirname "$istioctl_bin"):$PATH"
npm run --silent controlplane -- status
"$@"
