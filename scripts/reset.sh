#!/usr/bin/env bash
# make reset: make down, then wipe .run/ (Redis data, PostgreSQL cluster, logs, pids).
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
"$ROOT/scripts/down.sh"
rm -rf "$RUN_DIR"
say "wiped .run/"
