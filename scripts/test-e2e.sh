#!/usr/bin/env bash
# Runs every end-to-end test file once per Kubernetes release listed in test/e2e/cluster/releases (or the
# releases given as arguments, e.g. `scripts/test-e2e.sh 1.37`), against etcd, kube-apiserver and kubectl
# built from that release by scripts/e2e-build.sh, and helm built by scripts/build-helm.sh (both run first: seconds
# when they are built).
# Each test name ends in "[Kubernetes <minor>]". Exits non-zero if any release failed.
set -uo pipefail
cd "$(dirname "$0")/.."
# Node 24 from the npm `node` package, also when this runs outside npm.
export PATH="$PWD/node_modules/.bin:$PATH"

if (($# > 0)); then releases=("$@"); else mapfile -t releases < <(grep -v '^#' test/e2e/cluster/releases | grep .); fi
scripts/e2e-build.sh "${releases[@]}" || exit 1
# helm for the chart's install/upgrade/uninstall tests (seconds when built).
scripts/build-helm.sh >/dev/null || exit 1

status=0
summary=()
for release in "${releases[@]}"; do
  echo "=== e2e against Kubernetes $release ==="
  start=$SECONDS
  STATEGUARD_E2E_KUBERNETES=$release node --test --test-reporter=spec 'test/e2e/**/*.test.ts'
  code=$?
  summary+=("Kubernetes $release: $([[ $code == 0 ]] && echo passed || echo "FAILED (exit $code)") in $((SECONDS - start))s")
  ((code == 0)) || status=1
done
printf 'e2e %s\n' "${summary[@]}"
exit $status
