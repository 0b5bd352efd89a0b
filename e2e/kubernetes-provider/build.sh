#!/usr/bin/env bash
# Builds the pulumi-kubernetes resource plugin: usage build.sh MODULE_VERSION RELEASE OUT_DIR,
# e.g. v4.0.0-20260115033456-f47bc2d6f199 4.25.0 (the proxy serves provider/v4 only as
# pseudo-versions). The upstream main.go embeds files `go generate` writes from schema.json; they
# are not in the module zip, so a wrapper main.go embeds the same files generated here.
source "$(dirname "$0")/../support/go-env.sh"
modversion="$1" release="$2" out="$3"; work="$out/src"; mkdir -p "$work"; cd "$work"
mod=github.com/pulumi/pulumi-kubernetes/provider/v4
cat > go.mod <<MOD
module qdbe2e/kubernetesprovider

go 1.24

require $mod $modversion
MOD
cat > main.go <<'SRC'
// The upstream provider/cmd/pulumi-resource-kubernetes/main.go, with the generated files beside it.
package main

import (
	_ "embed"

	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
	"github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version"
)

//go:embed schema-embed.json
var pulumiSchema []byte

//go:embed terraform-mapping-embed.json
var terraformMapping []byte

func main() {
	provider.Serve("kubernetes", version.Version, pulumiSchema, terraformMapping)
}
SRC
echo '{}' > schema-embed.json; echo '{}' > terraform-mapping-embed.json
step "pulumi-kubernetes $release download" go mod tidy
src="$(go list -m -f '{{.Dir}}' $mod)/cmd/pulumi-resource-kubernetes"
# What upstream's generate.go does: the schema with its version set, both files compacted.
RELEASE="$release" SRC="$src" node -e '
  const fs = require("fs"), p = process.env.SRC;
  const schema = JSON.parse(fs.readFileSync(p + "/schema.json", "utf8"));
  schema.version = process.env.RELEASE;
  fs.writeFileSync("schema-embed.json", JSON.stringify(schema));
  fs.writeFileSync("terraform-mapping-embed.json", JSON.stringify(JSON.parse(fs.readFileSync(p + "/terraform-mapping.json", "utf8"))));'
step "pulumi-kubernetes $release build" go build -trimpath -ldflags "-s -w -X $mod/pkg/version.Version=$release" -o "$out/pulumi-resource-kubernetes" .
