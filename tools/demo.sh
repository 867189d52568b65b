#!/usr/bin/env bash
# Ferry's demo: a throwaway PostgreSQL cluster with the seed's cascade in it
# (root digoal_01 -> leaf dst1, and dst2 with renamed schema and tables and
# the row condition userid < 1000), their workers, a modest login/logout
# load, and the desktop manager (or `ferry status` every 5 s) watching it.
#
#   tools/demo.sh [--headless] [--seconds N]
#
#   --headless   no window: print `ferry status` every 5 seconds
#   --seconds N  stop by itself after N seconds (for tests and CI)
#   --preflight  only check the arguments and the display, then exit
#
# Ctrl-C, SIGTERM or closing the window stops everything the demo started.
# The sandbox is re-created on every run; its cluster is removed at the end,
# its configs and logs are kept.
#
# Environment (all optional):
#   FERRY_DEMO_DIR   sandbox folder (default ${XDG_DATA_HOME:-~/.local/share}/ferry-demo;
#                    as root /var/tmp/ferry-demo-root, since postgres cannot enter /root)
#   FERRY_CLI        the ferry binary (default build/dev/cli/ferry)
#   FERRY_GUI        the ferry-gui binary (default build/dev/gui/ferry-gui)
#   FERRY_PG_BINDIR  PostgreSQL's bin folder (default the newest /usr/lib/postgresql/N/bin)
set -euo pipefail

SOURCE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { printf 'demo: %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }
usage() { sed -n '2,21p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; }

HEADLESS=0
SECONDS_TO_RUN=0
PREFLIGHT=0
while [ $# -gt 0 ]; do
    case "$1" in
        --headless) HEADLESS=1 ;;
        --seconds)
            [ $# -ge 2 ] && [[ "$2" =~ ^[1-9][0-9]*$ ]] || { usage >&2; exit 2; }
            SECONDS_TO_RUN=$2
            shift
            ;;
        --seconds=*)
            SECONDS_TO_RUN=${1#--seconds=}
            [[ "$SECONDS_TO_RUN" =~ ^[1-9][0-9]*$ ]] || { usage >&2; exit 2; }
            ;;
        --preflight) PREFLIGHT=1 ;;
        -h|--help) usage; exit 0 ;;
        *) printf 'demo: unknown argument %s\n' "$1" >&2; usage >&2; exit 2 ;;
    esac
    shift
done

# Checked before anything starts (and by ./run before it builds), so a
# missing display costs nothing.
if [ "$HEADLESS" -eq 0 ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
    die "no display (DISPLAY is not set); run ./run demo --headless, or: xvfb-run -a ./run demo"
fi
[ "$PREFLIGHT" -eq 1 ] && exit 0

FERRY=${FERRY_CLI:-$SOURCE_DIR/build/dev/cli/ferry}
GUI=${FERRY_GUI:-$SOURCE_DIR/build/dev/gui/ferry-gui}
[ -x "$FERRY" ] || die "no ferry binary at $FERRY; build it with ./run build"
if [ "$HEADLESS" -eq 0 ] && [ ! -x "$GUI" ]; then
    die "no ferry-gui binary at $GUI; build it with ./run build (or use --headless)"
fi

# The newest server installed, as the test harness picks it.
PGBIN=${FERRY_PG_BINDIR:-}
if [ -z "$PGBIN" ]; then
    PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n | tail -n 1)
fi
[ -x "$PGBIN/initdb" ] && [ -x "$PGBIN/pgbench" ] \
    || die "no PostgreSQL server binaries found (looked in ${PGBIN:-/usr/lib/postgresql/*/bin}); run ./run deps"

AS_ROOT=0
[ "$(id -u)" -eq 0 ] && AS_ROOT=1
if [ "$AS_ROOT" -eq 1 ]; then
    id postgres >/dev/null 2>&1 || die "running as root but there is no 'postgres' OS user; run ./run deps"
fi

