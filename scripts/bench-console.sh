#!/usr/bin/env bash
# make bench (console part): what open consoles cost the shop. 20 emulated consoles
# (scripts/browser/console_load.py: each follows /events/live as EventSource does and polls the panels on the page's
# schedule; clients, not browsers) beside an orders-c16 load, against the same run without them, on one fresh stack.
#
# Prints, for each run: orders-c16 ok/s and the CPU time per accepted order of the nine services, Redis and
# PostgreSQL (from /proc/<pid>/stat, the load generator's and the consoles' own CPU not counted), then
#   console-overhead: cpu-per-order +X% orders-c16 -Y% (20 consoles; goal under 5%)
# BENCH_SECONDS (default 10) sets each run's duration; CONSOLES (default 20) the number of consoles;
# ORDERSHOP_BIN_DIR runs the executables built there instead of a release build.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
source "$ROOT/scripts/lib/fresh-stack.sh"
cd "$ROOT"

SECONDS_PER_CASE="${BENCH_SECONDS:-10}"
CONSOLES="${CONSOLES:-20}"
if [[ -n "${ORDERSHOP_BIN_DIR:-}" ]]; then
  BIN="$ORDERSHOP_BIN_DIR" CLIENT="$ORDERSHOP_BIN_DIR/ordershop-client"
  say "using the executables in $BIN (ORDERSHOP_BIN_DIR), not building"
else
  build_release
fi
start_fresh_stack

# CPU time (clock ticks, user + system) of every server process of the stack: the nine, Redis, and PostgreSQL's
# postmaster with its children, from /proc/<pid>/stat.
stack_ticks() {
  local pids=() exe postmaster
  for exe in $(service_names); do pids+=("${PIDS[$exe]}"); done
  pids+=("$(cat "$WORK/redis.pid")")
  if postmaster="$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null)"; then
    pids+=("$postmaster" $(pgrep -P "$postmaster" 2>/dev/null))
  fi
  (cd /proc && cat "${pids[@]/%//stat}" 2>/dev/null) | awk '{ total += $14 + $15 } END { print total + 0 }'
}

# One orders-c16 run, counted until the reactions to it are done (--settle); sets OK_RATE and US_PER_ORDER.
measure() {
  local label="$1" before after orders line
  before="$(stack_ticks)"
  line="$("$CLIENT" load --url "$GATEWAY" --redis-url "$REDIS_URL" --duration "$SECONDS_PER_CASE" --connections 16 \
    --mix orders --settle 120 --quiet --line "{ok} {ok_rate}")" || die "$label: the load or its checks failed"
  after="$(stack_ticks)"
  orders="${line%% *}"
  OK_RATE="${line##* }"
  US_PER_ORDER=$(( (after - before) * 1000000 / $(getconf CLK_TCK) / (orders > 0 ? orders : 1) ))
  say "$label: orders-c16 ok=${OK_RATE}/s, $orders orders, stack CPU per order ${US_PER_ORDER} µs"
}

"$CLIENT" load --url "$GATEWAY" --duration 3 --connections 16 --mix orders --quiet --line "warm-up: {ok} orders" || true
measure "without consoles"
base_rate="$OK_RATE" base_cpu="$US_PER_ORDER"

python3 "$ROOT/scripts/browser/console_load.py" "$GATEWAY" "$CONSOLES" &
consoles=$!
trap 'kill -TERM "$consoles" 2>/dev/null || true; fresh_stack_cleanup' EXIT
sleep 3  # every console has read its first panels and follows the feed
idle_before="$(stack_ticks)"
sleep 5
idle_after="$(stack_ticks)"
say "$CONSOLES consoles on an idle shop: $(( (idle_after - idle_before) * 1000 / $(getconf CLK_TCK) / 5 )) ms of stack CPU per second"
measure "with $CONSOLES consoles"
kill -TERM "$consoles"
wait "$consoles" || true

say "console-overhead: cpu-per-order $(awk -v a="$US_PER_ORDER" -v b="$base_cpu" 'BEGIN { printf "%+.1f%%", (a - b) * 100 / b }') \
orders-c16 $(awk -v a="$OK_RATE" -v b="$base_rate" 'BEGIN { printf "%+.1f%%", (a - b) * 100 / b }') \
($CONSOLES consoles; ${base_cpu} -> ${US_PER_ORDER} µs per order, ${base_rate} -> ${OK_RATE} orders/s; goal under 5%)"
