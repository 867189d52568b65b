#!/usr/bin/env bash
# The two packages as a user meets them, on this machine, as root:
#   lint     desktop-file-validate, appstreamcli validate --no-net, lintian on
#            both (errors fail; warnings are printed, packaging/LINT-NOTES.md
#            says why each is left); ferry's Depends, and everything they
#            depend on in turn, hold no Qt GUI library
#   install  apt-get install ./ferry_*.deb alone; the ferry user, /etc/ferry;
#            apt's view of everything it needs holds no GUI library; the unit
#            passes systemd-analyze verify (and security --offline prints its
#            exposure score, for information)
#   run      a root -> leaf replication with installed files only: configs in
#            /etc/ferry, the workers started with the unit's own ExecStart line
#            as the ferry user (systemd does not run in CI), reload with its
#            ExecReload line (and its one-line refusal after a change of
#            `pidfile`), stop with its KillSignal
#   gui      apt-get install ./ferry-gui_*.deb: --version, zh_CN, icons
#   again    dpkg -i both again over the installed ones: the postinst keeps the
#            user, the job configs and the modes an administrator chose
#   purge    apt-get purge of both: no file of the packages remains, user data
#            (the job configs) stays
# Usage: install_test.sh FERRY.deb FERRY-GUI.deb SOURCE_DIR
set -euo pipefail
export LC_ALL=C.UTF-8 LANG=C.UTF-8

say() { printf 'install-test: %s\n' "$*" >&2; }
die() { say "FAILED: $*"; exit 1; }

