#!/usr/bin/env bash
# Per-row CPU cost of capture, one session, no concurrency and no fsync:
# 200,000 single-row INSERTs into a table shaped like the seed's
# user_login_rec, in a PL/pgSQL loop, without triggers, with Ferry's capture
# (and with parts of it switched off), and with a naive to_jsonb trigger.
# Complements bench_capture (throughput under the seed's concurrent load).
#
# Usage: bench/capture_cost.sh [ROWS]   (run as root or as a user who can run initdb)
set -euo pipefail
ROWS=${1:-200000}
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
DIR=$(mktemp -d /tmp/ferry-tests-capcost-XXXXXX)
PORT=$((20000 + RANDOM % 20000))
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$DIR"
as_pg "$BIN/initdb" -D "$DIR/d" -A trust -U postgres >/dev/null
as_pg "$BIN/pg_ctl" -D "$DIR/d" -l "$DIR/log" -w \
    -o "-p $PORT -k $DIR -c listen_addresses='' -c fsync=off -c synchronous_commit=off" start >/dev/null
trap 'as_pg "$BIN/pg_ctl" -D "$DIR/d" -m immediate stop >/dev/null; rm -rf "$DIR"' EXIT
Q() { psql -h "$DIR" -p "$PORT" -U postgres -X -q -v ON_ERROR_STOP=1 "$@"; }

Q postgres -c "CREATE DATABASE b"
Q b -f "$SRC/sql/001_queue.sql" -f "$SRC/sql/002_capture.sql"
Q b <<'SQL'
CREATE TABLE login_rec (userid int, login_time timestamp, ip inet, id bigserial PRIMARY KEY);
CREATE TABLE naive_log (op text, tbl text, data jsonb);
CREATE FUNCTION naive() RETURNS trigger LANGUAGE plpgsql AS
  $f$ BEGIN INSERT INTO naive_log VALUES (TG_OP, TG_TABLE_NAME, to_jsonb(NEW)); RETURN NULL; END $f$;
SELECT ferry.create_queue('q');
SQL

# Median of 3 runs, nanoseconds per inserted row.
measure() {
    local label=$1 rep s e times=()
    for rep in 1 2 3; do
        Q b -c "TRUNCATE login_rec, naive_log, ferry.event_1_0, ferry.event_1_1, ferry.event_1_2"
        s=$(date +%s%N)
        Q b -c "DO \$\$ BEGIN FOR i IN 1..$ROWS LOOP INSERT INTO login_rec (userid, login_time, ip) VALUES (i, now(), '127.0.0.1'); END LOOP; END \$\$"
        e=$(date +%s%N)
        times+=($(( (e - s) / ROWS )))
    done
    printf '| %s | %s |\n' "$label" "$(printf '%s\n' "${times[@]}" | sort -n | sed -n 2p)"
}

echo "| configuration | ns per inserted row (median of 3) |"
echo "|---|---:|"
measure "no trigger"
Q b -c "SELECT ferry.capture_table('q', 'login_rec')" >/dev/null
measure "Ferry capture"
Q b -c "ALTER TABLE ferry.event_1_0 ALTER ev_id SET DEFAULT 0"
measure "Ferry, ev_id without nextval"
Q b -c "ALTER TABLE ferry.event_1_0 ALTER ev_txid SET DEFAULT 0"
measure "Ferry, also without txid_current()"
Q b -c "DROP INDEX ferry.event_1_0_ev_txid_idx"
measure "Ferry, also without the BRIN index"
Q b -c "SELECT ferry.release_table('q', 'login_rec')" >/dev/null
Q b -c "CREATE TRIGGER n AFTER INSERT ON login_rec FOR EACH ROW EXECUTE FUNCTION naive()"
measure "naive to_jsonb trigger"
