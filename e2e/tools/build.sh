#!/usr/bin/env bash
# Builds the pinned upstream tools the e2e suite runs into e2e/bin/, from the wrapper modules beside this
# script (one go.mod per upstream: their k8s.io versions differ). A binary is rebuilt only when its wrapper's
# go.mod, go.sum or this script changed; Go's own build cache makes a rebuild after that fast.
#   e2e/tools/build.sh [kubernetes|etcd|traefik|helm ...]   (default: all)
set -euo pipefail
tools_dir=$(cd "$(dirname "$0")" && pwd)
bin_dir=${E2E_BIN_DIR:-$tools_dir/../bin}
mkdir -p "$bin_dir"
export CGO_ENABLED=0 GOFLAGS=-mod=readonly GOTOOLCHAIN=local

# The wrappers need Go 1.26 (Traefik's and Helm's go.mod); Debian's golang-go may come first on PATH.
go_minor() { "$1" env GOVERSION 2>/dev/null | sed -n 's/^go1\.\([0-9]*\).*/\1/p'; }
if [ "$(go_minor go)" -lt 26 ] 2>/dev/null || ! command -v go >/dev/null; then
  if [ -x /usr/local/go/bin/go ] && [ "$(go_minor /usr/local/go/bin/go)" -ge 26 ]; then
    export PATH="/usr/local/go/bin:$PATH"
  else
    echo "e2e tools: Go 1.26 or later is needed (found: $(go env GOVERSION 2>/dev/null || echo none))" >&2
    exit 2
  fi
fi

# Prints the version a wrapper requires of a module.
required() { awk -v m="$2" '$1 == m || ($1 == "require" && $2 == m) { print $NF; exit }' "$tools_dir/$1/go.mod"; }

# build TOOL OUTPUTS... -- GO-BUILD-ARGS...: skips when every output carries the current stamp.
build() {
  local tool=$1; shift
  local outputs=()
  while [ "$1" != -- ]; do outputs+=("$1"); shift; done
  shift
  local stamp
  stamp=$(cat "$tools_dir/$tool/go.mod" "$tools_dir/$tool/go.sum" "$0" | sha256sum | cut -c1-16)
  local fresh=1 out
  for out in "${outputs[@]}"; do
    [ -x "$bin_dir/$out" ] && [ "$(cat "$bin_dir/.$out.stamp" 2>/dev/null)" = "$stamp" ] || fresh=0
  done
  if [ "$fresh" = 1 ]; then echo "e2e tools: $tool is built (${outputs[*]})"; return; fi
  echo "e2e tools: building $tool (${outputs[*]})"
  local start=$SECONDS
  (cd "$tools_dir/$tool" && go build -trimpath "$@")
  for out in "${outputs[@]}"; do echo "$stamp" > "$bin_dir/.$out.stamp"; done
  echo "e2e tools: $tool built in $((SECONDS - start)) s"
}

build_kubernetes() {
  local v; v=$(required kubernetes k8s.io/kubernetes)
  local major=${v#v}; major=${major%%.*}
  local minor=${v#v"$major".}; minor=${minor%%.*}
  local ld="-s -w" pkg
  # Unstamped binaries report v0.0.0-master, which Helm's and kubectl's version checks reject.
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld+=" -X $pkg.gitVersion=$v -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean"
    ld+=" -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  local cmds=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet)
  build kubernetes "${cmds[@]}" -- -ldflags "$ld" -o "$bin_dir/" "${cmds[@]/#/k8s.io/kubernetes/cmd/}"
}

build_etcd() {
  local v; v=$(required etcd go.etcd.io/etcd/server/v3)
  # etcd reports its api module's version; the wrapper requires the same release of both.
  build etcd etcd -- -ldflags "-s -w" -o "$bin_dir/etcd" .
}

build_traefik() {
  local v; v=$(required traefik github.com/traefik/traefik/v3)
  build traefik traefik -- -ldflags "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$v" \
    -o "$bin_dir/traefik" github.com/traefik/traefik/v3/cmd/traefik
}

build_helm() {
  local v; v=$(required helm helm.sh/helm/v4)
  build helm helm -- -ldflags "-s -w -X helm.sh/helm/v4/internal/version.version=$v" \
    -o "$bin_dir/helm" helm.sh/helm/v4/cmd/helm
}

tools=("$@")
[ ${#tools[@]} -gt 0 ] || tools=(etcd helm traefik kubernetes)
for tool in "${tools[@]}"; do
  case $tool in
    kubernetes|etcd|traefik|helm) "build_$tool" ;;
    *) echo "e2e tools: unknown tool '$tool' (kubernetes, etcd, traefik, helm)" >&2; exit 2 ;;
  esac
done
