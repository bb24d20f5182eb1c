#!/usr/bin/env bash
# make bench-redis: our Redis client and redis-benchmark against the same private redis-server, side by side.
# Prints one line per case: NAME: ours=N/s reference=N/s ratio=R
# Environment: REDIS_URL to use an existing server instead; BENCH_REQUESTS (default 100000), BENCH_ROUNDS (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib/redis.sh

requests="${BENCH_REQUESTS:-100000}"
rounds="${BENCH_ROUNDS:-3}"

for tool in redis-server redis-benchmark; do
    command -v "$tool" >/dev/null || { echo "bench-redis: $tool not found (apt-get install redis-server redis-tools)" >&2; exit 1; }
done

echo "bench-redis: building ordershop-bench (release)" >&2
swift build -c release --product ordershop-bench >&2
client="$(swift build -c release --show-bin-path)/ordershop-bench"

workdir=""
cleanup() {
    if [[ -n "$workdir" ]]; then redis_stop "$workdir"; sleep 0.2; rm -rf "$workdir"; fi
}
trap cleanup EXIT

url="${REDIS_URL:-}"
if [[ -z "$url" ]]; then
    workdir="$(mktemp -d)"
    port="$(free_port)"
    redis_start "$workdir" "$port"
    url="redis://127.0.0.1:$port"
fi

echo "bench-redis: $requests requests per case and side, best of $rounds; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$client" bench-redis --url "$url" --requests "$requests" --rounds "$rounds"
