#!/usr/bin/env bash
# make restore: after Redis lost its data, have archive-service rebuild it from the PostgreSQL archive
# (ordershop-client restore, which sends POST /restore to ARCHIVE_SERVICE_URL with the admin token): projections,
# versions, stream ids, reservations. The stack of `make up` must run; the token is ADMIN_TOKEN or .run/admin-token.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
load_env
if [[ -z "${ADMIN_TOKEN:-}" && -s "$RUN_DIR/admin-token" ]]; then ADMIN_TOKEN="$(cat "$RUN_DIR/admin-token")"; export ADMIN_TOKEN; fi

bin="$(bin_dir)"
if [[ ! -x "$bin/ordershop-client" ]]; then
  (cd "$ROOT" && swift build -c release --product ordershop-client >&2)
  bin="$(release_bin_dir)"
fi
"$bin/ordershop-client" restore "$@"
say "restart the services that follow events if they ran during the loss: make down && make up"
