#!/usr/bin/env bash
# `npm run test:e2e`: every real-components test file (e2e/**/*.e2e.test.ts), one file at a
# time (they start real servers on a 2-core machine), the real-engine tier
# (e2e/engine/scenarios.e2e.test.ts, docs/e2e-engine.md) included. Finding no file is a failure,
# not a pass.
set -euo pipefail
cd "$(dirname "$0")/../.."
mapfile -t files < <(find e2e -name "*.e2e.test.ts" | sort)
if [ "${#files[@]}" -eq 0 ]; then
    echo "test:e2e: no e2e/**/*.e2e.test.ts file found: nothing was tested" >&2
    exit 1
fi
echo "test:e2e: node $(node --version), ${#files[@]} files: ${files[*]}"
# The real-engine tier's Go components, built once per machine (about half an hour) before any
# test file starts, so their build is not cut short by a file's timeout (e2e/engine/build.ts).
node --import tsx e2e/engine/build.ts
exec node --import tsx --test --test-concurrency=1 --test-timeout=3600000 "${files[@]}"
