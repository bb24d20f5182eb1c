# shellcheck shell=bash
# Local PostgreSQL cluster for the stack: sourced by the scripts `make up`, `make down` and `make reset` call.
#
#   pg_start <datadir> <port> [logfile]   initdb once, start on 127.0.0.1:<port>, wait until ready,
#                                         create the database `ordershop` if missing
#   pg_stop <datadir>                     stop the cluster if it runs (keeps the data)
#   pg_running <datadir>                  whether the cluster of <datadir> runs
#   pg_create_database <bindir> <port>    create the database `ordershop` on 127.0.0.1:<port> if missing
#   pg_bindir                             print the directory of initdb/pg_ctl/postgres
#
# PostgreSQL refuses to run as root, so as root every server command runs as the `postgres` user,
# which owns the data directory; as any other user the commands run as that user.
# Authentication is `trust`, and only on 127.0.0.1: a local development cluster, never a shared one.

# The directory holding the server binaries: `pg_config --bindir` if it has them, else the newest
# /usr/lib/postgresql/*/bin (Debian keeps the server off PATH).
pg_bindir() {
    local dir
    if [ -n "${PG_BINDIR:-}" ] && [ -x "$PG_BINDIR/initdb" ]; then
        echo "$PG_BINDIR"; return 0
    fi
    if command -v pg_config >/dev/null 2>&1; then
        dir=$(pg_config --bindir 2>/dev/null || true)
        if [ -n "$dir" ] && [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
            echo "$dir"; return 0
        fi
    fi
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
        echo "$dir"; return 0
    fi
    if command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"; return 0
    fi
    echo "postgres: no PostgreSQL server binaries found (install postgresql, or set PG_BINDIR)" >&2
    return 1
}

# The user that owns and runs the cluster: `postgres` when we are root, else ourselves.
_pg_owner() {
    if [ "$(id -u)" -eq 0 ]; then echo postgres; else id -un; fi
}

# Runs a command as the cluster owner, from / so that a private working directory does not matter.
_pg_as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

_pg_absolute() {
    case "$1" in
        /*) echo "$1" ;;
        *) echo "$(pwd)/$1" ;;
    esac
}

# Creates <datadir> (owned by the cluster owner, mode 0700) and runs initdb into it, once.
_pg_init() {
    local datadir=$1 bindir=$2 owner
    owner=$(_pg_owner)
    if [ -f "$datadir/PG_VERSION" ]; then return 0; fi
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
        echo "postgres: running as root needs the unprivileged user 'postgres' (useradd --system postgres)" >&2
        return 1
    fi
    mkdir -p "$datadir" || return 1
    chown "$owner" "$datadir" && chmod 700 "$datadir" || return 1
    if ! _pg_as_owner test -w "$datadir"; then
        echo "postgres: user $owner cannot reach $datadir (a parent directory is not searchable by it)" >&2
        return 1
    fi
    echo "postgres: initdb $datadir"
    _pg_as_owner "$bindir/initdb" -D "$datadir" -U postgres -E UTF8 --locale=C \
        --auth-local=trust --auth-host=trust >"$datadir.initdb.log" 2>&1 || {
        echo "postgres: initdb failed, see $datadir.initdb.log" >&2
        return 1
    }
    rm -f "$datadir.initdb.log"
}

pg_start() {
    local datadir port logfile bindir waited=0
    if [ $# -lt 2 ]; then echo "usage: pg_start <datadir> <port> [logfile]" >&2; return 2; fi
    datadir=$(_pg_absolute "$1"); port=$2; logfile=$(_pg_absolute "${3:-$datadir.log}")
    case "$port" in ''|*[!0-9]*) echo "postgres: bad port '$port'" >&2; return 2 ;; esac
    bindir=$(pg_bindir) || return 1
    _pg_init "$datadir" "$bindir" || return 1

    if _pg_as_owner "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
        echo "postgres: already running ($datadir)"
    else
        touch "$logfile" && chown "$(_pg_owner)" "$logfile" || return 1
        # TCP on 127.0.0.1 only; no Unix socket, so a long data-directory path never exceeds its limit.
        _pg_as_owner "$bindir/pg_ctl" -D "$datadir" -l "$logfile" -w -t 120 start \
            -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=''" >/dev/null || {
            echo "postgres: failed to start on port $port, see $logfile" >&2
            return 1
        }
    fi
    until "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; do
        waited=$((waited + 1))
        if [ "$waited" -gt 120 ]; then
            echo "postgres: not ready on 127.0.0.1:$port after 60 s, see $logfile" >&2
            return 1
        fi
        sleep 0.5
    done
    pg_create_database "$bindir" "$port" || return 1
    echo "postgres: ready on 127.0.0.1:$port"
}

pg_create_database() {
    local bindir=$1 port=$2 found
    found=$("$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -tAc \
            "SELECT 1 FROM pg_database WHERE datname = 'ordershop'") || return 1
    if [ "$found" != "1" ]; then
        "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres ordershop || return 1
        echo "postgres: created database ordershop"
    fi
}

pg_running() {
    local datadir bindir
    datadir=$(_pg_absolute "$1")
    [ -f "$datadir/PG_VERSION" ] || return 1
    bindir=$(pg_bindir 2>/dev/null) || return 1
    _pg_as_owner "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1
}

pg_stop() {
    local datadir bindir
    if [ $# -lt 1 ]; then echo "usage: pg_stop <datadir>" >&2; return 2; fi
    datadir=$(_pg_absolute "$1")
    [ -f "$datadir/PG_VERSION" ] || return 0
    bindir=$(pg_bindir) || return 1
    if _pg_as_owner "$bindir/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
        _pg_as_owner "$bindir/pg_ctl" -D "$datadir" -m fast -w -t 60 stop >/dev/null || return 1
        echo "postgres: stopped ($datadir)"
    fi
}
