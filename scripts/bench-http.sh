#!/usr/bin/env bash
# make bench-http: serves GET /hello from ShopHTTP (ordershop-client hello-server) and from Hummingbird 2
# (Benchmarks/HTTPReference), each on one event-loop thread, loads each with the same wrk run one after the
# other, and prints `http: ours=N/s reference=N/s ratio=R`.
# Settings: BENCH_DURATION (10s), BENCH_CONNECTIONS (64), BENCH_WRK_THREADS (2), BENCH_SERVER_THREADS (1).
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${BENCH_DURATION:-10s}"
connections="${BENCH_CONNECTIONS:-64}"
wrk_threads="${BENCH_WRK_THREADS:-2}"
server_threads="${BENCH_SERVER_THREADS:-1}"
expected='{"message":"Hello, World!"}'

if ! command -v wrk >/dev/null; then
    echo "bench-http: installing wrk" >&2
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq wrk >/dev/null
    else
        sudo apt-get update -qq && sudo apt-get install -y -qq wrk >/dev/null
    fi
fi
command -v curl >/dev/null || { echo "bench-http: curl is required" >&2; exit 1; }

echo "bench-http: building ShopHTTP's hello-server (release)" >&2
swift build -c release --product ordershop-client >&2
ours_bin="$(swift build -c release --show-bin-path)/ordershop-client"
echo "bench-http: building the Hummingbird reference (release)" >&2
(cd Benchmarks/HTTPReference && swift build -c release >&2)
reference_bin="$(cd Benchmarks/HTTPReference && swift build -c release --show-bin-path)/HelloHummingbird"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

server_pid=""
stop_server() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    server_pid=""
}
trap stop_server EXIT

# measure NAME COMMAND...: starts the server, checks its answer, warms it up, prints wrk's requests per second.
measure() {
    local name="$1" port body
    shift
    port="$(free_port)"
    "$@" --port "$port" --threads "$server_threads" >"/tmp/bench-http-$name.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 300); do
        body="$(curl -s "http://127.0.0.1:$port/hello" 2>/dev/null || true)"
        [ -n "$body" ] && break
        kill -0 "$server_pid" 2>/dev/null || { echo "bench-http: $name server died:" >&2; cat "/tmp/bench-http-$name.log" >&2; exit 1; }
        sleep 0.1
    done
    if [ "$body" != "$expected" ]; then
        echo "bench-http: $name answered '$body', expected '$expected'" >&2
        exit 1
    fi
    wrk -t"$wrk_threads" -c"$connections" -d2s "http://127.0.0.1:$port/hello" >/dev/null
    local report
    report="$(wrk -t"$wrk_threads" -c"$connections" -d"$duration" --latency "http://127.0.0.1:$port/hello")"
    echo "$report" | sed "s/^/  [$name] /" >&2
    if echo "$report" | grep -q "Non-2xx\|Socket errors"; then
        echo "bench-http: $name had errors under load" >&2
    fi
    stop_server
    echo "$report" | awk '/^Requests\/sec:/ { printf "%d", $2 }'
}

ours="$(measure ours "$ours_bin" hello-server)"
reference="$(measure reference "$reference_bin")"
ratio="$(awk -v a="$ours" -v b="$reference" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }')"
echo "http: ours=${ours}/s reference=${reference}/s ratio=${ratio}"
