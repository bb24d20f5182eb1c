#!/usr/bin/env bash
# make bench: every benchmark script present (scripts/bench-*.sh), one after the other.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
found=0 failed=0
for script in "$ROOT"/scripts/bench-*.sh; do
  [[ -x "$script" ]] || continue
  found=1
  say "== $(basename "$script" .sh)"
  "$script" || { failed=1; say "$(basename "$script") failed"; }
done
((found)) || die "no benchmark scripts (scripts/bench-*.sh)"
exit "$failed"
