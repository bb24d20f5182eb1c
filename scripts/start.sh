#!/usr/bin/env bash
# make start SERVICE=crm-service: start one service of the stack `make up` built (its port checked first), and wait
# until it is ready; when it exits before that, say how and why and fail. With INSTANCES=N, SERVICE=crm-service starts
# every instance of it that is not running, SERVICE=crm-service-2 one.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
require_service "${1:-}"
ensure_command ss iproute2
load_env
export_store_urls
ensure_admin_token
processes=($(processes_of_service "$1"))
check_service_ports "${processes[@]}"
trap 'status=$?; ((status == 0)) || stop_what_was_started; exit "$status"' EXIT
for name in "${processes[@]}"; do start_service "$name"; done
wait_ready "${processes[@]}"
