# Shared by the scripts of the local stack (sourced, not run): paths, the nine services, processes.
# Everything lives under .run/: pids/<executable>.pid, logs/<executable>.log, redis/ (AOF), pg/, env.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
RUN_DIR="$ROOT/.run"
PID_DIR="$RUN_DIR/pids"
LOG_DIR="$RUN_DIR/logs"
REDIS_DIR="$RUN_DIR/redis"
PG_DIR="$RUN_DIR/pg"
ENV_FILE="$RUN_DIR/env"

# executable:port, in the order they start (the gateway last: it calls the others).
SERVICES=(
  customer-service:5001 product-service:5002 inventory-service:5003 order-service:5004
  billing-service:5005 crm-service:5006 msg-service:5007 archive-service:5008 gateway-api:5000
)

say() { printf '%s\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

service_names() { local s; for s in "${SERVICES[@]}"; do printf '%s\n' "${s%%:*}"; done; }

service_port() {
  local s
  for s in "${SERVICES[@]}"; do [[ "${s%%:*}" == "$1" ]] && { printf '%s\n' "${s##*:}"; return 0; }; done
  return 1
}

require_service() {
  [[ -n "${1:-}" ]] || die "name a service: SERVICE=crm-service (one of: $(service_names | tr '\n' ' '))"
  service_port "$1" >/dev/null || die "unknown service '$1' (one of: $(service_names | tr '\n' ' '))"
}

# Installs a Debian package when its command is missing (as root; through sudo otherwise).
ensure_command() {
  local command="$1" package="$2"
  command -v "$command" >/dev/null 2>&1 && return 0
  say "installing $package ($command is missing)"
  local sudo=""
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "$command is missing and we are not root: install $package"
    sudo="sudo"
  fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$package" >/dev/null \
    || die "could not install $package"
}

release_bin_dir() { (cd "$ROOT" && swift build -c release --show-bin-path); }

# The bin dir of the last `make up` build (so start/stop/status need no swift call).
bin_dir() {
  if [[ -f "$RUN_DIR/bin-path" ]]; then cat "$RUN_DIR/bin-path"; else release_bin_dir; fi
}

pid_of() {
  local file="$PID_DIR/$1.pid" pid
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # A stale file may name a pid the kernel has since given to another program.
  if [[ -r "/proc/$pid/cmdline" ]]; then tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$1" || return 1; fi
  printf '%s\n' "$pid"
}

# Remembers the settings of `make up` so a later `make start` runs a service against the same Redis.
save_env() {
  mkdir -p "$RUN_DIR"
  : >"$ENV_FILE"
  local name
  for name in REDIS_URL DATABASE_URL LOG_LEVEL; do
    [[ -n "${!name:-}" ]] && printf '%s=%q\n' "$name" "${!name}" >>"$ENV_FILE"
  done
  return 0
}

# Loads the saved settings; a variable set in the caller's environment wins.
load_env() {
  [[ -f "$ENV_FILE" ]] || return 0
  local line name
  while IFS= read -r line; do
    name="${line%%=*}"
    [[ -n "${!name:-}" ]] || eval "export $line"
  done <"$ENV_FILE"
}

start_service() {
  local exe="$1" bin pid
  bin="$(bin_dir)"
  [[ -x "$bin/$exe" ]] || die "$bin/$exe is not built: run make up"
  if pid="$(pid_of "$exe")"; then say "$exe is already running (pid $pid)"; return 0; fi
  mkdir -p "$PID_DIR" "$LOG_DIR"
  # setsid: the service must outlive this script and ignore the terminal's Ctrl-C.
  PORT="$(service_port "$exe")" setsid "$bin/$exe" >>"$LOG_DIR/$exe.log" 2>&1 </dev/null &
  printf '%s\n' "$!" >"$PID_DIR/$exe.pid"
  say "started $exe (pid $!, port $(service_port "$exe"), log .run/logs/$exe.log)"
}

# SIGTERM (graceful shutdown), then SIGKILL after 20 s.
stop_service() {
  local exe="$1" pid waited=0
  if ! pid="$(pid_of "$exe")"; then rm -f "$PID_DIR/$exe.pid"; say "$exe is not running"; return 0; fi
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= 200)); then say "$exe did not stop within 20 s: killing it"; kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.1
    waited=$((waited + 1))
  done
  rm -f "$PID_DIR/$exe.pid"
  say "stopped $exe"
}

# Waits until the given services (all nine when none is given) answer /ready.
wait_ready() {
  local timeout="${READY_TIMEOUT:-120}" args=() exe
  for exe in "$@"; do args+=(--service "$exe"); done
  if ! "$(bin_dir)/ordershop-client" ready --timeout "$timeout" "${args[@]}"; then
    for exe in "${@:-$(service_names)}"; do
      [[ -f "$LOG_DIR/$exe.log" ]] && { say "--- last lines of .run/logs/$exe.log"; tail -n 5 "$LOG_DIR/$exe.log"; }
    done
    return 1
  fi
}

redis_port() { printf '6379\n'; }

# Starts the local redis-server (AOF on, data in .run/redis) unless REDIS_URL points elsewhere.
start_redis() {
  if [[ -n "${REDIS_URL:-}" ]]; then say "using Redis at $REDIS_URL (REDIS_URL)"; return 0; fi
  local pid
  if pid="$(pid_of redis-server)"; then say "redis-server is already running (pid $pid)"; return 0; fi
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    say "a Redis not started by make up already answers on 127.0.0.1:6379: using it"
    return 0
  fi
  mkdir -p "$REDIS_DIR" "$PID_DIR" "$LOG_DIR"
  redis-server --bind 127.0.0.1 --port 6379 --appendonly yes --appendfsync everysec --dir "$REDIS_DIR" \
    --daemonize yes --pidfile "$PID_DIR/redis-server.pid" --logfile "$LOG_DIR/redis-server.log" \
    || die "redis-server did not start: see .run/logs/redis-server.log"
  local tries=0
  until redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; do
    ((tries++ < 100)) || die "redis-server does not answer: see .run/logs/redis-server.log"
    sleep 0.1
  done
  say "started redis-server on 127.0.0.1:6379 (AOF on, data in .run/redis)"
}

stop_redis() {
  local pid
  if ! pid="$(pid_of redis-server)"; then rm -f "$PID_DIR/redis-server.pid"; return 0; fi
  kill -TERM "$pid" 2>/dev/null || true  # redis-server flushes the AOF on SIGTERM
  while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  rm -f "$PID_DIR/redis-server.pid"
  say "stopped redis-server"
}

# PostgreSQL under .run/pg on 127.0.0.1:5432 unless DATABASE_URL points elsewhere (scripts/lib/postgres.sh).
start_postgres() {
  if [[ -n "${DATABASE_URL:-}" ]]; then say "using PostgreSQL at DATABASE_URL"; return 0; fi
  if [[ ! -f "$ROOT/scripts/lib/postgres.sh" ]]; then say "PostgreSQL: scripts/lib/postgres.sh is not there yet, skipped"; return 0; fi
  # shellcheck source=/dev/null
  source "$ROOT/scripts/lib/postgres.sh"
  mkdir -p "$LOG_DIR"
  pg_start "$PG_DIR" 5432 "$LOG_DIR/postgres.log" || die "PostgreSQL did not start (see .run/logs/postgres.log)"
}

stop_postgres() {
  [[ -d "$PG_DIR" && -f "$ROOT/scripts/lib/postgres.sh" ]] || return 0
  # shellcheck source=/dev/null
  source "$ROOT/scripts/lib/postgres.sh"
  pg_stop "$PG_DIR" || die "PostgreSQL did not stop"
}
