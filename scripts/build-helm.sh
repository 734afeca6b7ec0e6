#!/usr/bin/env bash
# Builds the helm binary the chart tests run (helm lint/template in the unit tests, helm install/upgrade/
# uninstall in e2e) from its Go module, pinned in tools/helm/go.mod, into .cache/tools/helm-<version>/helm.
# Skips the build when that binary exists (a versioned folder: moving the pin builds beside the old one).
# Prints the path of the binary on its last line.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/tools/helm"
version=$(go list -m -f '{{.Version}}' helm.sh/helm/v4)
out="$root/.cache/tools/helm-$version"
if [[ -x $out/helm ]]; then
  echo "helm $version: already built ($out/helm)" >&2
else
  echo "helm $version: building helm.sh/helm/v4/cmd/helm ..." >&2
  start=$SECONDS
  mkdir -p "$out"
  export CGO_ENABLED=0 GOMAXPROCS="${GOMAXPROCS:-$(nproc)}"
  ldflags="-s -w -X helm.sh/helm/v4/internal/version.version=$version"
  ldflags+=" -X helm.sh/helm/v4/internal/version.gitTreeState=clean"
  # Under a temporary name so an interrupted build never looks finished.
  go build -trimpath -p "$GOMAXPROCS" -ldflags="$ldflags" -o "$out/.helm.tmp" helm.sh/helm/v4/cmd/helm
  mv "$out/.helm.tmp" "$out/helm"
  echo "helm $version: built in $((SECONDS - start))s, $(du -h "$out/helm" | cut -f1)" >&2
fi
echo "$out/helm"
