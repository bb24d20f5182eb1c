#!/usr/bin/env bash
# make bench (end-to-end part): the shop's own figures through the gateway, measured with
# `ordershop-client load`, which also checks correctness after every case (a failed check fails the script).
#
#   scripts/bench-e2e.sh            a fresh stack: private Redis (and PostgreSQL) and the nine services on free ports
#   scripts/bench-e2e.sh --running  the stack of `make up` (gateway on 5000); figures then include its history
#
# Prints: reads-orders300-c16, orders-seq, orders-c16, cpu-per-order (fresh stack only), then memory (RSS of each
# service after the runs).
# BENCH_SECONDS (default 10) sets each case's duration. With BASELINE_BIN_DIR=<the release bin dir of another
# checkout> (fresh stack only), the same runs first on that build's services, each line marked `baseline`, and a
# closing `ratio: cpu-per-order total` line compares the two (scripts/lib/baseline.sh).
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
cd "$ROOT"

SECONDS_PER_CASE="${BENCH_SECONDS:-10}"
MODE="fresh"
[[ "${1:-}" == "--running" ]] && MODE="running"

# The fresh stack (private Redis, PostgreSQL, the nine release executables on free ports) is the one the other
# end-to-end benchmarks use.
# shellcheck source=lib/fresh-stack.sh
source "$ROOT/scripts/lib/fresh-stack.sh"
source "$ROOT/scripts/lib/baseline.sh"
build_release

use_running_stack() {
  load_env
  local exe pid
  for exe in $(service_names); do
    pid="$(pid_of "$exe")" || die "$exe is not running: make up first (or run without --running)"
    PIDS[$exe]="$pid"
  done
  GATEWAY="${GATEWAY_API_URL:-http://127.0.0.1:5000}"
  export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379}"
  say "using the running stack: gateway $GATEWAY (figures include what the shop already holds)"
}

FAILED=0
# One case: the load's one-line report; its correctness checks must pass.
run_case() {
  local name="$1" template="$2"
  shift 2
  # --settle: each case starts once the reactions to the previous one (billing, crm, archive) are done.
  if ! "$CLIENT" load --url "$GATEWAY" --redis-url "$REDIS_URL" --duration "$SECONDS_PER_CASE" --settle 60 --quiet \
      --line "$template" "$@"; then
    say "$name: correctness checks FAILED (see above)"
    FAILED=1
  fi
}

# Every case on the stack of the services in $BIN; $1 marks the lines (empty for ours, `baseline`).
measure() {
  local label="${1:+ $1}"
  if [[ "$MODE" == "fresh" ]]; then start_fresh_stack; else use_running_stack; fi

  # Reads first: the fresh shop then holds exactly the 300 orders this case places.
  run_case reads-orders300-c16 "reads-orders300-c16: {rate} req/s p99={p99} ms$label" \
    --connections 16 --mix reads --preload-orders 300
  run_case orders-seq "orders-seq: p50={p50} ms p99={p99} ms$label" --connections 1 --mix orders
  run_case orders-c16 "orders-c16: ok={ok_rate}/s p50={p50} ms p99={p99} ms$label" --connections 16 --mix orders

  # Where the two cores go: CPU time per accepted order of each process (client, services, Redis) over an orders-c16
  # run and the reactions to it (billing, crm, msg, archive), counted until every consumer group has caught up.
  # From /proc/<pid>/stat (utime + stime, in clock ticks); the client's own from bash's `time`. PostgreSQL's backends
  # that exited during the run are not counted (the archive keeps its connections, so there are none).
  cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
  # PostgreSQL (archive-service's database): the postmaster and its children (backends, WAL writer, checkpointer).
  postgres_ticks() {
    local main total=0 pid
    main="$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null)" || { echo 0; return; }
    for pid in "$main" $(pgrep -P "$main" 2>/dev/null); do total=$((total + $(cpu_ticks "$pid"))); done
    echo "$total"
}
if [[ "$MODE" == "fresh" && -f "$WORK/redis.pid" ]]; then
  declare -A TICKS=()
  redis_pid="$(cat "$WORK/redis.pid")"
  for exe in $(service_names); do TICKS[$exe]="$(cpu_ticks "${PIDS[$exe]}")"; done
  TICKS[redis]="$(cpu_ticks "$redis_pid")"
  TICKS[postgres]="$(postgres_ticks)"
  TIMEFORMAT="%U %S"
  { time "$CLIENT" load --url "$GATEWAY" --duration "$SECONDS_PER_CASE" --connections 16 --mix orders --quiet \
      --line "{ok}" >"$WORK/cpu-orders.txt" ; } 2>"$WORK/cpu-client.txt" || { say "cpu-per-order: the load failed"; FAILED=1; }
  "$CLIENT" load --url "$GATEWAY" --requests 1 --connections 1 --mix reads --settle 120 --quiet --line "" >/dev/null || true
  orders="$(tr -dc '0-9' <"$WORK/cpu-orders.txt")"
  if [[ -n "$orders" && "$orders" -gt 0 ]]; then
    hz="$(getconf CLK_TCK)"
    line="cpu-per-order ($orders orders at 16 connections, µs):"
    total=0
    client_us="$(awk -v n="$orders" 'END { printf "%d", ($1 + $2) * 1e6 / n }' "$WORK/cpu-client.txt")"
    for exe in $(service_names) redis postgres; do
      case "$exe" in
        redis) now="$(cpu_ticks "$redis_pid")" ;;
        postgres) now="$(postgres_ticks)" ;;
        *) now="$(cpu_ticks "${PIDS[$exe]}")" ;;
      esac
      us=$(( (now - TICKS[$exe]) * 1000000 / hz / orders ))
      total=$((total + us))
      line+=" $exe=$us"
    done
    say "$line client=$client_us total=$((total + client_us))$label"
    CPU_TOTAL["${1:-ours}"]=$((total + client_us))
  fi
fi

# RSS of each service after the runs, from /proc/<pid>/status.
memory="memory:"
for exe in $(service_names); do
  pid="${PIDS[$exe]:-}"
  rss="$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || true)"
  memory+=" $exe=${rss:-?}MB"
done
say "$memory$label"
if [[ "$MODE" == "fresh" ]]; then
  fresh_stack_cleanup
  trap - EXIT
fi
}

declare -A CPU_TOTAL=()
if [[ "$MODE" == "fresh" ]]; then measure_with_baseline measure; else measure ""; fi
if [[ -n "${CPU_TOTAL[baseline]:-}" && -n "${CPU_TOTAL[ours]:-}" ]]; then
  say_baseline_ratio "cpu-per-order total" "${CPU_TOTAL[ours]}" "${CPU_TOTAL[baseline]}"
fi
exit "$FAILED"
