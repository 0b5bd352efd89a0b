#!/usr/bin/env bash
# Builds the tier's Karpenter stand-in (the .go files beside this script) against Karpenter's core
# module from the Go module proxy: usage build.sh KARPENTER_VERSION OUT_DIR. A throwaway module
# in OUT_DIR/src requires sigs.k8s.io/karpenter at the pin; `go mod tidy` resolves and verifies
# the rest against the checksum database. The stand-in's own tests (judge_test.go) run before the
# binary is cached: a failing one fails the build, so no scenario runs on a broken stand-in.
source "$(dirname "$0")/../support/go-env.sh"
version="$1" out="$2"; here="$(cd "$(dirname "$0")" && pwd)"; work="$out/src"
rm -rf "$work"; mkdir -p "$work"; cp "$here"/*.go "$work/"; cd "$work"
cat > go.mod <<MOD
module qdbe2e/karpenterstandin

go 1.26

require sigs.k8s.io/karpenter $version
MOD
step "karpenter-standin (karpenter $version) download" go mod tidy
step "karpenter-standin (karpenter $version) build" go build -trimpath -ldflags "-s -w" -o "$out/karpenter-standin" .
# Same flags as the build, so the test compiles only this package; vet is not the point here.
step "karpenter-standin (karpenter $version) test" go test -trimpath -vet=off -count=1 .
echo "karpenter-standin built against sigs.k8s.io/karpenter version $(go list -m -f '{{.Version}}' sigs.k8s.io/karpenter)"
