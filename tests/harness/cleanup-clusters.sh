#!/bin/sh
# Stops every PostgreSQL server whose data folder is under $1 (a test root of
# one build folder) and removes the folder. Run by ctest after the tests that
# use clusters, so a crashed test leaves nothing running.
root=${1:?usage: cleanup-clusters.sh TEST_ROOT}
case "$root" in /tmp/ferry-tests-*) ;; *) echo "refusing to clean $root" >&2; exit 2 ;; esac
[ -d "$root" ] || exit 0
stopped=0
for pidfile in "$root"/*/data/postmaster.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(head -n 1 "$pidfile")
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -QUIT "$pid" 2>/dev/null && stopped=$((stopped + 1))
    fi
done
# Give immediate shutdowns a moment before the folders go.
[ "$stopped" -gt 0 ] && sleep 1
rm -rf "$root"
echo "cleanup: stopped $stopped leftover server(s)"
