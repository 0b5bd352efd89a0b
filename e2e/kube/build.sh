#!/usr/bin/env bash
# Builds kube-apiserver and kube-controller-manager from k8s.io/kubernetes: usage build.sh
# VERSION OUT_DIR (VERSION like v1.36.3). k8s.io/kubernetes replaces its staging modules with
# ./staging paths; the throwaway module replaces each with its published v0.MINOR.PATCH, and the
# version is stamped (the pulumi-kubernetes provider refuses a cluster that reports v0.0.0).
source "$(dirname "$0")/../support/go-env.sh"
version="$1" out="$2"; work="$out/src"; mkdir -p "$work"; cd "$work"
minor="${version#v1.}"; minor="${minor%%.*}"; staging="v0.${version#v1.}"
mod=$(modfile "k8s.io/kubernetes@$version")
{
  echo "module qdbe2e/kube"; echo; echo "go 1.26"; echo
  echo "require k8s.io/kubernetes $version"; echo
  echo "$mod" | awk -v v="$staging" '/=> \.\/staging\/src\// { print "replace " $1 " => " $1 " " v }'
} > go.mod
cat > tools.go <<'SRC'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
)
SRC
step "kubernetes $version download" go mod tidy
pkg=k8s.io/component-base/version
ld="-s -w -X $pkg.gitVersion=$version -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
ld="$ld -X k8s.io/client-go/pkg/version.gitVersion=$version -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$minor"
step "kube-apiserver $version build" go build -trimpath -ldflags "$ld" -o "$out/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver
step "kube-controller-manager $version build" go build -trimpath -ldflags "$ld" -o "$out/kube-controller-manager" k8s.io/kubernetes/cmd/kube-controller-manager
"$out/kube-apiserver" --version
