#!/usr/bin/env bash
# make down: stop the nine services at once (SIGTERM, graceful), then Redis and PostgreSQL; data stays in .run/.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
since="$EPOCHREALTIME"
stop_running_services $(service_names)
stop_stores
say "make down: done in $(seconds_since "$since") s"