USAGE="usage: install_test.sh FERRY.deb FERRY-GUI.deb SOURCE_DIR"
DEB=${1:?$USAGE}
GUI_DEB=${2:?$USAGE}
SOURCE_DIR=${3:?$USAGE}
case "$DEB" in /*) ;; *) DEB=$PWD/$DEB ;; esac
case "$GUI_DEB" in /*) ;; *) GUI_DEB=$PWD/$GUI_DEB ;; esac
[ -f "$DEB" ] || die "no package at $DEB; build it with ./run package"
[ -f "$GUI_DEB" ] || die "no package at $GUI_DEB; build it with ./run package"
[ "$(id -u)" -eq 0 ] || die "run as root: it installs and purges the packages"
# Never replace or purge a Ferry someone installed for real.
# Any trace of a package (installed, or removed with its configs kept) is
# an administrator's: the purge below would take their services' links too.
for pkg in ferry ferry-gui; do
    case "$(dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null || true)" in
    "" | un* | pn*) ;;
    *) die "the package $pkg is on this machine already (dpkg -l $pkg); purge it first" ;;
    esac
done
# Nor overwrite files no package owns (Ferry from the tarball or a `cmake
# --install` onto /): the purge below would delete them.
for deb in "$DEB" "$GUI_DEB"; do
    while read -r path; do
        if [ -e "$path" ] || [ -L "$path" ]; then
            die "$path exists and belongs to no package (Ferry from a tarball or cmake --install?): remove it first"
        fi
    done < <(dpkg-deb -c "$deb" | awk '$6 !~ /\/$/ {sub(/^\./, "", $6); print $6}')
done
USER_EXISTED=0
getent passwd ferry >/dev/null && USER_EXISTED=1
START=$SECONDS

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5,5n | tail -n 1)
[ -x "$PGBIN/initdb" ] || die "no PostgreSQL server binaries (run ./run deps)"

WORK=$(mktemp -d /var/tmp/ferry-install-test.XXXXXX)
chmod 755 "$WORK"
# The server's folder: the postgres OS user writes there (PostgreSQL refuses root).
PG_DIR=$WORK/pg
PGDATA_DIR=$PG_DIR/data
ROOT_INI=/etc/ferry/itest_root.ini
LEAF_INI=/etc/ferry/itest_leaf.ini
WORKER_PIDS=()
INSTALLED=0
LINTIAN_PID=

as_pg() { (cd "$PG_DIR" && runuser -u postgres -- "$@"); }

cleanup() {
    local rc=$?
    trap - EXIT
    set +e
    local pid
    [ -n "$LINTIAN_PID" ] && kill "$LINTIAN_PID" 2>/dev/null && wait "$LINTIAN_PID" 2>/dev/null
    for pid in "${WORKER_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
    done
    if [ -f "$PGDATA_DIR/postmaster.pid" ]; then
        as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m immediate -w stop >/dev/null 2>&1
    fi
    if [ "$rc" -ne 0 ]; then
        for f in /var/log/ferry/*.log "$WORK"/*.log "$WORK"/*.out "$PG_DIR"/*.log; do
            [ -f "$f" ] && { say "--- tail of $f"; tail -n 20 "$f" >&2; }
        done
    fi
    if [ "$INSTALLED" -eq 1 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get purge -y -qq ferry ferry-gui >/dev/null 2>&1
        # A package dpkg refused to unpack keeps its "install" selection.
        for pkg in ferry ferry-gui; do
            dpkg-query -W "$pkg" >/dev/null 2>&1 && echo "$pkg purge" | dpkg --set-selections
        done
    fi
    rm -f "$ROOT_INI" "$LEAF_INI"
    rmdir /etc/ferry 2>/dev/null
    # The package keeps its system user on purge; the test leaves none behind.
    if [ "$USER_EXISTED" -eq 0 ] && getent passwd ferry >/dev/null; then
        userdel ferry 2>/dev/null
        getent group ferry >/dev/null && groupdel ferry 2>/dev/null
    fi
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT

# --- lint ----------------------------------------------------------------------
say "packages: $(basename "$DEB") $(basename "$GUI_DEB")"
dpkg-deb -x "$DEB" "$WORK/ferry"
dpkg-deb -x "$GUI_DEB" "$WORK/gui"
[ "$(dpkg-deb -f "$DEB" Package)" = ferry ] || die "$(basename "$DEB") is not the package ferry"
[ "$(dpkg-deb -f "$GUI_DEB" Package)" = ferry-gui ] || die "$(basename "$GUI_DEB") is not the package ferry-gui"
VERSION=$(dpkg-deb -f "$DEB" Version)
[ "$(dpkg-deb -f "$GUI_DEB" Version)" = "$VERSION" ] || die "the two packages have different versions"
DEPENDS=$(dpkg-deb -f "$DEB" Depends)
GUI_DEPENDS=$(dpkg-deb -f "$GUI_DEB" Depends)
say "ferry Depends: $DEPENDS"
say "ferry-gui Depends: $GUI_DEPENDS"
for lib in libqt6core6 libpq5 libc6 adduser; do
    grep -q "\b$lib\b" <<<"$DEPENDS" || die "ferry's Depends lacks $lib (dpkg-shlibdeps did not run?)"
done
for lib in "ferry (= $VERSION)" libqt6widgets6 libqt6gui6 libqt6charts6 libqt6svg6 libqt6keychain1; do
    grep -qF "$lib" <<<"$GUI_DEPENDS" || die "ferry-gui's Depends lacks $lib"
done
# A headless server: nothing of Qt's GUI side, nor X or OpenGL, in ferry's
# Depends (and, once it is installed, in anything they pull in: this machine
# has those libraries anyway, so what apt-get installs would not show it).
GUI_LIBS='^(libqt6(gui|widgets|charts|svg|network|opengl|dbus|xcb)|libqt6keychain|qt6-qpa|libx11|libxcb|libgl1|libglx|libopengl|libegl|libfontconfig|libfreetype)'
depends_names() { sed 's/([^)]*)//g; s/|/,/g; s/,/ /g' <<<"$1" | tr -s ' ' '\n' | sed '/^$/d'; }
# The pattern does find what ferry-gui needs (so its silence below means something).
[ "$(depends_names "$GUI_DEPENDS" | grep -cE "$GUI_LIBS")" -ge 5 ] \
    || die "the GUI library pattern misses ferry-gui's own Depends"
if depends_names "$DEPENDS" | grep -E "$GUI_LIBS" >"$WORK/gui-in-depends.txt"; then
    die "ferry depends on GUI libraries: $(tr '\n' ' ' <"$WORK/gui-in-depends.txt")"
fi
# Each file in the package it belongs to.
[ -x "$WORK/ferry/usr/bin/ferry" ] && [ ! -e "$WORK/ferry/usr/bin/ferry-gui" ] \
    || die "ferry does not hold /usr/bin/ferry alone"
[ -x "$WORK/gui/usr/bin/ferry-gui" ] && [ ! -e "$WORK/gui/usr/bin/ferry" ] \
    || die "ferry-gui does not hold /usr/bin/ferry-gui alone"
for path in lib/systemd/system/ferry-worker@.service usr/lib/tmpfiles.d/ferry.conf \
    usr/share/man/man1/ferry.1.gz usr/share/ferry/sql usr/share/doc/ferry/copyright; do
    [ -e "$WORK/ferry/$path" ] || die "ferry lacks /$path"
done
for path in usr/share/applications usr/share/metainfo usr/share/icons usr/share/doc/ferry-gui/copyright; do
    [ -e "$WORK/gui/$path" ] || die "ferry-gui lacks /$path"
done
[ -z "$(dpkg-deb --ctrl-tarfile "$GUI_DEB" | tar t | grep -E 'post|pre')" ] \
    || die "ferry-gui has maintainer scripts; only ferry should"

desktop-file-validate "$WORK/gui/usr/share/applications/io.ferry.Ferry.desktop" \
    || die "desktop-file-validate found errors"
appstreamcli validate --no-net --pedantic "$WORK/gui/usr/share/metainfo/io.ferry.Ferry.metainfo.xml" >"$WORK/appstream.txt" 2>&1 \
    || { cat "$WORK/appstream.txt" >&2; die "appstreamcli validate found errors"; }
grep -E '^[EWIP]:' "$WORK/appstream.txt" | sed 's/^/install-test: appstream: /' >&2 || true
# The metainfo names the desktop file the package ships.
DESKTOP_ID=$(sed -n 's:.*<launchable type="desktop-id">\(.*\)</launchable>.*:\1:p' \
    "$WORK/gui/usr/share/metainfo/io.ferry.Ferry.metainfo.xml")
[ -f "$WORK/gui/usr/share/applications/$DESKTOP_ID" ] \
    || die "the metainfo's launchable $DESKTOP_ID is not in the package"
# lintian takes a while: it reads the .debs while the rest runs; its
# verdict is checked before the test passes (check_lintian).
lintian --fail-on error --tag-display-limit 0 "$DEB" "$GUI_DEB" >"$WORK/lintian.txt" 2>&1 &
LINTIAN_PID=$!
check_lintian() {
    local rc=0
    wait "$LINTIAN_PID" || rc=$?
    LINTIAN_PID=
    [ "$rc" -eq 0 ] || { cat "$WORK/lintian.txt" >&2; die "lintian found errors"; }
    sed 's/^/install-test: lintian: /' "$WORK/lintian.txt" >&2
    # Every warning left is explained in LINT-NOTES.md.
    while read -r tag; do
        grep -q -- "$tag" "$SOURCE_DIR/packaging/LINT-NOTES.md" \
            || die "lintian warning $tag is not explained in packaging/LINT-NOTES.md"
    done < <(sed -n 's/^W: [^:]*: \([a-z0-9-]*\).*/\1/p' "$WORK/lintian.txt" | sort -u)
    say "lintian: passed ($(grep -c '^W:' "$WORK/lintian.txt" || true) warnings, explained)"
}
# The tarball of the same build holds the files of both packages.
TGZ=$(ls "$(dirname "$DEB")"/ferry-*.tar.gz 2>/dev/null | head -n 1 || true)
deb_files() { dpkg-deb -c "$1" | awk '$6 !~ /\/$/ {sub(/^\.\//, "", $6); print $6}'; }
if [ -n "$TGZ" ]; then
    diff <({ deb_files "$DEB"; deb_files "$GUI_DEB"; } | sort) \
        <(tar tzf "$TGZ" | grep -v '/$' | sort) >&2 \
        || die "$(basename "$TGZ") does not hold the files of the two .debs"
