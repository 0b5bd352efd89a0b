#!/usr/bin/env bash
# Builds etcd's server from the Go module proxy: usage build.sh VERSION OUT_DIR.
# server/go.mod replaces its siblings with ../paths, so `go install ...@v` fails; a throwaway
# module requiring server/v3 resolves them at the same published version.
source "$(dirname "$0")/../support/go-env.sh"
version="$1" out="$2"; work="$out/src"; mkdir -p "$work"; cd "$work"
cat > go.mod <<MOD
module qdbe2e/etcd

go 1.24

require go.etcd.io/etcd/server/v3 $version
MOD
cat > tools.go <<'SRC'
//go:build tools

package tools

import _ "go.etcd.io/etcd/server/v3"
SRC
step "etcd $version download" go mod tidy
step "etcd $version build" go build -trimpath -ldflags "-s -w" -o "$out/etcd" go.etcd.io/etcd/server/v3
"$out/etcd" --version | head -1
