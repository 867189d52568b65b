#!/usr/bin/env bash
# ctest demo_headless: `tools/demo.sh --headless --seconds 25` in a sandbox
# under the test root (never the user's data folder). Its status must show
# the cascade with the leaf's four tables copied and rows arriving, and once
# it has stopped nothing of the sandbox may still run.
#   demo_headless.sh SOURCE_DIR FERRY_BINARY
set -euo pipefail
src=${1:?usage: demo_headless.sh SOURCE_DIR FERRY_BINARY}
export FERRY_CLI=${2:?usage: demo_headless.sh SOURCE_DIR FERRY_BINARY}
export FERRY_DEMO_DIR=${FERRY_TEST_ROOT:?FERRY_TEST_ROOT is not set}/demo
out=$FERRY_TEST_ROOT/demo-output.txt
# As the harness does: the postgres OS user must be able to enter the root.
mkdir -p "$FERRY_TEST_ROOT"
chmod 755 "$FERRY_TEST_ROOT"

fail() { echo "FAIL: $*"; exit 1; }

# timeout: a hung demo gets SIGTERM, which its own trap turns into a clean stop.
start=$SECONDS
rc=0
timeout 90 "$src/tools/demo.sh" --headless --seconds 25 >"$out" 2>&1 || rc=$?
cat "$out"
echo "(demo ran $((SECONDS - start)) s)"
[ "$rc" -eq 0 ] || fail "tools/demo.sh exited with status $rc"

# The last status printed, from its '--- time ---' line on.
last=$(awk '/^--- /{block=""} {block=block $0 "\n"} END{printf "%s", block}' "$out")
grep -qx 'digoal_01 (root)' <<<"$last" || fail "no root node in the last status"
grep -qx '  +--dst1 (leaf)' <<<"$last" || fail "no leaf dst1 under the root in the last status"
grep -qx '  +--dst2 (leaf)' <<<"$last" || fail "no leaf dst2 under the root in the last status"
# The line after a node's own: its tables (ok/catching-up/in-copy).
tables_of() { awk -v node="  +--$1 (leaf)" '$0 == node {getline; sub(/^[ |]+/, ""); print}' <<<"$last"; }
[ "$(tables_of dst1)" = "Tables: 4/0/0" ] || fail "dst1 does not have its 4 tables ok: $(tables_of dst1)"
[ "$(tables_of dst2)" = "Tables: 2/0/0" ] || fail "dst2 does not have its 2 tables ok: $(tables_of dst2)"
grep -qE '^ {30}Lag: [0-9.]+s, Tick: [0-9]+$' <<<"$last" || fail "no lag and tick for the last leaf"
! grep -qE 'WARN:|ERR:' <<<"$last" || fail "warnings or errors in the last status"
rows=$(sed -n 's/^demo: rows in digoal_01.user_login_rec: root \([0-9]*\), leaf \([0-9]*\)$/\2/p' <<<"$last")
[ -n "$rows" ] && [ "$rows" -gt 0 ] || fail "no rows of the load arrived on the leaf"
# dst2 holds the users below 1000 under its own names (digoal_02.user_info1).
dst2_users=$(sed -n 's/^demo: dst2 holds \([0-9]*\) users in digoal_02.user_info1$/\1/p' "$out")
[ "$dst2_users" = 999 ] || fail "dst2 should hold the 999 users below 1000, holds '${dst2_users}'"

# Nothing of the sandbox runs: no process names its folder (the postmaster,
# the workers, the load all do), the port is closed, the server's pidfile gone.
left=()
for cmdline in /proc/[0-9]*/cmdline; do
    args=$(tr '\0' ' ' 2>/dev/null <"$cmdline") || continue
    [[ "$args" == *"$FERRY_DEMO_DIR/"* ]] && left+=("${cmdline//[^0-9]/}: $args")
done
[ "${#left[@]}" -eq 0 ] || fail "still running after the demo: ${left[*]}"
port=$(sed -n 's/^demo: PostgreSQL listens on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$out")
[ -n "$port" ] || fail "the demo did not say its port"
! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || fail "port $port still answers"
[ ! -e "$FERRY_DEMO_DIR/data" ] || fail "the sandbox cluster was not removed"

rm -rf "$FERRY_DEMO_DIR" "$out"
echo "demo_headless: passed"
