# A fresh, private stack for benchmark scripts (sourced after lib/stack.sh, not run): a redis-server (and
# PostgreSQL when scripts/lib/postgres.sh is there) on free ports in a temporary directory, and the nine release
# executables on free ports. Everything is stopped and deleted on exit.
#
#   source "$(dirname "$0")/lib/stack.sh"; source "$(dirname "$0")/lib/fresh-stack.sh"
#   build_release                   sets BIN, CLIENT (ordershop-client) and BENCH (ordershop-bench)
#   start_fresh_stack               sets REDIS_URL, GATEWAY, PIDS[executable], WORK; exports every <SERVICE>_URL
#   stop_services                   stops the nine (Redis keeps running: Redis-only measurements come next)
#   start_private_redis             another empty redis-server without persistence, in WORK; sets PRIVATE_REDIS_URL

build_release() {
  say "building (release)"
  (cd "$ROOT" && swift build -c release >/dev/null) || die "the release build failed"
  BIN="$(release_bin_dir)"
  CLIENT="$BIN/ordershop-client"
  BENCH="$BIN/ordershop-bench"
}

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

# SIGTERM to every service, then waits (SIGKILL after 20 s) until each has exited.
stop_services() {
  local exe pid
  for exe in "${!PIDS[@]}"; do kill -TERM "${PIDS[$exe]}" 2>/dev/null || true; done
  for exe in "${!PIDS[@]}"; do
    pid="${PIDS[$exe]}"
    for _ in $(seq 1 200); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    unset "PIDS[$exe]"
  done
}

fresh_stack_cleanup() {
  local pid file
  stop_services
  for file in "$WORK/redis.pid" "$WORK/private-redis.pid"; do
    [[ -n "$WORK" && -f "$file" ]] || continue
    pid="$(cat "$file")"
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  if [[ -n "$PG_DATA" ]]; then pg_stop "$PG_DATA" >/dev/null 2>&1 || true; fi
  if [[ -n "$WORK" ]]; then rm -rf "$WORK"; fi
}

start_fresh_stack() {
  WORK="$(mktemp -d /tmp/ordershop-bench.XXXXXX)"
  chmod 755 "$WORK"  # PostgreSQL runs as its own user and must reach its data directory
  trap fresh_stack_cleanup EXIT
  local redis_port exe port
  free_port
  redis_port="$FREE_PORT"
  mkdir -p "$WORK/redis" "$WORK/logs"
  redis-server --bind 127.0.0.1 --port "$redis_port" --appendonly yes --appendfsync everysec --save "" \
    --dir "$WORK/redis" --daemonize yes --pidfile "$WORK/redis.pid" --logfile "$WORK/logs/redis-server.log" \
    >/dev/null || die "redis-server did not start"
  for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
  export REDIS_URL="redis://127.0.0.1:$redis_port"
  REDIS_PORT="$redis_port"
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
  say "# fresh stack ready: gateway $GATEWAY, Redis $REDIS_URL${DATABASE_URL:+, PostgreSQL}"
}

# An empty redis-server of its own (no AOF, no snapshots: a rewrite or save would land inside a measurement).
# Should a port still be taken between the probe and the bind, it tries another.
start_private_redis() {
  local attempt log="$WORK/logs/private-redis.log"
  mkdir -p "$WORK/private-redis" "$WORK/logs"
  for attempt in 1 2 3 4 5; do
    free_port
    redis-server --bind 127.0.0.1 --port "$FREE_PORT" --save "" --appendonly no --dir "$WORK/private-redis" \
      --daemonize yes --pidfile "$WORK/private-redis.pid" --logfile "$log" >/dev/null || continue
    for _ in $(seq 1 100); do
      if redis-cli -p "$FREE_PORT" ping >/dev/null 2>&1; then
        PRIVATE_REDIS_URL="redis://127.0.0.1:$FREE_PORT"
        return 0
      fi
      sleep 0.1
    done
  done
  tail -n 5 "$log" >&2 || true
  die "the private redis-server did not start"
}