fi
say "lint: the files are in their packages; desktop file and metainfo pass"

# --- install ferry alone -----------------------------------------------------------
INSTALLED=1
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$DEB" >"$WORK/apt-install.log" 2>&1 \
    || { cat "$WORK/apt-install.log" >&2; die "apt-get install ./$(basename "$DEB") failed"; }
[ "$(command -v ferry)" = /usr/bin/ferry ] || die "ferry is not /usr/bin/ferry"
[ ! -e /usr/bin/ferry-gui ] || die "ferry alone installed /usr/bin/ferry-gui"
dpkg-query -W -f='${db:Status-Abbrev}' ferry-gui 2>/dev/null | grep -q '^ii' \
    && die "apt-get install ./ferry_*.deb installed ferry-gui too"
say "installed: $(ferry --version | head -n 1)"
# The installed ferry finds the scripts for DBAs beside it and knows them for
# its own.
[ "$(ferry --version | sed -n 3p)" = "SQL scripts: /usr/share/ferry/sql (the ones built in)" ] \
    || die "ferry --version says '$(ferry --version | sed -n 3p)', not that /usr/share/ferry/sql holds its scripts"
# What ferry needs as apt sees it, now that it is installed.
apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
    --no-replaces --no-enhances ferry 2>/dev/null | grep -v '^ ' | sort -u >"$WORK/closure-installed.txt"
