#!/usr/bin/env bash
# make start SERVICE=crm-service: start one service of the stack `make up` built (its port checked first), and wait
# until it is ready; when it exits before that, say how and why and fail.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
require_service "${1:-}"
ensure_command ss iproute2
load_env
export_store_urls
ensure_admin_token
check_service_ports "$1"
trap 'status=$?; ((status == 0)) || stop_what_was_started; exit "$status"' EXIT
start_service "$1"
wait_ready "$1"
