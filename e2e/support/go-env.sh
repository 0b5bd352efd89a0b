# Sourced by the real tier's Go build scripts: one module and build cache under the e2e cache
# (outside the checkout), the local toolchain only, and timings printed for the docs.
set -euo pipefail
: "${QDB_E2E_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/questdb-cloud-e2e}"
export GOMODCACHE="$QDB_E2E_CACHE/go/mod" GOCACHE="$QDB_E2E_CACHE/go/build"
export GOTOOLCHAIN=local GOFLAGS="-modcacherw -buildvcs=false" CGO_ENABLED=0
export GOPROXY="${GOPROXY:-https://proxy.golang.org}" GONOSUMDB= GOSUMDB="${GOSUMDB:-sum.golang.org}"
# step NAME CMD...: runs CMD and prints its wall time and CPU time (user+sys of the go tool and
# the compilers it waits for): CPU time is the figure that carries over to a machine with free cores.
step() {
  local name="$1"; shift
  local TIMEFORMAT="[e2e-build] $name: %R s wall, %U s user + %S s sys CPU"
  time "$@"
}
