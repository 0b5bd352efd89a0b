#!/usr/bin/env bash
# Builds the Pulumi CLI from github.com/pulumi/pulumi/pkg/v3: usage build.sh VERSION OUT_DIR.
# pkg/go.mod replaces sdk/v3 with ../sdk, so a throwaway module requires both at one version and
# copies pkg's other replaces. The version is stamped, or the Automation API cannot parse it.
source "$(dirname "$0")/../support/go-env.sh"
version="$1" out="$2"; work="$out/src"; mkdir -p "$work"; cd "$work"
{
  echo "module qdbe2e/pulumi"; echo; echo "go 1.26"; echo
  echo "require ("; echo "	github.com/pulumi/pulumi/pkg/v3 $version"; echo "	github.com/pulumi/pulumi/sdk/v3 $version"; echo ")"; echo
  modfile "github.com/pulumi/pulumi/pkg/v3@$version" | grep '^replace ' | grep -v '=> \.\./'
} > go.mod
cat > tools.go <<'SRC'
//go:build tools

package tools

import _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"
SRC
step "pulumi $version download" go mod tidy
step "pulumi $version build" go build -trimpath -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version" -o "$out/bin/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
"$out/bin/pulumi" version
