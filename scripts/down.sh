#!/usr/bin/env bash
# make down: stop HAProxy and every process of the nine services at once (SIGTERM, graceful), then Redis (one server
# or the cluster's nodes) and PostgreSQL; data stays in .run/.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
load_env
since="$EPOCHREALTIME"
stopping=()
if pid_of haproxy >/dev/null; then stopping+=(haproxy); fi
# Every instance that has a pid file, whatever INSTANCES the stack was started with.
for exe in $(service_names); do
  for name in $(INSTANCES=9 process_names "$exe"); do [[ -f "$PID_DIR/$name.pid" ]] && stopping+=("$name"); done
done
stop_running_services "${stopping[@]}" $(process_names)
stop_stores
say "make down: done in $(seconds_since "$since") s"
