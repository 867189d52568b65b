#!/usr/bin/env bash
# What Ferry's write guard on a leaf's table costs the initial copy's COPY
# FROM, one session, no concurrency, no fsync, no autovacuum (it would
# analyze each load at a random moment): pgbench_accounts (pgbench -i
# -s SCALE) loaded from a server-side file, text and binary, into
#   - the table alone (primary key only), as the psql pipe loads it;
#   - the table with Ferry's guard (ferry.deny_table: a BEFORE INSERT OR
#     UPDATE OR DELETE ... FOR EACH ROW trigger), session_replication_role =
#     replica (the copy's path when its role may set it): never fired, but a
#     BEFORE row trigger makes COPY insert row by row instead of in batches;
#   - the same without replica mode (a role that may not set it): the
#     trigger's PL/pgSQL runs for every row;
#   - the guard dropped and put back around the COPY in the same transaction
#     (ferry.allow_table / ferry.deny_table; the copy holds the table's
#     ACCESS EXCLUSIVE lock from its TRUNCATE, so no session sees it open).
#
# Usage: bench/copy_trigger_cost.sh [SCALE]   (default 20 = 2,000,000 rows;
#        run as root or as a user who can run initdb)
set -euo pipefail
SCALE=${1:-20}
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
DIR=$(mktemp -d /tmp/ferry-tests-copycost-XXXXXX)
PORT=$((20000 + RANDOM % 20000))
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$DIR"
as_pg "$BIN/initdb" -D "$DIR/d" -A trust -U postgres >/dev/null
as_pg "$BIN/pg_ctl" -D "$DIR/d" -l "$DIR/log" -w \
    -o "-p $PORT -k $DIR -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c autovacuum=off" \
    start >/dev/null
trap 'as_pg "$BIN/pg_ctl" -D "$DIR/d" -m immediate stop >/dev/null; rm -rf "$DIR"' EXIT
Q() { psql -h "$DIR" -p "$PORT" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }

Q postgres -c "CREATE DATABASE b"
"$BIN/pgbench" -h "$DIR" -p "$PORT" -U postgres -i -q -s "$SCALE" b 2>/dev/null
Q b -f "$SRC/sql/001_queue.sql" -f "$SRC/sql/002_capture.sql" >/dev/null
Q b >/dev/null <<SQL
COPY pgbench_accounts TO '$DIR/rows.txt';
COPY pgbench_accounts TO '$DIR/rows.bin' (FORMAT binary);
CREATE TABLE plain (LIKE pgbench_accounts INCLUDING ALL);
CREATE TABLE guarded (LIKE pgbench_accounts INCLUDING ALL);
SELECT ferry.deny_table('guarded');
SQL

# CPU time of the server so far, in clock ticks: the postmaster, its live
# children and the children it reaped (cutime, cstime). Other work on the
# machine stretches wall time much more than it moves this.
server_ticks() {
    local pm total=0 pid stat
    pm=$(head -n 1 "$DIR/d/postmaster.pid")
    for stat in /proc/[0-9]*/stat; do
        read -r -a f < <(sed 's/^.*) //' "$stat" 2>/dev/null) || continue
        [ "${#f[@]}" -gt 14 ] || continue
        pid=${stat#/proc/}; pid=${pid%/stat}
        if [ "$pid" = "$pm" ]; then
            total=$((total + f[11] + f[12] + f[13] + f[14]))
        elif [ "${f[1]}" = "$pm" ]; then
            total=$((total + f[11] + f[12]))
        fi
    done
    echo "$total"
}

# One load into TABLE (truncated first): "WALL_MS CPU_MS". ROLE is the
# session_replication_role, AROUND=yes drops the guard and puts it back in
# the same transaction.
load() {
    local table=$1 role=$2 around=$3 format=$4 file=$DIR/rows.txt opt="" before="" after="" s e
    [ "$format" = binary ] && file=$DIR/rows.bin opt="(FORMAT binary)"
    [ "$around" = yes ] && before="SELECT ferry.allow_table('$table');" && after="SELECT ferry.deny_table('$table');"
    Q b -c "BEGIN; SET LOCAL ferry.apply_session = on; SET LOCAL session_replication_role = replica; TRUNCATE $table; COMMIT"
    local t0 t1
    sleep 0.3 # the TRUNCATE's session reaped
    t0=$(server_ticks)
    s=$(date +%s%N)
    Q b -c "BEGIN; SET LOCAL ferry.apply_session = on; SET LOCAL session_replication_role = $role; $before COPY $table FROM '$file' $opt; $after COMMIT" >/dev/null
    e=$(date +%s%N)
    sleep 0.3
    t1=$(server_ticks)
    echo "$(( (e - s) / 1000000 )) $(( (t1 - t0) * 1000 / $(getconf CLK_TCK) ))"
}

LABELS=("table alone (what the psql pipe loads)"
        "with Ferry's guard, replica mode (never fired)"
        "with Ferry's guard, no replica mode (fired per row)"
        "guard dropped and put back in the COPY's transaction")
ARGS=("plain origin no" "guarded replica no" "guarded origin no" "guarded replica yes")
declare -A MS CPU
# Interleaved, the order rotated every round; median of REPEATS.
REPEATS=5
for ((rep = 0; rep < REPEATS; rep++)); do
    for ((k = 0; k < 4; k++)); do
        i=$(( (k + rep) % 4 ))
        for format in text binary; do
            # shellcheck disable=SC2086
            read -r wall cpu < <(load ${ARGS[$i]} $format)
            MS[$i,$format]+="$wall "
            CPU[$i,$format]+="$cpu "
        done
    done
done
median() { printf '%s\n' $1 | sort -n | sed -n "$(( (REPEATS + 1) / 2 ))p"; }
secs() { printf '%d.%02d' $(($1 / 1000)) $(($1 % 1000 / 10)); }

echo "Rows: $((SCALE * 100000)) (pgbench_accounts, primary key only), COPY FROM a server-side file,"
echo "median of $REPEATS, interleaved"
echo
echo "| target | text s | binary s | server CPU s, text | server CPU s, binary |"
echo "|---|---:|---:|---:|---:|"
for ((i = 0; i < 4; i++)); do
    echo "| ${LABELS[$i]} | $(secs "$(median "${MS[$i,text]}")") | $(secs "$(median "${MS[$i,binary]}")") |" \
         "$(secs "$(median "${CPU[$i,text]}")") | $(secs "$(median "${CPU[$i,binary]}")") |"
done
