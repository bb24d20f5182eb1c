# shellcheck shell=bash
# A private redis-server for the benchmarks: sourced by scripts/bench-archive.sh, bench-events.sh and bench-redis.sh.
#
#   free_port                  print a TCP port on 127.0.0.1 that nobody listens on right now
#   redis_start <dir> <port>   start redis-server without persistence on 127.0.0.1:<port>, pid file and log in <dir>;
#                              wait until it answers PING (fails, naming the log, if it never does)
#   redis_stop <dir>           stop the server started with <dir>, if it runs

free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

redis_start() {
    local dir="$1" port="$2"
    redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no --daemonize yes \
        --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
    for _ in $(seq 1 200); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && return 0
        sleep 0.05
    done
    echo "redis-server on port $port did not answer PING; see $dir/redis.log" >&2
    return 1
}

redis_stop() {
    local dir="$1"
    if [[ -f "$dir/redis.pid" ]]; then kill "$(cat "$dir/redis.pid")" 2>/dev/null || true; fi
}
