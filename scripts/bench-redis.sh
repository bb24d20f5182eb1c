#!/usr/bin/env bash
# make bench-redis: our Redis client and redis-benchmark against the same private redis-server, side by side.
# Prints one line per case: NAME: ours=N/s reference=N/s ratio=R
# Environment: REDIS_URL to use an existing server instead; BENCH_REQUESTS (default 100000), BENCH_ROUNDS (default 3).
set -euo pipefail
cd "$(dirname "$0")/.."

requests="${BENCH_REQUESTS:-100000}"
rounds="${BENCH_ROUNDS:-3}"

for tool in redis-server redis-benchmark; do
    command -v "$tool" >/dev/null || { echo "bench-redis: $tool not found (apt-get install redis-server redis-tools)" >&2; exit 1; }
done

echo "bench-redis: building ordershop-client (release)" >&2
swift build -c release --product ordershop-client >&2
client="$(swift build -c release --show-bin-path)/ordershop-client"

server_pid=""
workdir=""
cleanup() {
    if [[ -n "$server_pid" ]]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    if [[ -n "$workdir" ]]; then rm -rf "$workdir"; fi
}
trap cleanup EXIT

url="${REDIS_URL:-}"
if [[ -z "$url" ]]; then
    workdir="$(mktemp -d)"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$workdir" --save "" --appendonly no \
        --logfile "$workdir/redis.log" --daemonize no &
    server_pid=$!
    for _ in $(seq 1 200); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && break
        sleep 0.05
    done
    url="redis://127.0.0.1:$port"
fi

echo "bench-redis: $requests requests per case and side, best of $rounds; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$client" bench-redis --url "$url" --requests "$requests" --rounds "$rounds"