grep -q '^libpq5$' "$WORK/closure-installed.txt" || die "apt-cache depends ferry lists no libpq5"
if grep -E "$GUI_LIBS" "$WORK/closure-installed.txt" >"$WORK/gui-in-closure.txt"; then
    die "the installed ferry needs GUI libraries: $(tr '\n' ' ' <"$WORK/gui-in-closure.txt")"
fi
say "apt-cache depends --recurse ferry: $(wc -l <"$WORK/closure-installed.txt") packages, no GUI library among them"
dpkg -L ferry | sort >"$WORK/files.txt"
getent passwd ferry | grep -q ':/var/lib/ferry:' || die "no system user ferry with home /var/lib/ferry"
[ "$(stat -c '%U:%G %a' /etc/ferry)" = "root:ferry 750" ] \
    || die "/etc/ferry is $(stat -c '%U:%G %a' /etc/ferry), not root:ferry 750"
[ "$(stat -c '%U:%G' /var/log/ferry)" = "ferry:ferry" ] || die "/var/log/ferry is not ferry's"
# The scripts for DBAs to read are those the binary embeds (tst_sqlfiles) and
# those of the source tree.
for f in "$SOURCE_DIR"/sql/[0-9][0-9][0-9]_*.sql; do
    cmp -s "$f" "/usr/share/ferry/sql/$(basename "$f")" || die "/usr/share/ferry/sql/$(basename "$f") differs from $f"
done
[ "$(ls /usr/share/ferry/sql | wc -l)" -eq "$(ls "$SOURCE_DIR"/sql/[0-9][0-9][0-9]_*.sql | wc -l)" ] \
    || die "/usr/share/ferry/sql holds other scripts than sql/"

UNIT=/lib/systemd/system/ferry-worker@.service
[ -f "$UNIT" ] || die "no $UNIT"
if command -v systemd-analyze >/dev/null; then
    cp "$UNIT" "$WORK/ferry-worker@itest.service"
    systemd-analyze verify --man=no "$WORK/ferry-worker@itest.service" >"$WORK/verify.txt" 2>&1 \
        || { cat "$WORK/verify.txt" >&2; die "systemd-analyze verify rejects the unit"; }
    # The sandbox's exposure score, for information: systemd does not run
    # here, so the sandbox itself is never run by this test.
    if systemd-analyze security --offline=yes --no-pager "$WORK/ferry-worker@itest.service" \
        >"$WORK/security.txt" 2>&1; then
        say "systemd-analyze security --offline: $(sed -n 's/^→ Overall exposure level for [^:]*: //p' "$WORK/security.txt")"
    else
        say "systemd-analyze security --offline is not available here"
    fi
fi
unit_line() { # KEY NAME: the unit's KEY= value with %i as NAME
    sed -n "s/^$1=//p" "$UNIT" | sed "s/%i/$2/g"
}
[ "$(unit_line User x)" = ferry ] || die "the unit does not run as ferry"
KILL_SIGNAL=$(unit_line KillSignal x)
[ "$KILL_SIGNAL" = SIGTERM ] || die "the unit stops with $KILL_SIGNAL, the worker stops cleanly on SIGTERM"

