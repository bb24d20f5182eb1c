#!/usr/bin/env bash
# make bench-cluster: what Redis Cluster costs the order path, from one run. Two private stacks made by the scripts of
# make up (release build, free ports, .run/ in a temporary directory, one instance of each service): one redis-server,
# then a local 3+3 Redis Cluster (make up REDIS=cluster). On each, accepted single-product orders/s and p99 through the
# gateway at 16 connections (`ordershop-client load`, correctness checks on); on the cluster once more with the
# services restarted with REDIS_MIN_REPLICAS=0 (no WAIT after the writing scripts): the cost of WAIT. Redis CPU per
# order (INFO cpu of each primary, user + sys, over the run) says where the time goes, per node with the hash slots
# of the order path it serves.
#
# Prints: single-orders-c16: ok=N/s p99=X ms, cluster-orders-c16: ok=N/s p99=X ms,
# cluster-orders-c16-nowait: ok=N/s p99=X ms, wait-cost: …, redis-cpu-per-order: …
# BENCH_SECONDS (default 10) sets the duration of each measurement; ORDERSHOP_BIN_DIR runs the executables built there.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
source "$(dirname "$0")/lib/fresh-stack.sh"
cd "$ROOT"

DURATION="${BENCH_SECONDS:-10}"
if [[ -n "${ORDERSHOP_BIN_DIR:-}" ]]; then  # the executables built there (a check of this script; figures of record need release)
  BIN="$ORDERSHOP_BIN_DIR"; CLIENT="$BIN/ordershop-client"
else
  build_release
fi
BENCH_WORK="$(mktemp -d /tmp/ordershop-bench-cluster.XXXXXX)"
chmod 755 "$BENCH_WORK"  # PostgreSQL runs as its own user and must reach its data directory
declare -A STACK_ENV=()
cleanup() {
  local name
  for name in "${!STACK_ENV[@]}"; do (eval "export ${STACK_ENV[$name]}"; "$ROOT/scripts/down.sh" >/dev/null 2>&1) || true; done
  rm -rf "$BENCH_WORK"
}
trap cleanup EXIT

# A base port whose $1 consecutive ports, and those 10000 above, are free (a cluster's nodes and bus ports).
free_block() {
  local base i tries=0
  while ((tries++ < 200)); do
    base=$((11000 + RANDOM % 10000))
    for ((i = 0; i < $1; i++)); do
      port_taken $((base + i)) && continue 2
      port_taken $((base + i + 10000)) && continue 2
    done
    printf '%s\n' "$base"
    return 0
  done
  die "no free block of $1 ports"
}

# The environment of stack $1 (exported assignments), on free ports.
stack_environment() {
  local exe assignments="ORDERSHOP_RUN_DIR=$BENCH_WORK/$1 ORDERSHOP_BIN_DIR=$BIN LOG_LEVEL=warning"
  free_port; assignments+=" ORDERSHOP_REDIS_PORT=$FREE_PORT"
  free_port; assignments+=" ORDERSHOP_PG_PORT=$FREE_PORT"
  assignments+=" ORDERSHOP_REDIS_CLUSTER_PORT=$(free_block 6)"
  for exe in $(service_names); do free_port; assignments+=" $(url_variable "$exe")=http://127.0.0.1:$FREE_PORT"; done
  printf '%s\n' "$assignments"
}

# Redis CPU seconds (user + sys of the server) of the node on port $1.
redis_cpu() {
  redis-cli -p "$1" info cpu | tr -d '\r' | awk -F: '/^used_cpu_(user|sys):/ { s += $2 } END { printf "%.3f\n", s }'
}

# The primaries of the cluster on $1 as "port slot-ranges", one a line.
primaries() {
  redis-cli -p "$1" cluster nodes | tr -d '\r' | awk '$3 ~ /master/ && $3 !~ /fail/ {
    split($2, a, "@"); n = split(a[1], b, ":"); s = ""; for (i = 9; i <= NF; i++) s = s (s ? "," : "") $i; print b[n], s }'
}

