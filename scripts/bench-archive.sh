#!/usr/bin/env bash
# make bench-archive: archiving throughput (Redis → PostgreSQL) and per-aggregate event queries with 1,000,000
# events archived, against a private redis-server and a private PostgreSQL cluster on free ports (release build).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/postgres.sh
source scripts/lib/redis.sh

swift build -c release --product ordershop-bench >&2
client="$(swift build -c release --show-bin-path)/ordershop-bench"

redis_port="$(free_port)"
pg_port="$(free_port)"
dir="$(mktemp -d)"
chmod 755 "$dir"  # the cluster owner (postgres, when we are root) must reach its data directory
cleanup() {
    pg_stop "$dir/pg" >/dev/null 2>&1 || true
    redis_stop "$dir"
    sleep 0.2
    rm -rf "$dir"
}
trap cleanup EXIT

redis_start "$dir" "$redis_port"
pg_start "$dir/pg" "$pg_port" "$dir/pg.log" >&2

echo "# bench-archive on $(nproc) cores, $(redis-server --version | awk '{print $3}'), PostgreSQL $("$(pg_bindir)/postgres" --version | awk '{print $3}'), $(date -u +%Y-%m-%dT%H:%MZ)"
"$client" bench-archive --redis-url "redis://127.0.0.1:$redis_port" \
    --database-url "postgres://postgres@127.0.0.1:$pg_port/ordershop" "$@"
