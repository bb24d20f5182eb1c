#!/usr/bin/env bash
# make bench-archive: archiving throughput (Redis → PostgreSQL) and per-aggregate event queries with 1,000,000
# events archived, against a private redis-server and a private PostgreSQL cluster on free ports (release build).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/postgres.sh

swift build -c release --product ordershop-client >&2
client="$(swift build -c release --show-bin-path)/ordershop-client"

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
redis_port="$(free_port)"
pg_port="$(free_port)"
dir="$(mktemp -d)"
chmod 755 "$dir"  # the cluster owner (postgres, when we are root) must reach its data directory
cleanup() {
    pg_stop "$dir/pg" >/dev/null 2>&1 || true
    if [[ -f "$dir/redis.pid" ]]; then kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; fi
    sleep 0.2
    rm -rf "$dir"
}
trap cleanup EXIT

redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
pg_start "$dir/pg" "$pg_port" "$dir/pg.log" >&2
for _ in $(seq 1 100); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.05
done

echo "# bench-archive on $(nproc) cores, $(redis-server --version | awk '{print $3}'), PostgreSQL $("$(pg_bindir)/postgres" --version | awk '{print $3}'), $(date -u +%Y-%m-%dT%H:%MZ)"
"$client" bench-archive --redis-url "redis://127.0.0.1:$redis_port" \
    --database-url "postgres://postgres@127.0.0.1:$pg_port/ordershop" "$@"
