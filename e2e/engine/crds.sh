#!/usr/bin/env bash
# Copies published CRD manifests out of a project's module zip on the Go module proxy: usage
# crds.sh MODULE VERSION OUT_DIR FILE... (FILE relative to the module's root). Never hand-written:
# these are the files each project ships for `kubectl apply`.
source "$(dirname "$0")/../support/go-env.sh"
mod="$1" version="$2" out="$3"; shift 3
info=$(step "$mod CRDs $version download" go mod download -json "$mod@$version" || true)
dir=$(sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p' <<<"$info")
zip=$(sed -n 's/^\s*"Zip": "\(.*\)",$/\1/p' <<<"$info")
for file in "$@"; do
  if [ -n "$dir" ]; then
    cp "$dir/$file" "$out/"
  elif [ -n "$zip" ] && [ -f "${zip%.zip}.ziphash" ]; then
    # A module whose go.mod asks for a newer Go than this machine's is downloaded and verified
    # (its .ziphash is written only after the checksum database agrees) but not extracted: its
    # files are read from the verified zip itself. Nothing is built from it.
    unzip -p "$zip" "$mod@$version/$file" >"$out/$(basename "$file")"
  else
    echo "crds.sh: $mod@$version could not be downloaded: $info" >&2
    exit 1
  fi
done
echo "$mod CRDs version $version"
