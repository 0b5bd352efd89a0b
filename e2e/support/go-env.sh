# Sourced by the real tier's Go build scripts: one module and build cache under the e2e cache
# (outside the checkout), the local toolchain only, and timings printed for the docs.
set -euo pipefail
: "${QDB_E2E_CACHE:=${XDG_CACHE_HOME:-$HOME/.cache}/questdb-cloud-e2e}"
export GOMODCACHE="$QDB_E2E_CACHE/go/mod" GOCACHE="$QDB_E2E_CACHE/go/build"
export GOTOOLCHAIN=local GOFLAGS="-modcacherw -buildvcs=false" CGO_ENABLED=0
export GOPROXY="${GOPROXY:-https://proxy.golang.org}" GONOSUMDB= GOSUMDB="${GOSUMDB:-sum.golang.org}"
now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# step NAME CMD...: runs CMD and prints how long it took.
step() { local name="$1"; shift; local t; t=$(now); "$@"; echo "[e2e-build] $name: $(elapsed "$t") s" >&2; }