# --- a root -> leaf replication with the installed files ---------------------------
install -d -o postgres -g postgres -m 0755 "$PG_DIR"
as_pg "$PGBIN/initdb" -D "$PGDATA_DIR" -U postgres -A trust -E UTF8 --locale=C.UTF-8 -N >"$WORK/initdb.log" 2>&1 \
    || { cat "$WORK/initdb.log" >&2; die "initdb failed"; }
printf "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\nfsync = off\n" \
    | as_pg tee -a "$PGDATA_DIR/postgresql.conf" >/dev/null
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
PORT=
for candidate in $(seq 5640 5739); do
    port_in_use "$candidate" && continue
    if as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -l "$PG_DIR/postgres.log" -o "-p $candidate" -w -t 60 start >/dev/null 2>&1; then
        PORT=$candidate
        break
    fi
done
[ -n "$PORT" ] || die "the throwaway PostgreSQL did not start"
psql_do() { "$PGBIN/psql" -X -q -At -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U postgres "$@"; }
psql_do -d postgres -c 'CREATE DATABASE itest_root' -c 'CREATE DATABASE itest_leaf' >/dev/null
for db in itest_root itest_leaf; do
    psql_do -d "$db" -c 'CREATE TABLE public.orders (id int PRIMARY KEY, item text NOT NULL)' >/dev/null
done
psql_do -d itest_root -c "INSERT INTO public.orders SELECT g, 'before ' || g FROM generate_series(1, 100) g" >/dev/null
say "PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT"

ROOT_DB="host=127.0.0.1 port=$PORT user=postgres dbname=itest_root"
LEAF_DB="host=127.0.0.1 port=$PORT user=postgres dbname=itest_leaf"
write_config() { # FILE JOB DB
    cat >"$1" <<EOF
[ferry]
job_name = $2
db = $3
queue_name = itest
logfile = /var/log/ferry/$2.log
pidfile = /run/ferry/$2.pid
loop_delay = 0.2
ticker_period = 0.2
EOF
    chown root:ferry "$1"
    chmod 640 "$1"
}
write_config "$ROOT_INI" itest_root "$ROOT_DB"
write_config "$LEAF_INI" itest_leaf "$LEAF_DB"
# The postinst made the pidfiles' folder (tmpfiles.d makes it at each boot).
[ "$(stat -c '%U:%G %a' /run/ferry 2>/dev/null)" = "ferry:ferry 755" ] \
    || die "the package did not make /run/ferry (ferry:ferry 755)"
[ -f /usr/lib/tmpfiles.d/ferry.conf ] || die "no /usr/lib/tmpfiles.d/ferry.conf"

as_ferry() { (cd /var/lib/ferry && runuser -u ferry -- "$@"); }
as_ferry ferry -q "$ROOT_INI" create-root itest_root "$ROOT_DB" || die "create-root failed"
as_ferry ferry -q "$LEAF_INI" create-leaf itest_leaf "$LEAF_DB" --provider="$ROOT_DB" || die "create-leaf failed"
as_ferry ferry -q "$ROOT_INI" add-table public.orders || die "add-table on the root failed"
as_ferry ferry -q "$LEAF_INI" add-table public.orders || die "add-table on the leaf failed"

# The workers, with the unit's command lines (word-split as systemd does here:
# no quotes in them), and INVOCATION_ID, which systemd sets for a service.
start_worker() { # NAME
    local -a cmd
    read -r -a cmd <<<"$(unit_line ExecStart "$1")"
    (cd /var/lib/ferry && exec runuser -u ferry -- env INVOCATION_ID="itest$RANDOM" "${cmd[@]}") \
        >"$WORK/$1.out" 2>&1 &
    WORKER_PIDS+=("$!")
}
start_worker itest_root
start_worker itest_leaf
as_ferry ferry -q "$LEAF_INI" wait-sync --timeout=60 || die "the leaf did not copy its table in 60 s"
psql_do -d itest_root -c "INSERT INTO public.orders SELECT g, 'after ' || g FROM generate_series(101, 150) g" \
    -c "UPDATE public.orders SET item = 'changed' WHERE id = 7" >/dev/null
leaf_rows() { psql_do -d itest_leaf -c "SELECT count(*) || '/' || count(*) FILTER (WHERE item = 'changed') FROM public.orders"; }
for _ in $(seq 1 150); do
    [ "$(leaf_rows)" = "150/1" ] && break
    sleep 0.2
