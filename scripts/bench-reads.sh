#!/usr/bin/env bash
# make bench (reads at scale): a fresh stack (release build, private Redis and PostgreSQL, the nine services) preloaded
# with 40,000 orders through the gateway; then GET /orders on one connection, plain and conditional (If-None-Match,
# answered 304), and the mixed preset (orders=60,reads=30,report=10) at 16 connections, with Redis's SLOWLOG set to
# 2 ms for the measured part. Correctness checks of every load run must pass.
#
# Prints:
#   orders-list: n=40000 p50=X ms p99=Y ms
#   orders-list-304: n=40000 p50=X ms p99=Y ms
#   mixed-40k-c16: orders ok=N/s p99=X ms reads p50=Y ms report p50=Z ms total=T req/s
#   slowlog: N commands over 2 ms (then the slowest five, if any)
# With BASELINE_BIN_DIR=<the release bin dir of another checkout>, the same runs first on a stack of that build's
# services (driven by this build's client), each line marked `baseline`, and a closing `ratio:` line compares the two.
# BENCH_ORDERS (default 40000) and BENCH_MIXED_SECONDS (default 15) size the run.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
source "$(dirname "$0")/lib/fresh-stack.sh"
source "$(dirname "$0")/lib/baseline.sh"
cd "$ROOT"

ORDERS="${BENCH_ORDERS:-40000}"
MIXED_SECONDS="${BENCH_MIXED_SECONDS:-15}"
build_release
FAILED=0

# One whole case on a fresh stack of the services in $BIN; $1 marks its lines (empty for ours).
measure() {
  local mark="$1" label="${1:+ $1}"
  start_fresh_stack
  "$CLIENT" load --url "$GATEWAY" --connections 4 --mix orders --requests 4 --preload-orders "$ORDERS" --settle 600 \
    --quiet --line "# preloaded $ORDERS orders$label" || FAILED=1
  redis-cli -p "$REDIS_PORT" CONFIG SET slowlog-log-slower-than 2000 slowlog-max-len 100000 >/dev/null
  redis-cli -p "$REDIS_PORT" SLOWLOG RESET >/dev/null
  "$CLIENT" load --url "$GATEWAY" --connections 1 --mix reads --duration 3 --quiet \
    --line "orders-list: n=$ORDERS p50={p50} ms p99={p99} ms$label" || FAILED=1
  "$CLIENT" load --url "$GATEWAY" --connections 1 --mix reads --duration 3 --quiet --if-none-match \
    --line "orders-list-304: n=$ORDERS p50={p50} ms p99={p99} ms$label" || FAILED=1
  "$CLIENT" load --url "$GATEWAY" --connections 16 --duration "$MIXED_SECONDS" --mix mixed --quiet \
    --line "mixed-40k-c16: orders ok={orders.ok_rate}/s p99={orders.p99} ms reads p50={reads.p50} ms report p50={report.p50} ms total={total.rate} req/s$label" \
    | tee "$WORK/mixed.line" || FAILED=1
  cp "$WORK/mixed.line" "/tmp/ordershop-bench-reads${mark:+-$mark}.line"
  say "slowlog: $(redis-cli -p "$REDIS_PORT" SLOWLOG LEN) commands over 2 ms$label"
  # The slowest five: microseconds, client name, the command and its first arguments.
  redis-cli -p "$REDIS_PORT" --json SLOWLOG GET 128 | python3 -c '
import json, sys
entries = sorted(json.load(sys.stdin), key=lambda e: -e[2])[:5]
for e in entries:
    print("#   %d us  %s  %s" % (e[2], e[5] or e[4], " ".join(str(a) for a in e[3][:4])[:100]))
'
  fresh_stack_cleanup
  trap - EXIT
}

measure_with_baseline measure

if [[ -n "${BASELINE_BIN_DIR:-}" ]]; then
  total() { sed -E 's/.*total=([0-9.]+) req\/s.*/\1/' "$1"; }
  say_baseline_ratio "mixed-40k-c16 total" "$(total /tmp/ordershop-bench-reads.line)" "$(total /tmp/ordershop-bench-reads-baseline.line)" 1
fi
exit "$FAILED"
