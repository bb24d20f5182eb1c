#!/usr/bin/env bash
# make stop SERVICE=crm-service: SIGTERM one service (graceful shutdown), SIGKILL after 20 s. With INSTANCES=N,
# SERVICE=crm-service stops every instance of it, SERVICE=crm-service-2 one (the others keep serving).
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
require_service "${1:-}"
load_env
stop_running_services $(processes_of_service "$1")
