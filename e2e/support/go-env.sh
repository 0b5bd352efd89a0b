# Sourced by the real tier's Go build scripts: one module and build cache under the e2e cache
# (outside the checkout), the local toolchain only, and timings printed for the docs.
set -euo pipefail
: "${QDB_E2E_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/questdb-cloud-e2e}"
export GOMODCACHE="$QDB_E2E_CACHE/go/mod" GOCACHE="$QDB_E2E_CACHE/go/build"
export GOTOOLCHAIN=local GOFLAGS="-modcacherw -buildvcs=false" CGO_ENABLED=0
# The module proxy and checksum database are Go's own defaults (or the machine's `go env -w`):
# nothing here names a registry. modfile MODULE@VERSION prints that module's go.mod, fetched by
# the go command itself (into the module cache, which the build then reuses).
modfile() {
  local file
  file=$(go mod download -json "$1" | sed -n 's/^[[:space:]]*"GoMod": "\(.*\)",\{0,1\}$/\1/p')
  [[ -n "$file" ]] || { echo "go mod download $1 gave no go.mod" >&2; return 1; }
  cat "$file"
}
# step NAME CMD...: runs CMD and prints its wall time and CPU time (user+sys of the go tool and
# the compilers it waits for): CPU time is the figure that carries over to a machine with free cores.
step() {
  local name="$1"; shift
  local TIMEFORMAT="[e2e-build] $name: %R s wall, %U s user + %S s sys CPU"
  time "$@"
}