done
[ "$(leaf_rows)" = "150/1" ] || die "the leaf holds $(leaf_rows) rows/changed, not 150/1, 30 s after the root's changes"
say "replication: the leaf copied 100 rows and applied 50 inserts and 1 update"

# Reload, as systemctl reload does.
read -r -a reload_cmd <<<"$(unit_line ExecReload itest_leaf)"
as_ferry "${reload_cmd[@]}" || die "ExecReload (${reload_cmd[*]}) failed"
# The worker's own answer on its stderr (the journal, under systemd), not the
# operator's note that ferry -r writes to the logfile.
for _ in $(seq 1 50); do
    grep -q 'reloaded config' "$WORK/itest_leaf.out" && break
    sleep 0.2
done
grep -q 'reloaded config' "$WORK/itest_leaf.out" || die "the leaf worker did not reload its config"
# The same lines in its logfile, where ferry-gui's log tail reads them.
grep -qF "$(grep -m 1 'reloaded config' "$WORK/itest_leaf.out")" /var/log/ferry/itest_leaf.log \
    || die "the worker's lines are not in /var/log/ferry/itest_leaf.log"
# logrotate (/etc/logrotate.d/ferry, a conffile) rotates a running worker's
# log: copytruncate, and the worker's next line starts the emptied file.
[ -f /etc/logrotate.d/ferry ] || die "no /etc/logrotate.d/ferry"
grep -qx /etc/logrotate.d/ferry /var/lib/dpkg/info/ferry.conffiles \
    || die "/etc/logrotate.d/ferry is not a conffile of ferry"
LOG_LINES=$(wc -l </var/log/ferry/itest_leaf.log)
logrotate -f -s "$WORK/logrotate.state" /etc/logrotate.d/ferry >"$WORK/logrotate.txt" 2>&1 \
    || { cat "$WORK/logrotate.txt" >&2; die "logrotate of /var/log/ferry failed"; }
[ "$(wc -l </var/log/ferry/itest_leaf.log.1)" -ge "$LOG_LINES" ] && [ ! -s /var/log/ferry/itest_leaf.log ] \
    || die "logrotate did not rotate /var/log/ferry/itest_leaf.log"
as_ferry "${reload_cmd[@]}" 2>/dev/null || die "ExecReload after logrotate failed"
for _ in $(seq 1 50); do
    grep -q 'reloaded config' /var/log/ferry/itest_leaf.log && break
    sleep 0.2
done
head -c 2 /var/log/ferry/itest_leaf.log | grep -q '^20' && ! grep -qaP '\x00' /var/log/ferry/itest_leaf.log \
    && grep -q 'reloaded config' /var/log/ferry/itest_leaf.log \
    || die "after logrotate the worker's log does not start with its next line: $(head -c 200 /var/log/ferry/itest_leaf.log | cat -v)"
say "logrotate: $LOG_LINES lines rotated to itest_leaf.log.1; the running worker writes on at the start of itest_leaf.log"
# After a change of `pidfile` the reload cannot find the worker: it fails
# with one line that says to restart the service instead.
sed -i 's|^pidfile = .*|pidfile = /run/ferry/itest_leaf-moved.pid|' "$LEAF_INI"
rc=0
as_ferry "${reload_cmd[@]}" 2>"$WORK/reload-moved.txt" || rc=$?
[ "$rc" -eq 1 ] && [ "$(wc -l <"$WORK/reload-moved.txt")" -eq 1 ] \
    && grep -qF 'restart it instead (systemctl restart ferry-worker@itest_leaf)' "$WORK/reload-moved.txt" \
    || die "ExecReload after a change of pidfile exited $rc with: $(cat "$WORK/reload-moved.txt")"
say "ExecReload after a change of pidfile: $(cat "$WORK/reload-moved.txt")"
sed -i 's|^pidfile = .*|pidfile = /run/ferry/itest_leaf.pid|' "$LEAF_INI"
# Stop, as systemctl stop does: KillSignal to the main process (the worker,
# whose pid its pidfile holds; runuser only waits for it), then a clean exit.
for name in itest_root itest_leaf; do
    wpid=$(head -n 1 "/run/ferry/$name.pid")
    [ "$(readlink "/proc/$wpid/exe")" = /usr/bin/ferry ] || die "pidfile of $name names $wpid, not a ferry process"
    kill "-${KILL_SIGNAL#SIG}" "$wpid"
