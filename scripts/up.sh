#!/usr/bin/env bash
# make up: install what is missing, build in release mode, start Redis (and PostgreSQL), start the nine
# services in the background, wait until each answers /ready, print the gateway URL.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
cd "$ROOT"

ensure_command redis-server redis-server
ensure_command curl curl

say "building (release)"
swift build -c release
mkdir -p "$RUN_DIR"
release_bin_dir >"$RUN_DIR/bin-path"

save_env
start_redis
start_postgres
load_env
for exe in $(service_names); do start_service "$exe"; done

say "waiting until every service is ready"
wait_ready
say ""
say "OrderShop is up: gateway at http://127.0.0.1:5000 (make status, make down)"
