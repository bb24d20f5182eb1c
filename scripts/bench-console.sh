#!/usr/bin/env bash
# make bench (console part): what open consoles cost the shop. 20 emulated consoles
# (scripts/browser/console_load.py: each follows /events/live as EventSource does and polls the panels on the page's
# schedule; clients, not browsers) beside an orders-c16 load, against the same run without them, on one fresh stack.
#
# Runs without and with the consoles alternate (ROUNDS pairs, default 3: the machine's other work comes and goes),
# each case summed over its runs. Prints the CPU time per accepted order of the nine services, Redis and PostgreSQL
# by process (from /proc/<pid>/stat; the load generator's and the consoles' own CPU not counted), the gateway's
# requests by route and the Redis commands that took the most time, then
#   console-overhead: cpu-per-order +X% orders-c16 -Y% (20 consoles, 3 rounds; …; goal under 5%)
# BENCH_SECONDS (default 10) sets each run's duration; CONSOLES (default 20) the number of consoles;
# ORDERSHOP_BIN_DIR runs the executables built there instead of a release build; CONSOLE_LOAD another emulator (an
# older page's, to compare before and after in one session).
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
source "$ROOT/scripts/lib/fresh-stack.sh"
cd "$ROOT"

SECONDS_PER_CASE="${BENCH_SECONDS:-10}"
CONSOLES="${CONSOLES:-20}"
ROUNDS="${ROUNDS:-3}"
if [[ -n "${ORDERSHOP_BIN_DIR:-}" ]]; then
  BIN="$ORDERSHOP_BIN_DIR" CLIENT="$ORDERSHOP_BIN_DIR/ordershop-client"
  say "using the executables in $BIN (ORDERSHOP_BIN_DIR), not building"
else
  build_release
fi
start_fresh_stack

# CPU time (clock ticks, user + system) of every server process of the stack, one "<name> <ticks>" line each: the
# nine, redis-server, and PostgreSQL's postmaster with its children (as one), from /proc/<pid>/stat.
process_ticks() {
  local exe postmaster
  ticks_of() { (cd /proc && cat "${@/%//stat}" 2>/dev/null) | awk '{ total += $14 + $15 } END { print total + 0 }'; }
  for exe in $(service_names); do say "$exe $(ticks_of "${PIDS[$exe]}")"; done
  say "redis-server $(ticks_of "$(cat "$WORK/redis.pid")")"
  if postmaster="$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null)"; then
    say "postgres $(ticks_of "$postmaster" $(pgrep -P "$postmaster" 2>/dev/null))"
  fi
}
stack_ticks() { process_ticks | awk '{ total += $2 } END { print total + 0 }'; }

# One orders-c16 run, counted until the reactions to it are done (--settle); adds its orders, its seconds and each
# process's CPU ticks to the totals of case $1 (without / with).
declare -A ORDERS=() RUN_SECONDS=() TICKS=()
measure() {
  local case="$1" before after line started name ticks
  before="$(process_ticks)"
  started="$(date +%s.%N)"
  line="$("$CLIENT" load --url "$GATEWAY" --redis-url "$REDIS_URL" --duration "$SECONDS_PER_CASE" --connections 16 \
    --mix orders --settle 120 --quiet --line "{ok} {ok_rate}")" || die "$case: the load or its checks failed"
  after="$(process_ticks)"
  ORDERS[$case]=$(( ${ORDERS[$case]:-0} + ${line%% *} ))
  RUN_SECONDS[$case]="$(awk -v a="${RUN_SECONDS[$case]:-0}" -v b="$SECONDS_PER_CASE" 'BEGIN { print a + b }')"
  while read -r name ticks; do TICKS[$case.$name]=$(( ${TICKS[$case.$name]:-0} + ticks )); done < <(
    awk 'NR == FNR { start[$1] = $2; next } { print $1, $2 - start[$1] }' <(printf '%s\n' "$before") <(printf '%s\n' "$after"))
  say "  $case consoles: orders-c16 ok=${line##* }/s, ${line%% *} orders"
}

# Each process's CPU per order of case $1 (µs), "<name> <µs>" lines.
per_order() {
  local name
  for name in $(process_ticks | awk '{ print $1 }'); do
    say "$name $(( ${TICKS[$1.$name]:-0} * 1000000 / $(getconf CLK_TCK) / (${ORDERS[$1]} > 0 ? ${ORDERS[$1]} : 1) ))"
  done
}

