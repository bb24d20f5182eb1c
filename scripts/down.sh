#!/usr/bin/env bash
# make down: stop the nine services (SIGTERM, graceful), then Redis and PostgreSQL; data stays in .run/.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
for exe in $(service_names | tac); do stop_service "$exe"; done
stop_redis
stop_postgres
