#!/usr/bin/env bash
# Builds kube-apiserver, kubectl and etcd for the end-to-end tests, one set per
# Kubernetes release listed in test/e2e/cluster/releases (or given as arguments,
# e.g. `scripts/e2e-build.sh 1.37`), into
# .cache/e2e-bin/<kubernetes-version>-<etcd-version>/, skipping binaries that are
# already there. The versions come from test/e2e/cluster/<minor>/go.mod.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
if (($# > 0)); then releases=("$@"); else mapfile -t releases < <(grep -v '^#' "$root/test/e2e/cluster/releases" | grep .); fi

# The upstream releases are static binaries; -p matches the 2-core machines.
export CGO_ENABLED=0 GOMAXPROCS="${GOMAXPROCS:-$(nproc)}"
build_flags=(-trimpath -p "$GOMAXPROCS")

build() {
  local out=$1 name=$2 pkg=$3 ldflags=$4
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

for release in "${releases[@]}"; do
  dir="$root/test/e2e/cluster/$release"
  [[ -f $dir/go.mod ]] || { echo "e2e release $release: no $dir/go.mod (scripts/e2e-release-gomod.sh writes it)" >&2; exit 1; }
  cd "$dir"
  k8s_version=$(go list -m -f '{{.Version}}' k8s.io/kubernetes)
  etcd_version=$(go list -m -f '{{.Version}}' go.etcd.io/etcd/server/v3)
  out="$root/.cache/e2e-bin/$k8s_version-$etcd_version"
  mkdir -p "$out"

  # Without these the apiserver and kubectl report v0.0.0-master.
  k8s_minor=${k8s_version#v1.}
  k8s_minor=${k8s_minor%%.*}
  version_ldflags=""
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    version_ldflags+=" -X $pkg.gitVersion=$k8s_version -X $pkg.gitMajor=1"
    version_ldflags+=" -X $pkg.gitMinor=$k8s_minor -X $pkg.gitTreeState=clean"
    version_ldflags+=" -X $pkg.buildDate=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  done

  release_start=$SECONDS
  build "$out" etcd go.etcd.io/etcd/server/v3 ""
  build "$out" kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$version_ldflags"
  build "$out" kubectl k8s.io/kubernetes/cmd/kubectl "$version_ldflags"
  echo "e2e binaries for Kubernetes $release ready in $out ($((SECONDS - release_start))s)"
done
