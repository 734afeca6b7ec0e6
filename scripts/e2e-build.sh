#!/usr/bin/env bash
# Builds kube-apiserver and etcd for the end-to-end tests into
# .cache/e2e-bin/<kubernetes-version>-<etcd-version>/, skipping binaries that are
# already there. The versions come from test/e2e/cluster/go.mod.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/test/e2e/cluster"

k8s_version=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)
etcd_version=$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
out="$root/.cache/e2e-bin/$k8s_version-$etcd_version"
mkdir -p "$out"

# Both upstream releases are static binaries; -p matches the 2-core machines.
export CGO_ENABLED=0 GOMAXPROCS="${GOMAXPROCS:-$(nproc)}"
build_flags=(-trimpath -p "$GOMAXPROCS")

# Without these the apiserver reports v0.0.0-master, and kubectl (and the kubectl
# dispatcher, which picks its binary by server version) would not recognise it.
k8s_minor=${k8s_version#v1.}
k8s_minor=${k8s_minor%%.*}
version_ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  version_ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1"
  version_ldflags+=" -X $pkg.gitMinor=$k8s_minor -X $pkg.gitTreeState=clean"
  version_ldflags+=" -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
done

build() {
  local name=$1 pkg=$2 ldflags=$3
  if [[ -x "$out/$name" ]]; then
    echo "$name: already built ($out/$name)"
    return
  fi
  echo "$name: building $pkg ..."
  local start=$SECONDS
  # Build under a temporary name so an interrupted build never looks finished.
  go build "${build_flags[@]}" -ldflags="-s -w$ldflags" -o "$out/.$name.tmp" "$pkg"
  mv "$out/.$name.tmp" "$out/$name"
  echo "$name: built in $((SECONDS - start))s, $(du -h "$out/$name" | cut -f1)"
}

total_start=$SECONDS
build etcd go.etcd.io/etcd/server/v3 ""
build kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$version_ldflags"
echo "e2e binaries ready in $out ($((SECONDS - total_start))s)"