# Runs a server program: PostgreSQL refuses to run as root, so as root it
# runs as the postgres OS user, from a folder that user can enter.
as_pg() {
    if [ "$AS_ROOT" -eq 1 ]; then
        (cd "$DEMO_DIR" && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# Whether the postgres OS user can reach folder $1 (or its nearest existing parent).
pg_can_reach() {
    local d=$1
    while [ ! -d "$d" ]; do d=$(dirname "$d"); done
    runuser -u postgres -- test -x "$d" 2>/dev/null
}

DEMO_DIR=${FERRY_DEMO_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/ferry-demo}
case "$DEMO_DIR" in /*) ;; *) DEMO_DIR=$PWD/$DEMO_DIR ;; esac
DEMO_DIR=${DEMO_DIR%/}
[ -n "$DEMO_DIR" ] || die "FERRY_DEMO_DIR must name a folder of its own, not /"
if [ "$AS_ROOT" -eq 1 ] && ! pg_can_reach "$(dirname "$DEMO_DIR")"; then
    [ -z "${FERRY_DEMO_DIR:-}" ] \
        || die "FERRY_DEMO_DIR=$DEMO_DIR: the postgres OS user cannot enter its parent folder"
    # /root is closed to other users, so the server's files cannot live there.
    say "the postgres OS user cannot enter $(dirname "$DEMO_DIR"); using /var/tmp/ferry-demo-root instead"
    DEMO_DIR=/var/tmp/ferry-demo-root
fi
PGDATA_DIR=$DEMO_DIR/data
ROOT_INI=$DEMO_DIR/root.ini
LEAF_INI=$DEMO_DIR/leaf.ini
DST2_INI=$DEMO_DIR/dst2.ini
LOAD_PIDS=$DEMO_DIR/load.pids
MARKER=$DEMO_DIR/.ferry-demo

# Whether pid $1 is a process of this sandbox: its command line names the
# sandbox folder (postmaster, workers and the load all do).
ours() {
    [ -n "$1" ] && [ -r "/proc/$1/cmdline" ] \
        && tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -qF "$DEMO_DIR/"
}

# SIGTERM, then SIGKILL after 10 s, for a process of this sandbox.
stop_pid() {
    local pid=$1
    ours "$pid" || return 0
    kill -TERM "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 100); do
        ours "$pid" || break
        sleep 0.1
    done
    ours "$pid" && kill -KILL "$pid" 2>/dev/null
    # Reap our own children quietly (no "Terminated" notice).
    wait "$pid" 2>/dev/null || true
}

# Stops whatever runs in the sandbox, this run's or a killed earlier one's:
# the load, both workers, the server. Safe to call more than once.
stop_sandbox() {
    local pid ini
    if [ -f "$LOAD_PIDS" ]; then
        while read -r pid; do stop_pid "$pid"; done <"$LOAD_PIDS"
        rm -f "$LOAD_PIDS"
    fi
    for ini in "$DST2_INI" "$LEAF_INI" "$ROOT_INI"; do
        [ -f "${ini%.ini}.pid" ] || continue
        pid=$(head -n 1 "${ini%.ini}.pid" 2>/dev/null || true)
        if ours "$pid"; then
            "$FERRY" -q -s "$ini" worker >/dev/null 2>&1 || stop_pid "$pid"
        fi
    done
    if [ -f "$PGDATA_DIR/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" status >/dev/null 2>&1; then
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 30 stop >/dev/null 2>&1 \
            || as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w -t 30 stop >/dev/null 2>&1 \
            || say "could not stop the server of $PGDATA_DIR (pid $(head -n 1 "$PGDATA_DIR/postmaster.pid"))"
    fi
}

GUI_PID=
TIMER_PID=
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
    local rc=$?
    # Once: a second Ctrl-C must not cut the clean-up short, nor a reader of
    # our output that is gone (`./run demo | tee log` and Ctrl-C).
    trap '' INT TERM PIPE
    trap - EXIT
    set +e
    exec 2>/dev/null
    echo
    say "stopping: load, workers, server ..."
    if [ -n "$GUI_PID" ] && kill -0 "$GUI_PID" 2>/dev/null; then
        kill -TERM "$GUI_PID" 2>/dev/null
        wait "$GUI_PID" 2>/dev/null
    fi
    if [ -n "$TIMER_PID" ]; then
        kill -TERM "$TIMER_PID" 2>/dev/null
        wait "$TIMER_PID" 2>/dev/null
    fi
    stop_sandbox
    # The cluster is a throwaway of some 300 MB: gone with the demo. The
    # configs and logs (a few KB) stay for a look afterwards.
    [ -f "$PGDATA_DIR/postmaster.pid" ] || rm -rf "$PGDATA_DIR"
    say "stopped; nothing of the demo runs any more (configs and logs stay in $DEMO_DIR)"
    exit "$rc"
}

# --- a clean sandbox -------------------------------------------------------

if [ -d "$DEMO_DIR" ] && [ -n "$(ls -A "$DEMO_DIR")" ]; then
    # Only ever clear a folder this script made.
    [ -f "$MARKER" ] || die "$DEMO_DIR is not empty and not a Ferry demo sandbox; set FERRY_DEMO_DIR to another folder"
    say "clearing the sandbox of an earlier run (and stopping what it left running)"
    stop_sandbox
    rm -rf "$DEMO_DIR"
fi
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Our output's reader is gone (`| head`): stop too, cleanly.
trap 'exit 141' PIPE

# Folders the postgres OS user can enter, whatever the umask.
(umask 022 && mkdir -p "$DEMO_DIR")
chmod 755 "$DEMO_DIR"
echo "A throwaway Ferry demo sandbox, made by tools/demo.sh; it removes it on its next run." >"$MARKER"
# The server writes its data, socket and log here.
[ "$AS_ROOT" -eq 1 ] && chown postgres:postgres "$DEMO_DIR"

say "sandbox: $DEMO_DIR (PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}'))"
as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres -A trust -E UTF8 --locale=C.UTF-8 -N >"$DEMO_DIR/initdb.log" 2>&1 \
    || { cat "$DEMO_DIR/initdb.log" >&2; die "initdb failed"; }

# A unix socket path is limited to 107 bytes; past that, TCP only.
SOCKET_DIR=$DEMO_DIR
[ "${#DEMO_DIR}" -gt 90 ] && SOCKET_DIR=
# Throwaway data: durability off for speed, reachable on loopback only.
as_pg tee -a "$PGDATA_DIR/postgresql.conf" >/dev/null <<EOF

# tools/demo.sh: a throwaway cluster
listen_addresses = '127.0.0.1'
unix_socket_directories = '$SOCKET_DIR'
fsync = off
full_page_writes = off
synchronous_commit = off
max_connections = 40
shared_buffers = 64MB
log_min_messages = warning
log_line_prefix = '%m [%p] '
EOF
# No passwords: trust, but only on the unix socket in the sandbox folder and
# on 127.0.0.1, the only address the server listens on; the data is a throwaway.
as_pg tee "$PGDATA_DIR/pg_hba.conf" >/dev/null <<EOF
# tools/demo.sh: a throwaway cluster on loopback only, no passwords
local all all                trust
host  all all 127.0.0.1/32   trust
EOF

# --- the server, on a free loopback port -----------------------------------

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

PORT=
for candidate in $(seq 5440 5539); do
    port_in_use "$candidate" && continue
    if as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$DEMO_DIR/postgres.log" -o "-p $candidate" \
        -w -t 60 start >/dev/null 2>&1; then
        PORT=$candidate
        break
    fi
    # Someone took the port between the check and the start: try the next.
    tail -n 5 "$DEMO_DIR/postgres.log" 2>/dev/null | grep -qE 'could not bind|in use' \
        || { tail -n 5 "$DEMO_DIR/postgres.log" >&2 || true; die "the server did not start"; }
done
[ -n "$PORT" ] || die "no free loopback port in 5440-5539"
say "PostgreSQL listens on 127.0.0.1:$PORT (server log: $DEMO_DIR/postgres.log)"

export PGCONNECT_TIMEOUT=10
psql_do() {
    PGOPTIONS='-c client_min_messages=warning' "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 \
        -h 127.0.0.1 -p "$PORT" -U postgres "$@" >/dev/null
}
ROOT_DB="host=127.0.0.1 port=$PORT user=postgres dbname=digoal_01"
LEAF_DB="host=127.0.0.1 port=$PORT user=postgres dbname=dst1"
DST2_DB="host=127.0.0.1 port=$PORT user=postgres dbname=dst2"

# The seed's layout: the databases in one cluster; the root with the
# 200,000 users, the leaf dst1 with the same tables, empty (its worker copies
# them); dst2 empty: add-table --create makes its renamed tables.
SCHEMA=$SOURCE_DIR/bench/workload/schema.sql
say "creating the seed's tables: digoal_01 (root, 200,000 users), dst1 (leaf, empty) and dst2 (empty)"
psql_do -d postgres -c 'CREATE DATABASE digoal_01' -c 'CREATE DATABASE dst1' -c 'CREATE DATABASE dst2'
psql_do -d digoal_01 -f "$SCHEMA"
sed '/^INSERT/,$d' "$SCHEMA" | psql_do -d dst1

# --- the cascade -----------------------------------------------------------

write_config() { # FILE JOB DB
    cat >"$1" <<EOF
[ferry]
# written by tools/demo.sh
job_name = $2
db = $3
queue_name = replika
logfile = ${1%.ini}.log
pidfile = ${1%.ini}.pid
EOF
}
write_config "$ROOT_INI" src_digoal_01 "$ROOT_DB"
write_config "$LEAF_INI" dst1_digoal_01 "$LEAF_DB"
write_config "$DST2_INI" dst2_digoal_01 "$DST2_DB"
say "job configs: $ROOT_INI, $LEAF_INI and $DST2_INI"

# Runs a ferry command, its output indented under the demo's lines.
ferry_do() {
    "$FERRY" "$@" 2>&1 | sed 's/^/    /'
}
ferry_do "$ROOT_INI" create-root digoal_01 "$ROOT_DB"
ferry_do "$LEAF_INI" create-leaf dst1 "$LEAF_DB" --provider="$ROOT_DB"
ferry_do "$DST2_INI" create-leaf dst2 "$DST2_DB" --provider="$ROOT_DB"
ferry_do -d "$ROOT_INI" worker
ferry_do -d "$LEAF_INI" worker
ferry_do -d "$DST2_INI" worker
say "workers running: root (also the ticker), dst1 and dst2; logs in $DEMO_DIR/*.log"
ferry_do "$ROOT_INI" add-table --all

# The seed's login/logout transactions, 20 a second each, until stopped. The
# scripts are copied into the sandbox so that `ps` shows whose load it is.
cp "$SOURCE_DIR/bench/workload/login.sql" "$SOURCE_DIR/bench/workload/logout.sql" "$DEMO_DIR/"
for script in login logout; do
    "$PGBIN/pgbench" -n -M prepared -c 1 -j 1 -R 20 -T 864000 -f "$DEMO_DIR/$script.sql" \
        -h 127.0.0.1 -p "$PORT" -U postgres digoal_01 >"$DEMO_DIR/load-$script.log" 2>&1 &
    echo "$!" >>"$LOAD_PIDS"
done
sleep 1
while read -r pid; do
    ours "$pid" || { cat "$DEMO_DIR"/load-*.log >&2; die "the load (pgbench) did not start"; }
done <"$LOAD_PIDS"
say "load: pgbench, login.sql and logout.sql at 20 transactions/s each, on digoal_01"

# Subscribed last, under load: the leaf's tables go in-copy -> catching-up -> ok.
ferry_do "$LEAF_INI" add-table --all
# dst2 as the seed has it: two tables, in another schema under other names,
# only the users below 1000.
for t in user_info user_session; do
    ferry_do "$DST2_INI" add-table "digoal_01.$t" --dest-table="digoal_02.${t}1" \
        --copy-condition='userid < 1000' --create
done
say "dst1 copies its 4 tables, dst2 its 2 (renamed, userid < 1000), then they apply the root's changes as they come"

if [ "$SECONDS_TO_RUN" -gt 0 ]; then
    STOP_HOW="stops by itself after $SECONDS_TO_RUN s, or on Ctrl-C"
else
    STOP_HOW="press Ctrl-C to stop"
fi

# --- watching it -----------------------------------------------------------

START=$SECONDS
# Seconds left of --seconds, or 5 without it.
time_left() {
    if [ "$SECONDS_TO_RUN" -gt 0 ]; then
        echo $((START + SECONDS_TO_RUN - SECONDS))
    else
        echo 5
    fi
}

# Rows of the table the load inserts into, in database $1: the leaf's count
# follows the root's.
count_rows() {
    "$PGBIN/psql" -X -At -h 127.0.0.1 -p "$PORT" -U postgres -d "$1" \
        -c 'SELECT count(*) FROM digoal_01.user_login_rec' 2>/dev/null || echo '?'
}

# Logins of the users below 1000, in database $1, table $2: dst2's sum
# follows the root's through the renamed table and the row condition.
count_logged() {
    "$PGBIN/psql" -X -At -h 127.0.0.1 -p "$PORT" -U postgres -d "$1" \
        -c "SELECT coalesce(sum(login_count), 0) FROM $2 WHERE userid < 1000" 2>/dev/null || echo '?'
}

if [ "$HEADLESS" -eq 1 ]; then
    say "ready: \`ferry $LEAF_INI status\` every 5 s; $STOP_HOW"
    echo
    "$FERRY" "$LEAF_INI" tables || true
    "$FERRY" "$DST2_INI" wait-sync --timeout=60 >/dev/null 2>&1 || say "dst2 has not caught up in 60 s"
    say "dst2 holds $("$PGBIN/psql" -X -At -h 127.0.0.1 -p "$PORT" -U postgres -d dst2 \
        -c 'SELECT count(*) FROM digoal_02.user_info1' 2>/dev/null || echo '?') users in digoal_02.user_info1"
    while :; do
        left=$(time_left)
        # Sleeping in the background keeps Ctrl-C and SIGTERM immediate.
        if [ "$left" -gt 0 ]; then
            sleep "$((left < 5 ? left : 5))" &
            wait "$!"
        fi
        echo
        echo "--- $(date +%T), $((SECONDS - START)) s ---"
        "$FERRY" "$LEAF_INI" status || true
        say "rows in digoal_01.user_login_rec: root $(count_rows digoal_01), leaf $(count_rows dst1)"
        say "logins of the users below 1000: root $(count_logged digoal_01 digoal_01.user_session), dst2 $(count_logged dst2 digoal_02.user_session1)"
        [ "$SECONDS_TO_RUN" -gt 0 ] && [ "$(time_left)" -le 0 ] && break
    done
    exit 0
fi

say "ready: opening ferry-gui on $LEAF_INI; close the window or $STOP_HOW"
say "(also try: $FERRY $LEAF_INI status)"
# In the background, so that a signal reaches the trap at once; its output
# goes to a log so the terminal stays readable.
"$GUI" "$LEAF_INI" >"$DEMO_DIR/gui.log" 2>&1 &
GUI_PID=$!
rc=0
if [ "$SECONDS_TO_RUN" -gt 0 ]; then
    # exec: the timer is one process, so stopping it leaves no sleep behind.
    (exec sleep "$SECONDS_TO_RUN") &
    TIMER_PID=$!
    wait -n "$GUI_PID" "$TIMER_PID" || rc=$?
    # The time is up while the window is still open: the trap closes it.
    kill -0 "$GUI_PID" 2>/dev/null && exit 0
else
    wait "$GUI_PID" || rc=$?
fi
GUI_PID=
# 143: the window was ended with SIGTERM, a way to stop the demo too.
if [ "$rc" -ne 0 ] && [ "$rc" -ne 143 ]; then
    tail -n 5 "$DEMO_DIR/gui.log" >&2
    die "ferry-gui exited with status $rc (log: $DEMO_DIR/gui.log)"
fi
exit 0
