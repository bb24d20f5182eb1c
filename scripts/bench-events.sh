#!/usr/bin/env bash
# make bench-events: the event store benchmark against a private redis-server on a free port (release build).
set -euo pipefail
cd "$(dirname "$0")/.."

swift build -c release --product ordershop-client >&2
client="$(swift build -c release --show-bin-path)/ordershop-client"

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
dir="$(mktemp -d)"
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no --daemonize yes \
    --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
cleanup() {
    if [[ -f "$dir/redis.pid" ]]; then kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; fi
    sleep 0.2
    rm -rf "$dir"
}
trap cleanup EXIT
for _ in $(seq 1 100); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.05
done

echo "# bench-events on $(nproc) cores, $(redis-server --version | awk '{print $3}'), $(date -u +%Y-%m-%dT%H:%MZ)"
"$client" bench-events --url "redis://127.0.0.1:$port" "$@"
