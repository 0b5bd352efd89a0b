#!/usr/bin/env bash
# Copies the Prometheus Operator's published CRD manifests out of its module zip on the Go module
# proxy: usage crds.sh VERSION OUT_DIR. Never hand-written: these are the files the project ships.
source "$(dirname "$0")/../support/go-env.sh"
version="$1" out="$2"; mod=github.com/prometheus-operator/prometheus-operator
dir=$(step "prometheus-operator $version download" go mod download -json "$mod@$version" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')
for kind in servicemonitors prometheusrules; do
  cp "$dir/example/prometheus-operator-crd/monitoring.coreos.com_$kind.yaml" "$out/"
done
echo "prometheus-operator CRDs version $version"