# The order path's hash tags that primary $2 serves, of the cluster on $1.
tags_of() {
  local tag slot ranges range lo hi found=""
  ranges="$(primaries "$1" | awk -v p="$2" '$1 == p { print $2 }')"
  for tag in customer product inventory order billing; do
    slot="$(redis-cli -p "$1" cluster keyslot "{$tag}" | tr -d '\r')"
    for range in ${ranges//,/ }; do
      lo="${range%-*}"; hi="${range#*-}"
      if ((slot >= lo && slot <= hi)); then found+="${found:+ }{$tag}"; fi
    done
  done
  printf '%s\n' "${found:-none}"
}

# Orders through the gateway of the running stack: sets RESULT ("ok=N/s p99=X ms") and LAST_OK (orders accepted).
measure() {
  local line
  line="$("$CLIENT" load --url "$GATEWAY_API_URL" --connections 16 --mix orders --duration "$DURATION" --quiet \
    --line "ok={ok_rate}/s p99={p99} ms ok_count={ok}")" || die "the load failed its correctness checks (above)"
  LAST_OK="${line##*ok_count=}"
  RESULT="${line% ok_count=*}"
}

restart_services() {
  local exe
  for exe in $(service_names); do "$ROOT/scripts/stop.sh" "$exe" >/dev/null; done
  for exe in $(service_names); do "$ROOT/scripts/start.sh" "$exe" >/dev/null; done
}

# --- one redis-server ---------------------------------------------------------------------------------------------
STACK_ENV[single]="$(stack_environment single)"
(
  eval "export ${STACK_ENV[single]}"
  "$ROOT/scripts/up.sh" >"$BENCH_WORK/up-single.log" 2>&1 || { tail -n 20 "$BENCH_WORK/up-single.log"; die "make up failed"; }
  before="$(redis_cpu "$ORDERSHOP_REDIS_PORT")"
  measure; result="$RESULT"
  after="$(redis_cpu "$ORDERSHOP_REDIS_PORT")"
  say "single-orders-c16: $result"
  printf 'single %s %s\n' "$(awk -v a="$after" -v b="$before" -v n="$LAST_OK" 'BEGIN { printf "%.1f", (a - b) * 1e6 / n }')" "$LAST_OK" \
    >"$BENCH_WORK/cpu-single"
  "$ROOT/scripts/down.sh" >/dev/null
)

# --- a 3+3 cluster, with WAIT (the default) and without --------------------------------------------------------------
STACK_ENV[cluster]="$(stack_environment cluster) REDIS=cluster"
(
  eval "export ${STACK_ENV[cluster]}"
  "$ROOT/scripts/up.sh" >"$BENCH_WORK/up-cluster.log" 2>&1 || { tail -n 20 "$BENCH_WORK/up-cluster.log"; die "make up REDIS=cluster failed"; }
  base="$ORDERSHOP_REDIS_CLUSTER_PORT"
  declare -A before=()
  for port in $(primaries "$base" | awk '{ print $1 }'); do before[$port]="$(redis_cpu "$port")"; done
  measure; result="$RESULT"
  say "cluster-orders-c16: $result"
  cpu_line=""
  for port in "${!before[@]}"; do
    cpu_line+="$(awk -v a="$(redis_cpu "$port")" -v b="${before[$port]}" -v n="$LAST_OK" 'BEGIN { printf "%.1f", (a - b) * 1e6 / n }')"
    cpu_line+=" us on $port ($(tags_of "$base" "$port")); "
  done
  with_wait="$result"
  export REDIS_MIN_REPLICAS=0
  restart_services
  measure; result="$RESULT"
  say "cluster-orders-c16-nowait: $result (REDIS_MIN_REPLICAS=0)"
  awk -v w="$with_wait" -v n="$result" 'BEGIN {
    split(w, a, /[=\/ ]/); split(n, b, /[=\/ ]/)
    printf "wait-cost: WAIT 1 after each writing script: ok/s x%.2f (%s vs %s), p99 %s ms vs %s ms\n", a[2] / b[2], a[2], b[2], a[5], b[5] }'
  say "redis-cpu-per-order: single=$(cut -d' ' -f2 "$BENCH_WORK/cpu-single") us; cluster with WAIT: ${cpu_line%; }"
  "$ROOT/scripts/down.sh" >/dev/null
)
