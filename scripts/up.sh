#!/usr/bin/env bash
# make up: install what is missing, build in release mode, check that the services' ports are free, start Redis
# (and PostgreSQL), start the nine services in the background, wait until each answers /ready from its own process,
# print the gateway URL. When a service exits before it is ready, say which and why, and stop what this run started.
# ORDERSHOP_BIN_DIR=<dir> runs the executables built there instead of building; ORDERSHOP_RUN_DIR moves .run/,
# ORDERSHOP_REDIS_PORT and ORDERSHOP_PG_PORT the Redis and PostgreSQL it starts (the tests of these scripts use them).
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
cd "$ROOT"

ensure_command curl curl
ensure_command ss iproute2
# Before the build: a taken port fails in a second, not after minutes of compiling.
check_service_ports $(service_names)

mkdir -p "$RUN_DIR"
if [[ -n "${ORDERSHOP_BIN_DIR:-}" ]]; then
  say "using the executables in $ORDERSHOP_BIN_DIR (ORDERSHOP_BIN_DIR), not building"
  printf '%s\n' "$ORDERSHOP_BIN_DIR" >"$RUN_DIR/bin-path"
else
  say "building (release)"
  swift build -c release
  release_bin_dir >"$RUN_DIR/bin-path"
fi

trap 'status=$?; ((status == 0)) || stop_what_was_started; exit "$status"' EXIT
save_env
ensure_admin_token
start_redis
start_postgres
export_store_urls
for exe in $(service_names); do start_service "$exe"; done

say "waiting until every service is ready"
wait_ready $(service_names)
say ""
say "OrderShop is up: gateway at http://127.0.0.1:$(service_port gateway-api) (make status, make down)"
say "console: http://127.0.0.1:$(service_port gateway-api)/ (admin token for replay and delete: $(if [[ -f "$RUN_DIR/admin-token" && "$(cat "$RUN_DIR/admin-token")" == "$ADMIN_TOKEN" ]]; then shown "$RUN_DIR/admin-token"; else echo "ADMIN_TOKEN"; fi))"
