#!/usr/bin/env bash
# make bench-http: serves GET /hello from ShopHTTP (ordershop-bench hello-server) and from Hummingbird 2
# (Benchmarks/HTTPReference), each on one event-loop thread, loads each with the same wrk run one after the
# other, and prints `http: ours=N/s reference=N/s ratio=R` (the median of BENCH_ROUNDS rounds).
#
# Both servers get one event-loop thread; Hummingbird also runs its handlers on Swift's cooperative pool
# (that is its design), ours runs them on the event loop. Throughput therefore also depends on how much CPU
# share each gets on a busy machine, so each round loads both one after the other, the median of the rounds
# is reported, and so is the CPU time each server spent per request, which does not depend on the load.
# BENCH_PIN=1 pins both servers to CPU 0 and wrk to the others (on a machine shared with other work this
# favours the server with more threads, so it is off by default).
# Settings: BENCH_DURATION (10s), BENCH_CONNECTIONS (64), BENCH_WRK_THREADS (2), BENCH_SERVER_THREADS (1),
# BENCH_ROUNDS (3), BENCH_PIN (0).
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${BENCH_DURATION:-10s}"
connections="${BENCH_CONNECTIONS:-64}"
wrk_threads="${BENCH_WRK_THREADS:-2}"
server_threads="${BENCH_SERVER_THREADS:-1}"
rounds="${BENCH_ROUNDS:-3}"
pin="${BENCH_PIN:-0}"
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

server_cpu=()
wrk_cpu=()
cpus="$(nproc)"
if [ "$pin" = 1 ] && [ "$cpus" -ge 2 ] && command -v taskset >/dev/null; then
    server_cpu=(taskset -c 0)
    wrk_cpu=(taskset -c "1-$((cpus - 1))")
fi

echo "bench-http: building ShopHTTP's hello-server (release)" >&2
swift build -c release --product ordershop-bench >&2
ours_bin="$(swift build -c release --show-bin-path)/ordershop-bench"
echo "bench-http: building the Hummingbird reference (release)" >&2
(cd Benchmarks/HTTPReference && swift build -c release >&2)
reference_bin="$(cd Benchmarks/HTTPReference && swift build -c release --show-bin-path)/HelloHummingbird"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# CPU time (user + system) a process has used so far, in clock ticks.
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat"
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

# measure NAME COMMAND...: starts the server, checks its answer, warms it up, loads it with wrk and
# prints "requests-per-second microseconds-of-cpu-per-request".
measure() {
    local name="$1" port body report requests before after
    shift
    port="$(free_port)"
    "${server_cpu[@]}" "$@" --port "$port" --threads "$server_threads" >"/tmp/bench-http-$name.log" 2>&1 &
    server_pid=$!
    body=""
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
    "${wrk_cpu[@]}" wrk -t"$wrk_threads" -c"$connections" -d2s "http://127.0.0.1:$port/hello" >/dev/null
    before="$(cpu_ticks "$server_pid")"
    report="$("${wrk_cpu[@]}" wrk -t"$wrk_threads" -c"$connections" -d"$duration" --latency "http://127.0.0.1:$port/hello")"
    after="$(cpu_ticks "$server_pid")"
    echo "$report" | sed "s/^/  [$name] /" >&2
    if echo "$report" | grep -q "Non-2xx\|Socket errors"; then
        echo "bench-http: $name had errors under load" >&2
    fi
    stop_server
    requests="$(echo "$report" | awk '/requests in/ { print $1 }')"
    echo "$report" | awk -v ticks="$((after - before))" -v hz="$(getconf CLK_TCK)" -v n="$requests" \
        '/^Requests\/sec:/ { printf "%d %.1f", $2, (n > 0 ? ticks / hz * 1e6 / n : 0) }'
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

ours_rates=() reference_rates=() ours_cpu=() reference_cpu=()
for round in $(seq 1 "$rounds"); do
    echo "bench-http: round $round of $rounds" >&2
    read -r rate cpu <<<"$(measure ours "$ours_bin" hello-server)"
    ours_rates+=("$rate") ours_cpu+=("$cpu")
    read -r rate cpu <<<"$(measure reference "$reference_bin")"
    reference_rates+=("$rate") reference_cpu+=("$cpu")
done

ours="$(printf '%s\n' "${ours_rates[@]}" | median)"
reference="$(printf '%s\n' "${reference_rates[@]}" | median)"
ratio="$(awk -v a="$ours" -v b="$reference" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "inf" }')"
echo "http: ours=${ours}/s reference=${reference}/s ratio=${ratio}"
echo "http: cpu per request ours=$(printf '%s\n' "${ours_cpu[@]}" | median)us reference=$(printf '%s\n' "${reference_cpu[@]}" | median)us" \
    "(rounds: ours ${ours_rates[*]}; reference ${reference_rates[*]}; pinned: $([ ${#server_cpu[@]} -gt 0 ] && echo yes || echo no))"
