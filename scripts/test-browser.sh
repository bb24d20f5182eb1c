#!/usr/bin/env bash
# The console in a real headless Chromium: installs Debian's chromium and chromium-driver when missing,
# Selenium (pinned, scripts/browser/requirements.txt) into .run/browser-venv, starts a private stack (Redis,
# PostgreSQL and the nine executables on free ports, with an admin token and quick retries), and runs
# scripts/browser/console_test.py against it. Screenshots of every panel at 1280x800 and 390x844 land in
# .build/console-screenshots/ (ORDERSHOP_BIN_DIR: the built executables, else swift's debug bin dir).
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
source "$(dirname "$0")/lib/fresh-stack.sh"
cd "$ROOT"

ensure_command chromium chromium
ensure_command chromedriver chromium-driver

pinned_venv browser-venv "$ROOT/scripts/browser/requirements.txt" "the browser test tools"

BIN="${ORDERSHOP_BIN_DIR:-$(swift build --show-bin-path)}"
CLIENT="$BIN/ordershop-client"
[[ -x "$BIN/gateway-api" ]] || die "$BIN/gateway-api is not built"
# One failed delivery dead-letters an event, a dead consumer's entries are claimed after a second.
export ADMIN_TOKEN="browser-test-$RANDOM$RANDOM" CONSUMER_MAX_DELIVERIES=1 CONSUMER_CLAIM_IDLE_MS=1000
start_fresh_stack
# console_test.py stops crm-service and starts another one, whose pid it writes to $WORK/crm.pid: stopped here too.
stop_restarted_crm() { [[ -f "$WORK/crm.pid" ]] && kill -TERM "$(cat "$WORK/crm.pid")" 2>/dev/null; return 0; }
trap 'stop_restarted_crm; fresh_stack_cleanup' EXIT
say "== the console in headless Chromium (gateway $GATEWAY)"
export GATEWAY BIN REDIS_URL CRM_PID="${PIDS[crm-service]}" CRM_PORT="${PORTS[crm-service]}"
export SCREENSHOTS="$ROOT/.build/console-screenshots" CRM_LOG="$WORK/logs/crm-service.log" CRM_PID_FILE="$WORK/crm.pid"
mkdir -p "$SCREENSHOTS"
"$VENV/bin/python" "$ROOT/scripts/browser/console_test.py"
