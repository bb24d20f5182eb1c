#!/usr/bin/env bash
# make bench (orders vs the Redis-only floor): on a fresh stack (release build, private Redis on a free port, the nine
# services), accepted single-product orders/s through the gateway at 16 connections (`ordershop-client load`, whose
# correctness checks must pass), then, with the services stopped, the same reservation and order_created append
# scripts driven straight against the same Redis by 16 tasks (`ordershop-bench bench-orders`): the floor.
# Then Redis bytes per order with compression off and on, on an empty private Redis.
#
# Prints: orders: ours=N/s reference=N/s ratio=R, then redis-bytes-per-order: json=N gzip=N.
# BENCH_SECONDS (default 8) sets the duration of each side. With BASELINE_BIN_DIR=<the release bin dir of another
# checkout>, the orders line is measured first with that build's services (marked `baseline`; the floor is the same
# scripts either way), then with ours (scripts/lib/baseline.sh).
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
source "$(dirname "$0")/lib/fresh-stack.sh"
source "$(dirname "$0")/lib/baseline.sh"
cd "$ROOT"

SECONDS_PER_SIDE="${BENCH_SECONDS:-8}"
build_release
# The orders line on a fresh stack of the services in $BIN; $1 marks it (empty for ours, `baseline`).
measure() {
  local label="${1:+ $1}"
  start_fresh_stack
  # Ours: the gateway, 16 connections, single-product orders, stock enough (load's defaults: 10 products, 1M each).
  ours="$("$CLIENT" load --url "$GATEWAY" --redis-url "$REDIS_URL" --connections 16 --mix orders \
    --duration "$SECONDS_PER_SIDE" --quiet --line "{ok_rate}")" \
    || die "load through the gateway failed its correctness checks (see above)"
  ours="${ours//[^0-9.]/}"
  [[ -n "$ours" ]] || die "load printed no rate"

  # The floor: no HTTP and no services (their consumers would react to what the floor writes), same Redis.
  stop_services
  "$BENCH" bench-orders --url "$REDIS_URL" --duration "$SECONDS_PER_SIDE" --concurrency 16 --ours "$ours" --memory-orders 0 \
    | sed "s/^orders: .*/&$label/"
  if [[ -z "$label" ]]; then bytes_per_order; fi
  fresh_stack_cleanup
  trap - EXIT
}

# Bytes per order on an empty Redis of its own: on the stack's, expiring keys and AOF rewrites blur the delta.
bytes_per_order() {
  start_private_redis
  "$BENCH" bench-orders --url "$PRIVATE_REDIS_URL" --duration 0 --memory-orders 5000 --compression-threshold 0
  # Compression pays on bigger entities: the same figures for 20-product orders.
  "$BENCH" bench-orders --url "$PRIVATE_REDIS_URL" --duration 0 --items 20 --memory-orders 2000 --compression-threshold 0
}

measure_with_baseline measure
