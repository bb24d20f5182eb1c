#!/usr/bin/env bash
# make fuzz: the deeper Schemathesis run (random seed, more examples) against a private stack; see scripts/test-openapi.sh.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
cd "$ROOT"
ensure_command redis-server redis-server
say "== building (debug)"
swift build >/dev/null || die "the build failed"
ORDERSHOP_BIN_DIR="$(swift build --show-bin-path)" exec "$ROOT/scripts/test-openapi.sh" --fuzz
