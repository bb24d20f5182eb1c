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
if [[ -n "${REDIS_URL:-}" ]]; then
  printf '%-18s %-6s %-8s %s\n' redis-server - - "external: REDIS_URL"
elif pid="$(pid_of redis-server)"; then
  printf '%-18s %-6s %-8s %s\n' redis-server 6379 "$pid" "running, $(redis-cli -p 6379 ping 2>&1)"
else
  printf '%-18s %-6s %-8s %s\n' redis-server 6379 - stopped
fi
if [[ -n "${DATABASE_URL:-}" ]]; then
  printf '%-18s %-6s %-8s %s\n' postgres - - "external: DATABASE_URL"
elif [[ -f "$PG_DIR/postmaster.pid" ]]; then
  printf '%-18s %-6s %-8s %s\n' postgres 5432 "$(head -n 1 "$PG_DIR/postmaster.pid")" running
else
  printf '%-18s %-6s %-8s %s\n' postgres 5432 - stopped
fi
