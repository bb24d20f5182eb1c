#!/usr/bin/env bash
# make status: each process of the local stack, its pid and whether it answers /ready.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
load_env
printf '%-18s %-6s %-8s %s\n' PROCESS PORT PID STATE
for exe in $(service_names); do
  port="$(service_port "$exe")"
  if pid="$(pid_of "$exe")"; then
    answer="$(curl -s -m 3 "http://127.0.0.1:$port/ready" || true)"
    state="running, /ready: ${answer:-no answer}"
  else
    pid="-"; state="stopped"
  fi
  printf '%-18s %-6s %-8s %s\n' "$exe" "$port" "$pid" "$state"
done
if pid="$(pid_of redis-server)"; then
  printf '%-18s %-6s %-8s %s\n' redis-server "$REDIS_PORT" "$pid" "running, $(timeout 2 redis-cli -p "$REDIS_PORT" ping 2>&1)"
elif [[ -n "${REDIS_URL:-}" ]]; then
  printf '%-18s %-6s %-8s %s\n' redis-server - - "external: REDIS_URL"
else
  printf '%-18s %-6s %-8s %s\n' redis-server "$REDIS_PORT" - stopped
fi
if [[ -f "$PG_DIR/postmaster.pid" ]]; then
  printf '%-18s %-6s %-8s %s\n' postgres "$PG_PORT" "$(head -n 1 "$PG_DIR/postmaster.pid")" running
elif [[ -n "${DATABASE_URL:-}" ]]; then
  printf '%-18s %-6s %-8s %s\n' postgres - - "external: DATABASE_URL"
else
  printf '%-18s %-6s %-8s %s\n' postgres "$PG_PORT" - stopped
fi