gateway_requests() {
  curl -s "$GATEWAY/metrics" | awk -F'[{}]' '/^http_request_duration_seconds_count/ { split($2, l, ","); print l[1], $3 }' |
    sed 's/route="//; s/"//' | awk '{ print $1, $2 }'
}

consoles=""
start_consoles() {
  python3 "${CONSOLE_LOAD:-$ROOT/scripts/browser/console_load.py}" "$GATEWAY" "$CONSOLES" >/dev/null &
  consoles=$!
  sleep 3  # every console has read its first panels and follows the feed
}
stop_consoles() {
  kill -TERM "$consoles" 2>/dev/null || true
  wait "$consoles" 2>/dev/null || true
  consoles=""
}
trap '[[ -n "$consoles" ]] && kill -TERM "$consoles" 2>/dev/null; fresh_stack_cleanup' EXIT

"$CLIENT" load --url "$GATEWAY" --duration 3 --connections 16 --mix orders --quiet --line "warm-up: {ok} orders" || true
start_consoles
idle_before="$(stack_ticks)"
sleep 5
idle_after="$(stack_ticks)"
stop_consoles
say "$CONSOLES consoles on an idle shop: $(( (idle_after - idle_before) * 1000 / $(getconf CLK_TCK) / 5 )) ms of stack CPU per second"

# The machine's other work comes and goes: runs without and with consoles alternate, ROUNDS pairs, and each case
# is the sum of its runs.
redis-cli -u "$REDIS_URL" CONFIG RESETSTAT >/dev/null
with_requests=""
for ((round = 1; round <= ROUNDS; round++)); do
  say "round $round of $ROUNDS"
  measure without
  start_consoles
  requests_before="$(gateway_requests)"
  measure with
  with_requests+="$(awk 'NR == FNR { start[$1] += $2; next } { count[$1] += $2 } END { for (r in count) print r, count[r] - start[r] }' \
    <(printf '%s\n' "$requests_before") <(gateway_requests))"$'\n'
  stop_consoles
done

base_by_process="$(per_order without)" by_process="$(per_order with)"
base_cpu="$(awk '{ total += $2 } END { print total + 0 }' <<<"$base_by_process")"
cpu="$(awk '{ total += $2 } END { print total + 0 }' <<<"$by_process")"
base_rate="$(awk -v n="${ORDERS[without]}" -v s="${RUN_SECONDS[without]}" 'BEGIN { printf "%.0f", n / s }')"
rate="$(awk -v n="${ORDERS[with]}" -v s="${RUN_SECONDS[with]}" 'BEGIN { printf "%.0f", n / s }')"
# Where the difference went: CPU per order by process, the gateway's requests by route during the runs with
# consoles, and the Redis commands that took the most time over all runs (INFO commandstats).
say "CPU per order by process (µs, without -> with):"
awk 'NR == FNR { base[$1] = $2; next } { printf "  %-18s %6d -> %6d  %+d\n", $1, base[$1], $2, $2 - base[$1] }' \
  <(printf '%s\n' "$base_by_process") <(printf '%s\n' "$by_process")
say "gateway requests during the runs with consoles, by route:"
awk 'NF == 2 && $2 > 0 { count[$1] += $2 } END { for (r in count) printf "  %-28s %8d\n", r, count[r] }' <<<"$with_requests" |
  sort -k2 -nr | head -n 12
say "Redis commands by time over all runs (calls, µs in total):"
redis-cli -u "$REDIS_URL" INFO commandstats | tr -d '\r' | awk -F'[:=,]' '/^cmdstat_/ { printf "  %-22s %9d %10d\n", substr($1, 9), $3, $5 }' |
  sort -k3 -nr | head -n 10

say "console-overhead: cpu-per-order $(awk -v a="$cpu" -v b="$base_cpu" 'BEGIN { printf "%+.1f%%", (a - b) * 100 / b }') \
orders-c16 $(awk -v a="$rate" -v b="$base_rate" 'BEGIN { printf "%+.1f%%", (a - b) * 100 / b }') \
($CONSOLES consoles, $ROUNDS rounds; ${base_cpu} -> ${cpu} µs per order, ${base_rate} -> ${rate} orders/s; goal under 5%)"
