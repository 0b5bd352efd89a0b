#!/usr/bin/env bash
# `npm run test:e2e`: every real-components test file (e2e/**/*.e2e.test.ts), one file at a
# time (they start real servers on a 2-core machine). Finding no file is a failure, not a pass.
set -euo pipefail
cd "$(dirname "$0")/../.."
mapfile -t files < <(find e2e -name "*.e2e.test.ts" | sort)
if [ "${#files[@]}" -eq 0 ]; then
    echo "test:e2e: no e2e/**/*.e2e.test.ts file found: nothing was tested" >&2
    exit 1
fi
echo "test:e2e: node $(node --version), ${#files[@]} files: ${files[*]}"
# Said on every run, never skipped silently: the real-engine tier (issue 16) is not part of this
# command yet. Its cold build (four Go binaries) is unmeasured on a quiet machine and its edit
# scenarios are unfinished; `npm run test:engine` runs it (docs/e2e-engine.md).
echo "test:e2e: NOT included: the real Pulumi engine + kube-apiserver tier (npm run test:engine, docs/e2e-engine.md)"
exec node --import tsx --test --test-concurrency=1 --test-timeout=3600000 "${files[@]}"
