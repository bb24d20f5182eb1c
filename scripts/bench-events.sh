#!/usr/bin/env bash
# make bench-events: the event store benchmark against a private redis-server on a free port (release build).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/redis.sh

swift build -c release --product ordershop-bench >&2
client="$(swift build -c release --show-bin-path)/ordershop-bench"

port="$(free_port)"
dir="$(mktemp -d)"
cleanup() {
    redis_stop "$dir"
    sleep 0.2
    rm -rf "$dir"
}
trap cleanup EXIT
redis_start "$dir" "$port"

echo "# bench-events on $(nproc) cores, $(redis-server --version | awk '{print $3}'), $(date -u +%Y-%m-%dT%H:%MZ)"
"$client" bench-events --url "redis://127.0.0.1:$port" "$@"
