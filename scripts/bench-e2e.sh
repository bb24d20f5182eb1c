#!/usr/bin/env bash
# make bench (end-to-end part): the shop's own figures through the gateway, measured with
# `ordershop-client load`, which also checks correctness after every case (a failed check fails the script).
#
#   scripts/bench-e2e.sh            a fresh stack: private Redis (and PostgreSQL) and the nine services on free ports
#   scripts/bench-e2e.sh --running  the stack of `make up` (gateway on 5000); figures then include its history
#
# Prints: reads-orders300-c16, orders-seq, orders-c16, then memory (RSS of each service after the runs).
# BENCH_SECONDS (default 10) sets each case's duration.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
cd "$ROOT"

SECONDS_PER_CASE="${BENCH_SECONDS:-10}"
MODE="fresh"
[[ "${1:-}" == "--running" ]] && MODE="running"

say "building (release)"
swift build -c release >/dev/null
BIN="$(release_bin_dir)"
CLIENT="$BIN/ordershop-client"

# Sets FREE_PORT to a port no socket uses now, not one handed out before. Ports come from below the kernel's
# ephemeral range, where outgoing connections would otherwise take them between this probe and the bind.
# (No command substitution: the subshell would forget the ports already handed out.)
USED_PORTS=" "
FREE_PORT=""
EPHEMERAL_LOW="$(awk '{ print $1 }' /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)"
free_port() {
  local port tries=0
  while ((tries++ < 200)); do
    port=$((10000 + RANDOM % (EPHEMERAL_LOW - 10000)))
    [[ "$USED_PORTS" == *" $port "* ]] && continue
    if command -v ss >/dev/null 2>&1 && [[ -n "$(ss -Htan "( sport = :$port )" 2>/dev/null)" ]]; then continue; fi
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      USED_PORTS+="$port "
      FREE_PORT="$port"
      return 0
    fi
  done
  die "no free port found"
}

declare -A PIDS=()
WORK=""
PG_DATA=""
cleanup() {
  local exe pid
  for exe in "${!PIDS[@]}"; do kill -TERM "${PIDS[$exe]}" 2>/dev/null || true; done
  for exe in "${!PIDS[@]}"; do
    pid="${PIDS[$exe]}"
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [[ -n "$WORK" && -f "$WORK/redis.pid" ]]; then
    pid="$(cat "$WORK/redis.pid")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  if [[ -n "$PG_DATA" ]]; then pg_stop "$PG_DATA" >/dev/null 2>&1 || true; fi
  if [[ -n "$WORK" ]]; then rm -rf "$WORK"; fi
}

start_fresh_stack() {
  WORK="$(mktemp -d /tmp/ordershop-bench-e2e.XXXXXX)"
  chmod 755 "$WORK"  # PostgreSQL runs as its own user and must reach its data directory
  trap cleanup EXIT
  local redis_port exe port
  free_port
  redis_port="$FREE_PORT"
  mkdir -p "$WORK/redis" "$WORK/logs"
  redis-server --bind 127.0.0.1 --port "$redis_port" --appendonly yes --appendfsync everysec --save "" \
    --dir "$WORK/redis" --daemonize yes --pidfile "$WORK/redis.pid" --logfile "$WORK/logs/redis-server.log" \
    || die "redis-server did not start"
  for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export REDIS_URL="redis://127.0.0.1:$redis_port"
  if [[ -f "$ROOT/scripts/lib/postgres.sh" ]]; then
    # shellcheck source=/dev/null
    source "$ROOT/scripts/lib/postgres.sh"
    local pg_port
    free_port
    pg_port="$FREE_PORT"
    PG_DATA="$WORK/pg"
    pg_start "$PG_DATA" "$pg_port" "$WORK/logs/postgres.log" >/dev/null || die "PostgreSQL did not start"
    export DATABASE_URL="postgres://postgres@127.0.0.1:$pg_port/ordershop"
  fi
  export HOST=127.0.0.1 LOG_LEVEL="${LOG_LEVEL:-warning}"
  declare -gA PORTS=()
  for exe in $(service_names); do
    free_port
    port="$FREE_PORT"
    PORTS[$exe]="$port"
    export "$(printf '%s' "$exe" | tr 'a-z-' 'A-Z_')_URL=http://127.0.0.1:$port"
  done
  for exe in $(service_names); do
    PORT="${PORTS[$exe]}" "$BIN/$exe" >>"$WORK/logs/$exe.log" 2>&1 </dev/null &
    PIDS[$exe]=$!
  done
  if ! "$CLIENT" ready --timeout 120 >"$WORK/logs/ready.log" 2>&1; then
    cat "$WORK/logs/ready.log"
    for exe in $(service_names); do say "--- $exe"; tail -n 5 "$WORK/logs/$exe.log"; done
    die "the fresh stack did not become ready"
  fi
  GATEWAY="$GATEWAY_API_URL"
  say "fresh stack ready: gateway $GATEWAY, Redis $REDIS_URL${DATABASE_URL:+, PostgreSQL}"
}

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

if [[ "$MODE" == "fresh" ]]; then start_fresh_stack; else use_running_stack; fi

# Reads first: the fresh shop then holds exactly the 300 orders this case places.
run_case reads-orders300-c16 "reads-orders300-c16: {rate} req/s p99={p99} ms" \
  --connections 16 --mix reads --preload-orders 300
run_case orders-seq "orders-seq: p50={p50} ms p99={p99} ms" --connections 1 --mix orders
run_case orders-c16 "orders-c16: ok={ok_rate}/s p50={p50} ms p99={p99} ms" --connections 16 --mix orders

# RSS of each service after the runs, from /proc/<pid>/status.
memory="memory:"
for exe in $(service_names); do
  pid="${PIDS[$exe]:-}"
  rss="$(awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status" 2>/dev/null || true)"
  memory+=" $exe=${rss:-?}MB"
done
say "$memory"

exit "$FAILED"
