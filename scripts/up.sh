#!/usr/bin/env bash
# make up: install what is missing, build in release mode, check that the services' ports are free, start Redis
# (and PostgreSQL), start the nine services in the background, wait until each answers /ready from its own process,
# print the gateway URL. When a service exits before it is ready, say which and why, and stop what this run started.
# ORDERSHOP_BIN_DIR=<dir> runs the executables built there instead of building; ORDERSHOP_RUN_DIR moves .run/,
# ORDERSHOP_REDIS_PORT and ORDERSHOP_PG_PORT the Redis and PostgreSQL it starts (the tests of these scripts use them).
# REDIS=cluster starts a local Redis Cluster of three primaries and three replicas instead (lib/redis-cluster.sh);
# INSTANCES=N runs N instances of every service behind HAProxy on the gateway's port (lib/instances.sh).
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
cd "$ROOT"

ensure_command curl curl
ensure_command ss iproute2
redis_cluster_requested || true  # a bad REDIS= fails here, before the build
count="$(instance_count)"
running="$(cat "$RUN_DIR/env" 2>/dev/null | sed -n -E 's/^(REDIS|INSTANCES)=//p' | tr '\n' ' ' || true)"
for exe in $(service_names); do
  for name in $exe $(INSTANCES=9 process_names "$exe"); do
    if [[ -f "$PID_DIR/$name.pid" ]] && pid_of "$name" >/dev/null && ! grep -qx -- "$name" <<<"$(process_names)"; then
      die "$name runs: the stack was started with other settings (${running:-INSTANCES=1}); make down first"
    fi
  done
done
if ((count > 1)); then
  ensure_command haproxy haproxy
  if ! pid_of haproxy >/dev/null && port_taken "$(service_port gateway-api)"; then
    die "port $(service_port gateway-api), which HAProxy needs in front of the gateways, is taken by $(port_holder "$(service_port gateway-api)")"
  fi
fi
# Before the build: a taken port fails in a second, not after minutes of compiling.
check_service_ports $(process_names)

mkdir -p "$RUN_DIR"
if [[ -n "${ORDERSHOP_BIN_DIR:-}" ]]; then
  say "using the executables in $ORDERSHOP_BIN_DIR (ORDERSHOP_BIN_DIR), not building"
  printf '%s\n' "$ORDERSHOP_BIN_DIR" >"$RUN_DIR/bin-path"
elif [[ "${OTEL:-}" == 1 ]]; then
  # The OTel trait adds swift-otel (OTLP/HTTP export): minutes to compile the first time, so it has its own build folder.
  say "building (release, with the OTel trait: spans exported when OTEL_* variables are set)"
  swift build -c release --traits OTel --scratch-path "$ROOT/.build-otel"
  swift build -c release --traits OTel --scratch-path "$ROOT/.build-otel" --show-bin-path >"$RUN_DIR/bin-path"
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
for name in $(process_names); do start_service "$name"; done

say "waiting until every service is ready"
wait_ready $(process_names)
((count == 1)) || start_haproxy
say ""
((count == 1)) || say "$count instances of every service (make status lists them; pids/<service>-<n>.pid, logs/<service>-<n>.log)"
say "OrderShop is up: gateway at http://127.0.0.1:$(service_port gateway-api) (make status, make down)"
say "console: http://127.0.0.1:$(service_port gateway-api)/ (admin token for replay and delete: $(if [[ -f "$RUN_DIR/admin-token" && "$(cat "$RUN_DIR/admin-token")" == "$ADMIN_TOKEN" ]]; then shown "$RUN_DIR/admin-token"; else echo "ADMIN_TOKEN"; fi))"
