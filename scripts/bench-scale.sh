#!/usr/bin/env bash
# make bench (scale): on a fresh stack (release build, private Redis, the nine services), GET /orders latency on one
# connection with 100, 1,000, 10,000 and 40,000 orders in the shop (`ordershop-client load --mix reads`, orders placed
# through the gateway in batches, correctness checks must pass), each also with If-None-Match (answered 304); then,
# on a private Redis without the services, the append rate of order_created with a 10-entry and a 1,000,000-entry
# stream (`ordershop-bench bench-scale`).
#
# Prints: orders-list: n=100|1000|10000|40000 p50=X ms p99=Y ms and orders-list-304: n=… beside each, then
# append: stream=10 N/s and append: stream=1000000 N/s.
# BENCH_SECONDS (default 3) sets the duration of each latency case; BENCH_APPEND_SECONDS (default 3) each append side.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
source "$(dirname "$0")/lib/fresh-stack.sh"
cd "$ROOT"

SECONDS_PER_CASE="${BENCH_SECONDS:-3}"
build_release
start_fresh_stack

# Each case adds orders so the shop holds n in all (the fresh shop starts with none); --settle waits for the
# reactions to those orders (billing, crm, archive) before measuring.
FAILED=0
shop_orders=0
for n in 100 1000 10000 40000; do
  # The projection = fold check reads every event: at 40,000 orders it would outlast the case, so it stops at 10,000.
  check=(--redis-url "$REDIS_URL")
  ((n > 10000)) && check=()
  if ! "$CLIENT" load --url "$GATEWAY" "${check[@]}" --connections 1 --mix reads \
      --preload-orders "$((n - shop_orders))" --settle 300 --duration "$SECONDS_PER_CASE" --quiet \
      --line "orders-list: n=$n p50={p50} ms p99={p99} ms"; then
    say "orders-list n=$n: correctness checks FAILED (see above)"
    FAILED=1
  fi
  # The same list read again with If-None-Match: the gateway answers 304 while nothing changed.
  "$CLIENT" load --url "$GATEWAY" --connections 1 --mix reads --if-none-match --duration "$SECONDS_PER_CASE" --quiet \
    --line "orders-list-304: n=$n p50={p50} ms p99={p99} ms" || FAILED=1
  shop_orders="$n"
done

# Append scale on a Redis of its own, the services stopped (no AOF: a rewrite of the 1M-entry file would land
# inside the measurement).
stop_services
start_private_redis
"$BENCH" bench-scale --url "$PRIVATE_REDIS_URL" --duration "${BENCH_APPEND_SECONDS:-3}" --short 10 --long 1000000 \
  || FAILED=1
exit "$FAILED"
