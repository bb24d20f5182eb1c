#!/usr/bin/env bash
# The API's description checked: openapi.yaml is valid OpenAPI 3.1 and the gateway's embedded JSON is its
# exact form; then a private stack (Redis, PostgreSQL and the nine executables on free ports) is started, the
# gateway must serve that document at /openapi.json, and Schemathesis runs every check and every phase against
# it with schemathesis.toml's settings (fixed seed, bounded examples). Any failure fails the script.
#
#   scripts/test-openapi.sh           the make test run (ORDERSHOP_BIN_DIR: the built executables, else swift's debug bin dir)
#   scripts/test-openapi.sh --fuzz    make fuzz: a random seed (FUZZ_SEED to repeat one), FUZZ_EXAMPLES examples an operation
# The route check (every registered route documented, every documented route registered) is a Swift test:
# Tests/EndToEndTests/OpenAPIRoutesTests.swift.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
source "$(dirname "$0")/lib/fresh-stack.sh"
cd "$ROOT"

fuzz=false
[[ "${1:-}" == "--fuzz" ]] && fuzz=true

pinned_venv openapi-venv "$ROOT/scripts/openapi/requirements.txt" "the API test tools"
python="$VENV/bin/python"

say "== the API description: openapi.yaml"
"$python" scripts/openapi/tool.py check

BIN="${ORDERSHOP_BIN_DIR:-$(swift build --show-bin-path)}"
CLIENT="$BIN/ordershop-client"
[[ -x "$BIN/gateway-api" ]] || die "$BIN/gateway-api is not built"
# The admin actions (dead letters) are tested with the token Schemathesis sends, and without it (401).
export ADMIN_TOKEN="openapi-test-$RANDOM$RANDOM"
start_fresh_stack
export ORDERSHOP_GATEWAY="$GATEWAY"  # where hooks.py makes its fixtures
"$python" scripts/openapi/tool.py served "$GATEWAY"
"$python" scripts/openapi/tool.py tested "$GATEWAY" "$WORK/openapi.json"

# Requests the gateway counted (its /metrics), so the summary says what was really sent.
gateway_requests() {
  curl -fsS "$GATEWAY/metrics" | awk '/^http_requests_total[{ ]/ { sum += $NF } END { printf "%d\n", sum }'
}
before="$(gateway_requests)"
started="$SECONDS"
args=(--url "$GATEWAY" --no-color --header "Authorization: Bearer $ADMIN_TOKEN")
if $fuzz; then
  seed="${FUZZ_SEED:-$((RANDOM * 32768 + RANDOM))}"
  args+=(--seed "$seed" --max-examples "${FUZZ_EXAMPLES:-300}" --continue-on-failure)
  say "== Schemathesis, deep run: seed $seed (FUZZ_SEED=$seed make fuzz repeats it), ${FUZZ_EXAMPLES:-300} examples an operation"
else
  say "== Schemathesis against the running stack (settings: schemathesis.toml)"
fi
set +e
"$VENV/bin/st" --config-file "$ROOT/schemathesis.toml" run "$WORK/openapi.json" "${args[@]}"
status=$?
set -e
sent=$(($(gateway_requests) - before))
# Not a failure of the API, but worth a look: events the reacting services gave up on (e.g. a message refused).
curl -fsS "$GATEWAY/status" | "$python" -c 'import json, sys; d = json.load(sys.stdin)["dead_letters"]; print("dead letters after the run:", d or "none")' || true
say "Schemathesis sent $sent requests in $((SECONDS - started)) s${seed:+ (seed $seed)}: $([[ $status == 0 ]] && echo "no failure" || echo "FAILED (exit $status)")"
if ((status != 0)); then
  for exe in $(service_names); do
    if grep -q "critical\|error" "$WORK/logs/$exe.log" 2>/dev/null; then say "--- $exe"; grep "critical\|error" "$WORK/logs/$exe.log" | tail -n 5; fi
  done
  exit "$status"
fi
