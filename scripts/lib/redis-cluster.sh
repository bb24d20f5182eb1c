# shellcheck shell=bash
# The local Redis Cluster of make up REDIS=cluster, sourced by lib/stack.sh: three primaries and three replicas,
# each a redis-server --cluster-enabled yes on 127.0.0.1 (ports 7000-7005, ORDERSHOP_REDIS_CLUSTER_PORT moves them;
# bus ports 10000 above), AOF on, data in .run/redis-cluster/<port>/ (nodes.conf kept: the cluster forms again after
# make down / make up), pids/redis-server-<port>.pid, logs/redis-server-<port>.log. Created once with
# deploy/redis-cluster/create-cluster.sh (redis-cli --cluster create … --cluster-replicas 1 --cluster-yes, then
# cluster_state:ok on every node), the creator the Kubernetes Job and the compose profile run too.

CLUSTER_DIR="$RUN_DIR/redis-cluster"

# Whether make up runs Redis Cluster: REDIS=cluster (checked); REDIS empty or single: one redis-server.
redis_cluster_requested() {
  case "${REDIS:-single}" in
    cluster) return 0 ;;
    single) return 1 ;;
    *) die "REDIS must be cluster or single (got \"$REDIS\")" ;;
  esac
}

cluster_ports() {
  local base="${ORDERSHOP_REDIS_CLUSTER_PORT:-7000}" i
  [[ "$base" =~ ^[0-9]+$ ]] && ((base >= 1 && base + 5 <= 55535)) || die "ORDERSHOP_REDIS_CLUSTER_PORT must be a port from 1 to 55530"
  for ((i = 0; i < 6; i++)); do printf '%s\n' $((base + i)); done
}

# redis://127.0.0.1:7000,…: every node a seed.
cluster_url() {
  local url="" port
  for port in $(cluster_ports); do url+="${url:+,}127.0.0.1:$port"; done
  printf 'redis://%s\n' "$url"
}

# Starts the six nodes (those not running), creates the cluster when new, waits for cluster_state:ok; exports
# REDIS_URL for the services.
start_redis_cluster() {
  ensure_command redis-server redis-server
  local port pid name log nodes="" dir
  for port in $(cluster_ports); do
    name="redis-server-$port"
    nodes+="${nodes:+ }127.0.0.1:$port"
    if pid="$(pid_of "$name")"; then say "$name is already running (pid $pid)"; continue; fi
    for dir in "$port" "$((port + 10000))"; do
      port_taken "$dir" && die "port $dir, which the Redis Cluster node $port needs, is taken by $(port_holder "$dir")"
    done
    dir="$CLUSTER_DIR/$port"
    log="$LOG_DIR/$name.log"
    mkdir -p "$PID_DIR" "$LOG_DIR" "$dir"
    LOG_OFFSETS[$name]="$(stat -c %s "$log" 2>/dev/null || echo 0)"
    launch_detached "$log" redis-server --bind 127.0.0.1 --port "$port" --cluster-enabled yes \
      --cluster-config-file nodes.conf --cluster-node-timeout 5000 --appendonly yes --appendfsync everysec \
      --dir "$dir" --logfile "$log"
    pid=$!
    printf '%s\n' "$pid" >"$PID_DIR/$name.pid"
    STARTED_STORES+=("$name")
    say "started $name on 127.0.0.1:$port (pid $pid, cluster node, AOF on, data in $(shown "$dir"))"
  done
  for port in $(cluster_ports); do
    local deadline=$((SECONDS + 10))
    until [[ "$(timeout 2 redis-cli -p "$port" ping 2>/dev/null)" == PONG ]]; do
      pid="$(cat "$PID_DIR/redis-server-$port.pid" 2>/dev/null || true)"
      alive "$pid" || { report_exit "redis-server-$port" "$pid"; die "the Redis Cluster node $port did not start"; }
      ((SECONDS < deadline)) || die "the Redis Cluster node $port does not answer after 10 s"
      sleep 0.05
    done
  done
  REDIS_CLUSTER_NODES="$nodes" REDIS_CLUSTER_WAIT_SECONDS=60 sh "$ROOT/deploy/redis-cluster/create-cluster.sh" \
    | sed -e 's/\x1b\[[0-9;]*m//g' -e 's/^/  /' || die "the Redis Cluster did not form (logs: $(shown "$LOG_DIR")/redis-server-*.log)"
  REDIS_URL="$(cluster_url)"
  export REDIS_URL
  say "Redis Cluster ready: $REDIS_URL"
}

stop_redis_cluster() {
  local port pid name pids=()
  for port in $(cluster_ports); do
    name="redis-server-$port"
    if pid="$(pid_of "$name")"; then kill -TERM "$pid" 2>/dev/null || true; pids+=("$port:$pid"); fi
  done
  for name in "${pids[@]}"; do
    wait_gone "${name#*:}" 60 || kill -KILL "${name#*:}" 2>/dev/null || true
    rm -f "$PID_DIR/redis-server-${name%%:*}.pid"
  done
  ((${#pids[@]} == 0)) || say "stopped the Redis Cluster (${#pids[@]} nodes)"
}

# One line a node for make status: port, pid, role, and for a primary its slots, for a replica its primary.
cluster_status_lines() {
  local port pid name nodes role
  for port in $(cluster_ports); do
    name="redis-server-$port"
    if ! pid="$(pid_of "$name")"; then printf '%-20s %-6s %-8s %s\n' "$name" "$port" - stopped; continue; fi
    nodes="$(timeout 2 redis-cli -p "$port" cluster nodes 2>/dev/null | tr -d '\r')"
    role="$(awk -v me="127.0.0.1:$port" -v all="$nodes" '
      BEGIN { n = split(all, lines, "\n"); for (i = 1; i <= n; i++) { split(lines[i], f, " "); sub(/@.*/, "", f[2]); addr[f[1]] = f[2] } }
      { sub(/@.*/, "", $2) }
      $3 ~ /myself/ {
        if ($3 ~ /master/) { s = ""; for (i = 9; i <= NF; i++) s = s (s ? "," : "") $i; print "primary, slots " (s ? s : "none") }
        else print "replica of " (addr[$4] ? addr[$4] : $4)
      }' <<<"$nodes")"
    printf '%-20s %-6s %-8s %s\n' "$name" "$port" "$pid" "running, ${role:-no answer to CLUSTER NODES}"
  done
}