done
for i in "${!WORKER_PIDS[@]}"; do
    rc=0
    wait "${WORKER_PIDS[$i]}" || rc=$?
    [ "$rc" -eq 0 ] || die "a worker exited with status $rc on $KILL_SIGNAL"
    unset "WORKER_PIDS[$i]"
done
[ ! -e /run/ferry/itest_leaf.pid ] || die "the leaf worker left its pidfile"
say "service commands: ExecStart ran as ferry, ExecReload reloaded, $KILL_SIGNAL stopped both cleanly"

# --- install ferry-gui ---------------------------------------------------------------
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$GUI_DEB" >"$WORK/apt-install-gui.log" 2>&1 \
    || { cat "$WORK/apt-install-gui.log" >&2; die "apt-get install ./$(basename "$GUI_DEB") failed"; }
[ -x /usr/bin/ferry-gui ] || die "no /usr/bin/ferry-gui"
dpkg -L ferry-gui | sort >>"$WORK/files.txt"
for size in 48x48 64x64 128x128 256x256; do
    file "/usr/share/icons/hicolor/$size/apps/io.ferry.Ferry.png" | grep -q "PNG image data, ${size/x/ x }" \
        || die "no ${size} PNG icon"
done
[ -f /usr/share/icons/hicolor/scalable/apps/io.ferry.Ferry.svg ] || die "no SVG icon"
GUI_VERSION=$(ferry-gui --version 2>&1) || die "ferry-gui --version failed"
[ "$GUI_VERSION" = "ferry-gui $VERSION" ] || die "ferry-gui --version says '$GUI_VERSION'"
# The GUI's zh_CN translation is embedded in the binary (:/i18n), so the
# installed binary speaks Chinese with no file beside it: its --help in zh_CN
# is not the English one and holds Chinese text.
GUI_HELP_EN=$(ferry-gui --lang en --help 2>&1) || die "ferry-gui --help failed"
GUI_HELP_ZH=$(ferry-gui --lang zh_CN --help 2>&1) || die "ferry-gui --lang zh_CN --help failed"
[ "$GUI_HELP_ZH" != "$GUI_HELP_EN" ] && grep -qP '[\x{4e00}-\x{9fff}]' <<<"$GUI_HELP_ZH" \
    || die "the installed ferry-gui does not speak zh_CN: $GUI_HELP_ZH"
say "installed: $GUI_VERSION, speaks zh_CN"

