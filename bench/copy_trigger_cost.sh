#!/usr/bin/env bash
# What Ferry's write guard on a leaf's table costs the initial copy's COPY
# FROM, one session, no concurrency, no fsync: pgbench_accounts (pgbench -i
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
    -o "-p $PORT -k $DIR -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
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

# Seconds of one load, median of 3 (each into the table just truncated).
measure() {
    local label=$1 table=$2 role=$3 around=$4 format rep s e times file opt
    for format in text binary; do
        file=$DIR/rows.txt opt=""
        [ "$format" = binary ] && file=$DIR/rows.bin opt="(FORMAT binary)"
        times=()
        for rep in 1 2 3; do
            Q b -c "BEGIN; SET LOCAL ferry.apply_session = on; SET LOCAL session_replication_role = replica; TRUNCATE $table; COMMIT"
            local before="" after=""
            [ "$around" = yes ] && before="SELECT ferry.allow_table('$table');" && after="SELECT ferry.deny_table('$table');"
            s=$(date +%s%N)
            Q b -c "BEGIN; SET LOCAL ferry.apply_session = on; SET LOCAL session_replication_role = $role; $before COPY $table FROM '$file' $opt; $after COMMIT" >/dev/null
            e=$(date +%s%N)
            times+=("$(( (e - s) / 1000000 ))")
        done
        printf -v "ms_$format" '%s' "$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)"
    done
    # shellcheck disable=SC2154
    printf '| %s | %d.%02d | %d.%02d |\n' "$label" $((ms_text / 1000)) $((ms_text % 1000 / 10)) \
        $((ms_binary / 1000)) $((ms_binary % 1000 / 10))
}

echo "Rows: $((SCALE * 100000)) (pgbench_accounts, primary key only), COPY FROM a server-side file"
echo
echo "| target | text s | binary s |"
echo "|---|---:|---:|"
measure "table alone (what the psql pipe loads)" plain origin no
measure "with Ferry's guard, replica mode (never fired)" guarded replica no
measure "with Ferry's guard, no replica mode (fired per row)" guarded origin no
measure "guard dropped and put back in the COPY's transaction" guarded replica yes
