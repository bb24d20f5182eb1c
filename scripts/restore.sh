#!/usr/bin/env bash
# make restore: after Redis lost its data, rebuild it from the PostgreSQL archive (ordershop-client restore):
# projections, versions, stream ids, reservations. Uses the REDIS_URL / DATABASE_URL of `make up` (or yours).
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
load_env

bin="$(bin_dir)"
if [[ ! -x "$bin/ordershop-client" ]]; then
  (cd "$ROOT" && swift build -c release --product ordershop-client >&2)
  bin="$(release_bin_dir)"
fi
"$bin/ordershop-client" restore "$@"
say "restart the services that follow events if they ran during the loss: make down && make up"