# --- the same packages again over the installed ones -------------------------------------
# An administrator's choices since the first install: /etc/ferry open to
# the group's traversal only, a job config only root reads, a log of its own.
chmod 0710 /etc/ferry
chmod 0600 "$ROOT_INI"
echo "kept" >/var/log/ferry/admin-note.log
config_state() {
    stat -c '%n %U:%G %a' /etc/ferry /etc/ferry/*.ini /var/log/ferry /var/log/ferry/admin-note.log
    sha256sum /etc/ferry/*.ini
    getent passwd ferry
    getent group ferry
}
config_state >"$WORK/state-before.txt"
# dpkg -i of an installed version runs the postinst as for an upgrade
# (configure with the old version).
DEBIAN_FRONTEND=noninteractive dpkg -i "$DEB" "$GUI_DEB" >"$WORK/dpkg-again.log" 2>&1 \
    || { cat "$WORK/dpkg-again.log" >&2; die "dpkg -i of the same packages again failed"; }
config_state >"$WORK/state-after.txt"
diff "$WORK/state-before.txt" "$WORK/state-after.txt" >&2 \
    || die "installing the packages again changed the configs, their modes or the ferry user"
for pkg in ferry ferry-gui; do
    dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" | grep -q '^ii' || die "$pkg is not installed after dpkg -i again"
done
as_ferry ferry -q "$LEAF_INI" status >/dev/null || die "ferry status failed after installing again"
say "installed again: the ferry user, the job configs, their modes and the logs kept"
as_pg "$PGBIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w stop >/dev/null

# --- purge -------------------------------------------------------------------------
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q ferry ferry-gui >"$WORK/apt-purge.log" 2>&1 \
    || { cat "$WORK/apt-purge.log" >&2; die "apt-get purge failed"; }
INSTALLED=0
left=()
while read -r path; do
    # Shared folders (/usr, /usr/share/icons/...) stay; every file and every
    # folder of Ferry's own must be gone.
    # (/lib is a link to /usr/lib on Debian 12.)
    if [ -d "$path" ]; then
        case "$path" in *ferry*) left+=("$path") ;; esac
    elif [ -e "$path" ] || [ -L "$path" ]; then
        left+=("$path")
    fi
done <"$WORK/files.txt"
for path in /var/log/ferry /run/ferry /var/lib/ferry; do
    [ -e "$path" ] && left+=("$path")
done
[ "${#left[@]}" -eq 0 ] || die "after purge these remain: ${left[*]}"
# The job configs are the user's: kept.
[ "$(ls /etc/ferry)" = "$(printf 'itest_leaf.ini\nitest_root.ini')" ] \
    || die "/etc/ferry after purge holds '$(ls /etc/ferry 2>&1)', not just the two job configs"
say "purge: no file of the packages remains; the job configs in /etc/ferry stay (user data)"

# --- over the single package of 0.1.0 --------------------------------------------------
# Up to 0.1.0 one package, ferry, held ferry-gui's files too. A stand-in for
# it (its file list, no scripts) is replaced by the two packages through apt,
# ferry-gui named first. (dpkg -i alone must be given ferry first: ferry-gui
# Breaks the old ferry, as Debian's policy for files that move to another
# package asks.)
OLD=$WORK/old-ferry
for f in /usr/bin/ferry /usr/bin/ferry-gui /usr/share/applications/io.ferry.Ferry.desktop \
    /usr/share/icons/hicolor/scalable/apps/io.ferry.Ferry.svg; do
    install -D -m 0644 /dev/null "$OLD$f"
done
install -d "$OLD/DEBIAN"
printf 'Package: ferry\nVersion: 0.1.0\nArchitecture: %s\nMaintainer: test <test@ferry.invalid>\nDescription: stand-in for the single ferry package of 0.1.0\n' \
    "$(dpkg --print-architecture)" >"$OLD/DEBIAN/control"
dpkg-deb -b --root-owner-group "$OLD" "$WORK/ferry_0.1.0_old.deb" >/dev/null || die "cannot build the stand-in of ferry 0.1.0"
INSTALLED=1
dpkg -i "$WORK/ferry_0.1.0_old.deb" >"$WORK/dpkg-old.log" 2>&1 || { cat "$WORK/dpkg-old.log" >&2; die "the stand-in of ferry 0.1.0 did not install"; }
DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$GUI_DEB" "$DEB" >"$WORK/apt-over-old.log" 2>&1 \
    || { cat "$WORK/apt-over-old.log" >&2; die "ferry-gui and ferry do not install over the single package ferry 0.1.0"; }
for pkg in ferry ferry-gui; do
    [ "$(dpkg-query -W -f='${db:Status-Abbrev} ${Version}' "$pkg")" = "ii  $VERSION" ] \
        || die "$pkg is not installed at $VERSION over ferry 0.1.0: $(dpkg-query -W -f='${db:Status-Abbrev} ${Version}' "$pkg")"
done
[ "$(dpkg -S /usr/bin/ferry-gui)" = "ferry-gui: /usr/bin/ferry-gui" ] || die "/usr/bin/ferry-gui is $(dpkg -S /usr/bin/ferry-gui)"
ferry-gui --version >/dev/null || die "ferry-gui over ferry 0.1.0 does not run"
DEBIAN_FRONTEND=noninteractive apt-get purge -y -q ferry ferry-gui >"$WORK/apt-purge2.log" 2>&1 \
    || { cat "$WORK/apt-purge2.log" >&2; die "apt-get purge after the upgrade failed"; }
INSTALLED=0
say "upgrade: apt-get install of ferry-gui and ferry $VERSION over the single package ferry 0.1.0"
check_lintian
say "passed in $((SECONDS - START)) s"
