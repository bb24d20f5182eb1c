#!/usr/bin/env bash
# make stop SERVICE=crm-service: SIGTERM one service (graceful shutdown), SIGKILL after 20 s.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
require_service "${1:-}"
stop_running_services "$1"
