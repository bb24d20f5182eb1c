#!/usr/bin/env bash
# make start SERVICE=crm-service: start one service of the stack `make up` built, and wait until it is ready.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
require_service "${1:-}"
load_env
start_service "$1"
wait_ready "$1"
