#!/usr/bin/env bash
# make status: each process of the local stack (every instance with INSTANCES=N, HAProxy in front of the gateways),
# its pid and whether it answers /ready; Redis (each node of a REDIS=cluster stack with its role) and PostgreSQL.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
load_env
printf '%-20s %-6s %-8s %s\n' PROCESS PORT PID STATE
for name in $(process_names); do
  port="$(process_port "$name")"
  if pid="$(pid_of "$name")"; then
    answer="$(curl -s -m 3 "http://127.0.0.1:$port/ready" || true)"
    state="running, /ready: ${answer:-no answer}"
  else
    pid="-"; state="stopped"
  fi
  printf '%-20s %-6s %-8s %s\n' "$name" "$port" "$pid" "$state"
done
if (($(instance_count) > 1)); then
  port="$(service_port gateway-api)"
  if pid="$(pid_of haproxy)"; then
    state="running, in front of $(process_names gateway-api | tr '\n' ' ')/ready through it: $(curl -s -m 3 "http://127.0.0.1:$port/ready" || echo 'no answer')"
  else
    pid="-"; state="stopped"
  fi
  printf '%-20s %-6s %-8s %s\n' haproxy "$port" "$pid" "$state"
fi
if redis_cluster_requested; then
  cluster_status_lines
elif pid="$(pid_of redis-server)"; then
  printf '%-20s %-6s %-8s %s\n' redis-server "$REDIS_PORT" "$pid" "running, $(timeout 2 redis-cli -p "$REDIS_PORT" ping 2>&1)"
elif [[ -n "${REDIS_URL:-}" ]]; then
  printf '%-20s %-6s %-8s %s\n' redis-server - - "external: REDIS_URL"
else
  printf '%-20s %-6s %-8s %s\n' redis-server "$REDIS_PORT" - stopped
fi
if [[ -f "$PG_DIR/postmaster.pid" ]]; then
  printf '%-20s %-6s %-8s %s\n' postgres "$PG_PORT" "$(head -n 1 "$PG_DIR/postmaster.pid")" running
elif [[ -n "${DATABASE_URL:-}" ]]; then
  printf '%-20s %-6s %-8s %s\n' postgres - - "external: DATABASE_URL"
else
  printf '%-20s %-6s %-8s %s\n' postgres "$PG_PORT" - stopped
fi
