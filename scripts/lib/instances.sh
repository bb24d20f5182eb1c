# shellcheck shell=bash
# Several instances of every service (make up INSTANCES=N), sourced by lib/stack.sh.
#
# With INSTANCES=1 (the default) nothing changes: one process a service, named after its executable, on the
# service's port (pids/crm-service.pid, logs/crm-service.log). With INSTANCES=N (2 to 9), instance k of a service
# whose port is P is the process <executable>-<k> on port P + 100*k (crm-service-1 on 5106, crm-service-2 on 5206;
# pids/crm-service-2.pid, logs/crm-service-2.log), every process is told all instances of each service
# (CRM_SERVICE_URL=http://127.0.0.1:5106,http://127.0.0.1:5206: the clients take turns and skip a dead one), and
# HAProxy from Debian takes the gateway's own port (5000) in front of the gateways (pids/haproxy.pid,
# logs/haproxy.log, .run/haproxy.cfg).

# The number of instances a service runs with: INSTANCES (checked), 1 by default.
instance_count() {
  local count="${INSTANCES:-1}"
  [[ "$count" =~ ^[1-9]$ ]] || die "INSTANCES must be a number from 1 to 9 (got \"$count\")"
  printf '%s\n' "$count"
}

# The processes of executable $1 (or of every service without an argument), in start order.
process_names() {
  local count exe k
  count="$(instance_count)"
  for exe in ${1:-$(service_names)}; do
    if ((count == 1)); then printf '%s\n' "$exe"; else for ((k = 1; k <= count; k++)); do printf '%s-%s\n' "$exe" "$k"; done; fi
  done
}

# The executable of process $1 (crm-service-2 -> crm-service); the name itself for anything else.
process_program() {
  if [[ "$1" =~ ^(.+)-([1-9])$ ]] && service_port "${BASH_REMATCH[1]}" >/dev/null; then
    printf '%s\n' "${BASH_REMATCH[1]}"
  else
    printf '%s\n' "$1"
  fi
}

# The port process $1 listens on: the service's port for a lone instance, that port + 100*k for instance k.
process_port() {
  local base
  if [[ "$1" =~ ^(.+)-([1-9])$ ]] && base="$(service_port "${BASH_REMATCH[1]}")"; then
    printf '%s\n' $((base + 100 * BASH_REMATCH[2]))
  else
    service_port "$1"
  fi
}

# The processes SERVICE=$1 names: every instance of a service (crm-service), or one instance (crm-service-2).
processes_of_service() {
  local program
  program="$(process_program "$1")"
  if [[ "$program" != "$1" ]]; then
    (( ${1##*-} <= $(instance_count) )) || die "$1: the stack runs $(instance_count) instance(s) of $program"
    printf '%s\n' "$1"
  else
    process_names "$1"
  fi
}

# NAME_URL=url,url,… for every service (GATEWAY_API_URL: HAProxy's address), for the environment of each process of
# a stack with several instances; nothing with one.
instance_url_assignments() {
  (($(instance_count) > 1)) || return 0
  local exe name urls
  for exe in $(service_names); do
    urls=""
    if [[ "$exe" == gateway-api ]]; then
      urls="http://127.0.0.1:$(service_port gateway-api)"
    else
      for name in $(process_names "$exe"); do urls+="${urls:+,}http://127.0.0.1:$(process_port "$name")"; done
    fi
    printf '%s=%s\n' "$(url_variable "$exe")" "$urls"
  done
}

# --- HAProxy in front of the gateways ----------------------------------------------------------------------------

HAPROXY_CONFIG="$RUN_DIR/haproxy.cfg"

# Writes .run/haproxy.cfg: the gateway's port, round robin over the gateways that answer /ready (checked every
# 500 ms); a connection refused by one is retried on another (nothing was sent), a request that reached one never.
write_haproxy_config() {
  local name
  mkdir -p "$RUN_DIR"
  {
    printf '# Written by make up INSTANCES=%s (scripts/lib/instances.sh); rewritten on each make up.\n' "$(instance_count)"
    printf 'global\n  maxconn 4096\n\n'
    printf 'defaults\n  mode http\n  timeout connect 1s\n  timeout client 120s\n  timeout server 120s\n'
    printf '  retries 2\n  option redispatch 1\n  retry-on conn-failure empty-response\n\n'
    printf 'frontend gateway\n  bind 127.0.0.1:%s\n  default_backend gateways\n\n' "$(service_port gateway-api)"
    printf 'backend gateways\n  balance roundrobin\n  option httpchk GET /ready\n  http-check expect status 200\n'
    printf '  default-server inter 500ms fall 2 rise 1\n'
    for name in $(process_names gateway-api); do
      printf '  server %s 127.0.0.1:%s check\n' "$name" "$(process_port "$name")"
    done
  } >"$HAPROXY_CONFIG"
}

# Starts HAProxy (installed from Debian when missing) on the gateway's port unless it runs; waits until the port
# answers /ready through it.
start_haproxy() {
  local pid log="$LOG_DIR/haproxy.log" port
  port="$(service_port gateway-api)"
  if pid="$(pid_of haproxy)"; then say "haproxy is already running (pid $pid)"; return 0; fi
  write_haproxy_config
  haproxy -c -q -f "$HAPROXY_CONFIG" || die "haproxy refuses $(shown "$HAPROXY_CONFIG") (above)"
  port_taken "$port" && die "port $port, which HAProxy needs in front of the gateways, is taken by $(port_holder "$port")"
  mkdir -p "$PID_DIR" "$LOG_DIR"
  LOG_OFFSETS[haproxy]="$(stat -c %s "$log" 2>/dev/null || echo 0)"
  launch_detached "$log" haproxy -W -db -f "$HAPROXY_CONFIG"
  pid=$!
  STARTED_PIDS[haproxy]="$pid"
  printf '%s\n' "$pid" >"$PID_DIR/haproxy.pid"
  say "started haproxy on 127.0.0.1:$port in front of $(process_names gateway-api | tr '\n' ' ')(pid $pid, log $(shown "$log"))"
  local deadline=$((SECONDS + 30))
  until [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$port/ready" 2>/dev/null)" == 200 ]]; do
    alive "$pid" || { report_exit haproxy "$pid"; return 1; }
    ((SECONDS < deadline)) || { warn "error: no gateway answers /ready through haproxy on port $port after 30 s"; return 1; }
    sleep 0.1
  done
  say "haproxy is ready"
}
