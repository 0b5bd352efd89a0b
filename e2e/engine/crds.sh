#!/usr/bin/env bash
# Copies published CRD manifests out of a project's module zip on the Go module proxy: usage
# crds.sh MODULE VERSION OUT_DIR FILE... (FILE relative to the module's root). Never hand-written:
# these are the files each project ships for `kubectl apply`.
source "$(dirname "$0")/../support/go-env.sh"
mod="$1" version="$2" out="$3"; shift 3
dir=$(step "$mod CRDs $version download" go mod download -json "$mod@$version" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
for file in "$@"; do
  cp "$dir/$file" "$out/"
done
echo "$mod CRDs version $version"
