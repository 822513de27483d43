#!/usr/bin/env bash
# The Debian package under systemd as PID 1: a fresh Debian 12 in a systemd-nspawn container
# (issue 18, docs/packaging.md "Under systemd: the container walk").
#
#   sudo scripts/deb-systemd-check.sh                 make deb, then walk dist/tld_*.deb (the newest)
#   sudo scripts/deb-systemd-check.sh PATH/tld_….deb  walk a package already built
#
# What it does, printing one ok / FAIL line per check:
#   1. A Debian 12 root filesystem: debootstrap (minbase + systemd-sysv, dbus, curl) once into
#      $TLD_SYSD_DIR/base (default .build-sysd/base, ~3.5 min, from the Debian mirror), then a fresh
#      copy of it for every run ($TLD_SYSD_DIR/root, deleted at the end; TLD_SYSD_KEEP=1 keeps it).
#   2. systemd-nspawn --boot of that copy: its own PID namespace (systemd is PID 1 in it), its own
#      mount namespace with its own /tmp (a tmpfs); no host folder is bound into it. It shares the
#      host's network (apt-get reaches the mirror; the portal listens on the host's loopback too,
#      on a port free at the start, set the documented way: TLD_SERVE_OPTIONS in /etc/tld/tld.env).
#   3. Inside (nsenter into the container): apt install ./tld_….deb (dependencies from the mirror),
#      tld --version, tld devices, the udev rules, user, folders, systemd-analyze verify of the
#      installed units; systemctl start tld-portal: active, its sign-in page and a lab account's
#      sign-in over curl, the hardening in force on the running process (user, NoNewPrivs, seccomp,
#      no capabilities, /usr read-only, a private /tmp), the database tld's and 0600, restart,
#      apt install --reinstall restarting the running portal;
#      the three timers enabled and listed by systemctl list-timers, each of their services run once
#      (a backup in /var/backups/tld, the dispatch, the overdue CSV); apt remove (services stopped,
#      the data unchanged), apt purge (tld.env gone, the data still there, no tld unit left).
#   4. Tears down: systemctl poweroff through SIGTERM to the nspawn process it started (SIGKILL of
#      that process and of the container's PID 1 only if it does not stop in 90 s), deletes the copy.
#
# Never runs systemd on the host's root filesystem (its boot-time tmpfiles would empty the host's
# /tmp). Needs root, debootstrap and systemd-container (apt-get install debootstrap systemd-container),
# the Debian mirror, a host kernel with cgroups; about 70 s after the first debootstrap. Not part of
# `make test` or .ci/run: it needs the release build of `make deb`, debootstrap and a container.
#
# TLD_SYSD_NSPAWN_OPTIONS: more systemd-nspawn options, e.g. --bind-ro=/opt/swift/usr/lib/swift/linux
# to walk a package staged from a debug build (its programs load the toolchain's Swift runtime);
# only read-only binds: the container must not write to the host.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
WORK="${TLD_SYSD_DIR:-$ROOT/.build-sysd}"
BASE="$WORK/base"
RFS="$WORK/root"
MACHINE="tld-sysd-check"
SUITE=bookworm
MIRROR="${TLD_SYSD_MIRROR:-http://deb.debian.org/debian}"

failures=0
pass() { printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; failures=$((failures + 1)); }
note() { printf '   %s\n' "$*"; }
die() { echo "deb-systemd-check: $1" >&2; exit "${2:-70}"; }

[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, systemd-nspawn)" 77
for t in debootstrap systemd-nspawn nsenter unshare; do
    command -v "$t" >/dev/null || die "$t is missing (apt-get install debootstrap systemd-container)" 69
done

DEB="${1:-}"
if [ -z "$DEB" ]; then
    make deb || die "make deb failed" 70
    DEB="$(ls -t "$ROOT"/dist/tld_*.deb | head -1)"
fi
[ -f "$DEB" ] || die "no package at $DEB" 66
DEB="$(readlink -f "$DEB")"
VERSION="$(dpkg-deb -f "$DEB" Version)"
mkdir -p "$WORK"
if [ -e "$WORK/nspawn.pid" ] && kill -0 "$(cat "$WORK/nspawn.pid")" 2>/dev/null; then
    die "a container of an earlier run is still running (pid $(cat "$WORK/nspawn.pid"))" 75
fi
start=$(date +%s)
echo "== $DEB (version $VERSION), $(date -u +%FT%TZ); host PID 1: $(cat /proc/1/comm)"

# 1. The root filesystem: a pristine Debian 12 once, a fresh copy each run.
if [ ! -x "$BASE/usr/bin/apt-get" ]; then
    rm -rf "$BASE"
    t0=$(date +%s)
    if debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,curl,ca-certificates \
        "$SUITE" "$BASE" "$MIRROR" > "$WORK/debootstrap.log" 2>&1; then
        pass "debootstrap $SUITE into $BASE ($(( $(date +%s) - t0 )) s)"
    else
        fail "debootstrap (log: $WORK/debootstrap.log)"; tail -5 "$WORK/debootstrap.log"; exit 1
    fi
    printf 'deb %s %s main\ndeb %s %s-updates main\ndeb %s-security %s-security main\n' \
        "$MIRROR" "$SUITE" "$MIRROR" "$SUITE" "$MIRROR" "$SUITE" > "$BASE/etc/apt/sources.list"
    # A mirror serving a dated snapshot: the host's apt settings for it (Valid-Until), if any.
    apt-config dump | grep -q 'Acquire::Check-Valid-Until "false"' \
        && echo 'Acquire::Check-Valid-Until "false";' > "$BASE/etc/apt/apt.conf.d/99snapshot-mirror"
    echo "$MACHINE" > "$BASE/etc/hostname"
    rm -f "$BASE/etc/machine-id"; : > "$BASE/etc/machine-id"     # a new machine ID at each boot (first boot)
fi
rm -rf "$RFS"
cp -a "$BASE" "$RFS" || die "cannot copy $BASE to $RFS" 73
install -m 0644 "$DEB" "$RFS/root/$(basename "$DEB")"
pass "fresh $SUITE root filesystem $RFS ($(cat "$RFS/etc/debian_version")), the package in /root"

# 2. Boot it. /dev/null: nspawn copies the host's device nodes into the container and refuses one that
# is not a device; where the host's /dev/null is a plain file (seen on this build machine), a real one
# is bound over it in a private mount namespace of nspawn only (the host's stays as it is).
run_dir_existed=0; [ -d /run/systemd/nspawn ] && run_dir_existed=1
devnull=""
if [ ! -c /dev/null ]; then
    devnull="$WORK/devnull"; rm -f "$devnull"; mknod -m 0666 "$devnull" c 1 3 || die "mknod $devnull failed" 73
    note "the host's /dev/null is not a character device: a real one is bound over it for nspawn only"
fi
# --register=no --keep-unit: no host systemd (machined, a scope unit) is needed; --resolv-conf: the
# host's DNS; --console=passive: the boot messages go to the container's journal.
unshare --mount --propagation private -- sh -c '
    if [ -n "$1" ]; then mount --bind "$1" /dev/null || exit 1; fi
    d="$1" r="$2" m="$3"; shift 3
    exec systemd-nspawn --quiet -D "$r" -M "$m" --boot --register=no --keep-unit --console=passive --resolv-conf=copy-host "$@"
' sh "$devnull" "$RFS" "$MACHINE" ${TLD_SYSD_NSPAWN_OPTIONS:-} > "$WORK/nspawn.log" 2>&1 &
nspawn_pid=$!
echo "$nspawn_pid" > "$WORK/nspawn.pid"
leader=""

teardown() {
    if kill -0 "$nspawn_pid" 2>/dev/null; then
        kill -TERM "$nspawn_pid"          # nspawn --boot: an orderly poweroff of the container
        for _ in $(seq 1 90); do kill -0 "$nspawn_pid" 2>/dev/null || break; sleep 1; done
        if kill -0 "$nspawn_pid" 2>/dev/null; then
            [ -n "$leader" ] && kill -KILL "$leader" 2>/dev/null    # PID 1 of the container: all of it goes
            kill -KILL "$nspawn_pid" 2>/dev/null
        fi
        wait "$nspawn_pid" 2>/dev/null
    fi
    rm -f "$WORK/nspawn.pid"
    [ -n "$devnull" ] && rm -f "$devnull"
    if [ "$run_dir_existed" = 0 ] && [ -d /run/systemd/nspawn ]; then    # nspawn's empty lock folders
        rmdir /run/systemd/nspawn/locks /run/systemd/nspawn/propagate /run/systemd/nspawn 2>/dev/null
    fi
    [ "${TLD_SYSD_KEEP:-0}" = 1 ] || rm -rf "$RFS"
}
trap teardown EXIT

for _ in $(seq 1 60); do
    leader="$(pgrep -P "$nspawn_pid" | head -1)"
    [ -n "$leader" ] && break
    kill -0 "$nspawn_pid" 2>/dev/null || break
    sleep 0.5
done
[ -n "$leader" ] || { fail "systemd-nspawn did not start the container: $(cat "$WORK/nspawn.log")"; exit 1; }
# A command in the container: every namespace of its PID 1, a clean environment.
inside() { nsenter -t "$leader" -a -- env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    LANG=C.UTF-8 HOME=/root DEBIAN_FRONTEND=noninteractive "$@"; }
# systemctl answers once PID 1 has its private socket; then wait for the boot to finish.
for _ in $(seq 1 120); do inside test -S /run/systemd/private 2>/dev/null && break; sleep 0.5; done
state="$(inside timeout 120 systemctl is-system-running --wait 2>&1)"
[ "$(inside readlink /proc/1/exe)" = /usr/lib/systemd/systemd ] && [ "$state" = running ] \
    && pass "container booted: PID 1 is systemd ($(inside systemctl --version | head -1)), system $state" \
    || { fail "container boot: PID 1 $(inside readlink /proc/1/exe), system \"$state\""; inside systemctl --failed --no-pager; }
host_tmp_marker="$(mktemp -p /tmp deb-systemd-check.XXXXXX)"
inside test ! -e "$host_tmp_marker" && pass "the container's /tmp is its own (the host's /tmp is untouched)" \
    || fail "the container sees the host's /tmp"
rm -f "$host_tmp_marker"

# 3. Install, as on a fresh machine: apt install ./tld_….deb, its Depends from the mirror.
t0=$(date +%s)
if inside apt-get update --error-on=any > "$WORK/apt.log" 2>&1 && inside sh -c "cd /root && apt install -y ./$(basename "$DEB")" >> "$WORK/apt.log" 2>&1; then
    pass "apt install -y ./$(basename "$DEB") ($(( $(date +%s) - t0 )) s; $(sed -n 's/^\([0-9]* upgraded, [0-9]* newly installed\).*/\1/p' "$WORK/apt.log" | tail -1))"
else
    fail "apt install (log: $WORK/apt.log)"; tail -20 "$WORK/apt.log"; exit 1
fi
note "apt installed: $(sed -n '/NEW packages will be installed/,/^[0-9]* upgraded/p' "$WORK/apt.log" | sed '1d;$d' | tr -s ' \n' ' ')"
grep -q 'W: \|E: ' "$WORK/apt.log" && note "apt said: $(grep 'W: \|E: ' "$WORK/apt.log" | grep -v 'stable CLI' | head -3 | tr '\n' ' ')"
v="$(inside tld --version 2>&1)"
[ "$v" = "$VERSION" ] && pass "tld --version: $v" || fail "tld --version printed \"$v\", the package is $VERSION"
out="$(inside tld devices 2>&1)"; rc=$?
[ $rc -eq 0 ] && pass "tld devices (exit 0): $out" || fail "tld devices exit $rc: $out"
inside test -s /usr/lib/udev/rules.d/70-tl-lab.rules && pass "udev rules /usr/lib/udev/rules.d/70-tl-lab.rules" || fail "no udev rules"
pw="$(inside getent passwd tld)"; [ -n "$pw" ] && pass "system user: $pw" || fail "no user tld"
inside id -nG tld | tr ' ' '\n' | grep -qx dialout && inside id -nG tld | tr ' ' '\n' | grep -qx plugdev \
    && pass "tld in dialout and plugdev" || fail "tld groups: $(inside id -nG tld)"
for d in /var/lib/tld /var/backups/tld; do
    s="$(inside stat -c '%U:%G %a' "$d" 2>&1)"; [ "$s" = "tld:tld 750" ] && pass "$d $s" || fail "$d: $s"
done
# --man=no: Documentation=man:tld(1) needs man-db, which a minimal Debian lacks (the page is checked apart).
out="$(inside sh -c 'systemd-analyze verify --man=no /usr/lib/systemd/system/tld-*.service /usr/lib/systemd/system/tld-*.timer' 2>&1)"; rc=$?
[ $rc -eq 0 ] && [ -z "$out" ] && pass "systemd-analyze verify --man=no of the 7 installed units: clean" || fail "systemd-analyze verify (exit $rc): $out"
inside test -s /usr/share/man/man1/tld.1.gz && pass "manual page /usr/share/man/man1/tld.1.gz (Documentation=man:tld(1))" || fail "no /usr/share/man/man1/tld.1.gz"
for u in tld-portal.service tld-backup.timer tld-dispatch.timer tld-overdue.timer; do
    s="$(inside systemctl is-enabled "$u" 2>&1)"
    [ "$s" = disabled ] && pass "$u installed, not enabled by the package ($s)" || fail "$u: is-enabled \"$s\""
done

# 4. The portal, started by systemd. The one setting changed, the documented way: its port.
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null || echo 8080)"
inside sh -c "echo 'TLD_SERVE_OPTIONS=--port $port' >> /etc/tld/tld.env"
note "/etc/tld/tld.env: TLD_SERVE_OPTIONS=--port $port (the container shares the host's network; 8080 may be taken)"
t0=$(date +%s)
inside systemctl start tld-portal.service; rc=$?
[ $rc -eq 0 ] && pass "systemctl start tld-portal ($(( $(date +%s) - t0 )) s)" || fail "systemctl start tld-portal: exit $rc"
url="http://127.0.0.1:$port"
for _ in $(seq 1 60); do inside curl -s -o /dev/null --max-time 2 "$url/signin" && break; sleep 0.5; done
s="$(inside systemctl is-active tld-portal.service)"; [ "$s" = active ] && pass "tld-portal is $s" || fail "tld-portal is $s"
page="$(inside curl -fsS --max-time 10 "$url/signin" 2>&1)"; rc=$?
title="$(printf '%s' "$page" | sed -n 's:.*<title>\(.*\)</title>.*:\1:p' | head -1)"
[ $rc -eq 0 ] && printf '%s' "$title" | grep -Eq 'kundeportal|customer portal' \
    && pass "curl $url/signin (inside): 200, <title>$title</title>" || fail "curl $url/signin: exit $rc, title \"$title\": $(printf '%s' "$page" | head -c 300)"
inside curl -sS -o /dev/null -w '%{redirect_url}' --max-time 10 "$url/" | grep -q /signin \
    && pass "curl $url/ redirects to /signin" || fail "$url/ does not redirect to /signin"
echo "---- systemctl status tld-portal"
inside systemctl status --no-pager --lines=5 tld-portal.service | sed 's/^/   /'
echo "----"
# A lab account (as tld: tld account add), then its sign-in through the portal: sessions and audit
# lines written to the database by the hardened service.
out="$(inside sh -c 'cd /var/lib/tld && echo "portal-check-secret-1" | runuser -u tld -- env TLD_DATABASE=/var/lib/tld/tld.sqlite tld account add --user labcheck --role lab --name "Install check" --password-stdin' 2>&1)"; rc=$?
[ $rc -eq 0 ] && pass "tld account add --role lab (as tld): $out" || fail "tld account add (exit $rc): $out"
jar=/root/portal-cookies
csrf="$(inside curl -fsS -c "$jar" -b "$jar" "$url/signin" | sed -n 's/.*name="csrf" value="\([0-9a-f]*\)".*/\1/p' | head -1)"
loc="$(inside curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -c "$jar" -b "$jar" \
    --data-urlencode "csrf=$csrf" --data-urlencode userName=labcheck --data-urlencode password=portal-check-secret-1 "$url/signin")"
case "$loc" in 303*/lab/queue) pass "sign-in as labcheck: $loc" ;; *) fail "sign-in as labcheck: \"$loc\" (csrf \"$csrf\")" ;; esac
code="$(inside curl -sS -o /dev/null -w '%{http_code}' -b "$jar" "$url/lab/queue")"
[ "$code" = 200 ] && pass "GET /lab/queue signed in: 200" || fail "GET /lab/queue signed in: $code"
note "systemd-analyze security tld-portal.service: $(inside systemd-analyze security --no-pager tld-portal.service 2>&1 | tail -1 | sed 's/^→ //')"
# The hardening, on the running process.
main="$(inside systemctl show -p MainPID --value tld-portal.service)"
if [ -z "$main" ] || [ "$main" = 0 ]; then
    fail "tld-portal has no main process: the hardening is not checked"
else
    st="$(inside cat "/proc/$main/status" 2>/dev/null)"
    u="$(inside stat -c %U "/proc/$main" 2>&1)"
    [ "$u" = tld ] && pass "MainPID $main runs as tld" || fail "MainPID $main runs as \"$u\""
    grep -q '^NoNewPrivs:[[:space:]]*1$' <<<"$st" && pass "NoNewPrivileges in force (NoNewPrivs: 1)" || fail "NoNewPrivs: $(grep NoNewPrivs <<<"$st")"
    grep -q '^Seccomp:[[:space:]]*2$' <<<"$st" && pass "SystemCallFilter in force (Seccomp: 2, filter mode)" || fail "Seccomp: $(grep '^Seccomp:' <<<"$st")"
    grep -q '^CapEff:[[:space:]]*0*$' <<<"$st" && grep -q '^CapBnd:[[:space:]]*0*$' <<<"$st" \
        && pass "no capabilities (CapEff and CapBnd 0)" || fail "$(grep -E '^Cap(Eff|Bnd)' <<<"$st" | tr '\n' ' ')"
    inside nsenter -t "$main" -m sh -c 'touch /usr/.tld-write-test' >/dev/null 2>&1 \
        && { fail "ProtectSystem=strict: /usr is writable in the service's namespace"; inside rm -f /usr/.tld-write-test; } \
        || pass "ProtectSystem=strict: /usr read-only in the service's namespace"
    inside nsenter -t "$main" -m sh -c 'touch /etc/.tld-write-test' >/dev/null 2>&1 \
        && fail "ProtectSystem=strict: /etc is writable in the service's namespace" \
        || pass "ProtectSystem=strict: /etc read-only in the service's namespace"
    inside nsenter -t "$main" -m test -w /var/lib/tld && pass "StateDirectory /var/lib/tld writable in the service's namespace" \
        || fail "/var/lib/tld not writable in the service's namespace"
    inside touch /tmp/tld-host-tmp-marker
    inside nsenter -t "$main" -m test ! -e /tmp/tld-host-tmp-marker && pass "PrivateTmp: the service's /tmp is its own" \
        || fail "PrivateTmp: the service sees the container's /tmp"
    inside sh -c 'mkdir -p /home/tld-check && touch /home/tld-check/marker'
    inside nsenter -t "$main" -m test ! -e /home/tld-check/marker && pass "ProtectHome: /home hidden from the service" \
        || fail "ProtectHome: the service sees /home"
    inside rm -rf /home/tld-check
fi
s="$(inside stat -c '%U %a' /var/lib/tld/tld.sqlite 2>&1)"
[ "$s" = "tld 600" ] && pass "/var/lib/tld/tld.sqlite: tld 0600 (created by ExecStartPre tld db migrate, UMask 0077)" || fail "/var/lib/tld/tld.sqlite: $s"
inside systemctl restart tld-portal.service && sleep 1
for _ in $(seq 1 60); do inside curl -s -o /dev/null --max-time 2 "$url/signin" && break; sleep 0.5; done
code="$(inside curl -sS -o /dev/null -w '%{http_code}' -b "$jar" "$url/lab/queue")"
[ "$code" = 200 ] && pass "systemctl restart tld-portal: still signed in (session in the database), /lab/queue 200" || fail "after restart: /lab/queue $code"
journal="$(inside journalctl -u tld-portal.service --no-pager -o cat -n 200)"
grep -q 'portal listening on' <<<"$journal" && pass "journal of tld-portal: $(grep 'portal listening on' <<<"$journal" | tail -1)" \
    || fail "journal of tld-portal has no 'portal listening on': $(tail -3 <<<"$journal")"

# An upgrade (here a reinstall of the same version): postinst restarts the running portal on the new program.
before="$(inside systemctl show -p MainPID --value tld-portal.service)"
inside sh -c "cd /root && apt install --reinstall -y ./$(basename "$DEB")" > "$WORK/apt-reinstall.log" 2>&1 || fail "apt install --reinstall (log $WORK/apt-reinstall.log)"
for _ in $(seq 1 60); do inside curl -s -o /dev/null --max-time 2 "$url/signin" && break; sleep 0.5; done
after="$(inside systemctl show -p MainPID --value tld-portal.service)"
code="$(inside curl -sS -o /dev/null -w '%{http_code}' -b "$jar" "$url/lab/queue")"
[ "$(inside systemctl is-active tld-portal.service)" = active ] && [ "$after" != "$before" ] && [ "$code" = 200 ] \
    && pass "apt install --reinstall: portal restarted by postinst (MainPID $before -> $after), still signed in" \
    || fail "after reinstall: MainPID $before -> $after, /lab/queue $code"

# 5. The timers, and each of their services once.
inside systemctl enable --now tld-backup.timer tld-dispatch.timer tld-overdue.timer >/dev/null 2>&1 \
    && pass "systemctl enable --now tld-backup.timer tld-dispatch.timer tld-overdue.timer" || fail "enabling the timers"
timers="$(inside systemctl list-timers --all --no-pager 'tld-*')"
echo "---- systemctl list-timers 'tld-*'"; sed 's/^/   /' <<<"$timers"; echo "----"
for t in backup dispatch overdue; do
    n="$(inside systemctl show -p NextElapseUSecRealtime --value "tld-$t.timer")"
    grep -q "tld-$t.timer" <<<"$timers" && [ -n "$n" ] && pass "tld-$t.timer listed, next: $n" || fail "tld-$t.timer not listed / no next elapse"
done
for t in backup dispatch overdue; do
    inside systemctl start "tld-$t.service" >/dev/null 2>&1
    r="$(inside systemctl show -p Result --value "tld-$t.service")"
    x="$(inside systemctl show -p ExecMainStatus --value "tld-$t.service")"
    last="$(inside journalctl -u "tld-$t.service" --no-pager -o cat -n 40 | grep -v '^tld-\|Deactivated\|Finished\|Starting\|Consumed\|loopback network device' | tail -1)"
    [ "$r" = success ] && [ "$x" = 0 ] && pass "systemctl start tld-$t.service: $r, exit $x: $last" \
        || fail "tld-$t.service: $r, exit $x: $(inside journalctl -u "tld-$t.service" --no-pager -o cat -n 6 | tr '\n' ' ')"
done
b="$(inside sh -c 'ls /var/backups/tld' 2>&1 | tr '\n' ' ')"
grep -q '\.partial' <<<"$b" && fail "/var/backups/tld holds a .partial file: $b"
grep -q '[^ ]' <<<"$(tr ' ' '\n' <<<"$b" | grep -v '\.partial')" && pass "/var/backups/tld holds: $b" || fail "no finished backup in /var/backups/tld: $b"
o="$(inside sh -c 'ls /var/lib/tld/overdue/overdue-*.csv' 2>/dev/null | head -1)"
[ -n "$o" ] && pass "overdue list $o ($(inside stat -c '%U %a' "$o"))" || fail "no /var/lib/tld/overdue/overdue-*.csv"
inside test -d /var/lib/tld/dispatch && pass "dispatch folder /var/lib/tld/dispatch ($(inside stat -c '%U %a' /var/lib/tld/dispatch))" \
    || fail "no /var/lib/tld/dispatch"
failed_units="$(inside systemctl --failed --no-legend --plain --no-pager | awk '{print $1}' | tr '\n' ' ')"
[ -z "$failed_units" ] && pass "systemctl --failed: none" || fail "failed units: $failed_units"

# 6. apt remove keeps the lab's data; apt purge removes the settings and still keeps it.
# The lab's content, compared as SQL (sqlite3 .dump, read-only): the portal's stop on remove checkpoints
# its WAL into the file, so the file's bytes may change while its content must not.
inside apt-get install -y sqlite3 > "$WORK/apt-sqlite3.log" 2>&1 || fail "apt-get install sqlite3 (for the comparison)"
dump() { inside sh -c 'sqlite3 -readonly /var/lib/tld/tld.sqlite .dump | sha256sum | cut -d" " -f1; sha256sum /var/lib/tld/*.key' 2>&1; }
rows="$(inside sqlite3 -readonly /var/lib/tld/tld.sqlite "select count(*) from sqlite_master where type='table'; select count(*) from portalAccount;" 2>&1 | tr '\n' ' ')"
sum="$(dump)"
inside apt remove -y tld > "$WORK/apt-remove.log" 2>&1 && pass "apt remove -y tld" || fail "apt remove (log $WORK/apt-remove.log)"
s="$(inside systemctl is-active tld-portal.service)"; [ "$s" != active ] && pass "after remove: tld-portal stopped ($s)" || fail "after remove: tld-portal still $s"
for t in backup dispatch overdue; do
    a="$(inside systemctl is-active "tld-$t.timer")"; n="$(inside systemctl show -p NextElapseUSecRealtime --value "tld-$t.timer")"
    e="$(inside systemctl is-enabled "tld-$t.timer" 2>&1)"
    [ "$a" != active ] && [ -z "$n" ] && pass "after remove: tld-$t.timer $a, nothing scheduled ($e)" || fail "after remove: tld-$t.timer $a, next \"$n\""
done
inside test ! -e /usr/bin/tld && pass "after remove: /usr/bin/tld gone" || fail "after remove: /usr/bin/tld still there"
after="$(dump)"
[ -n "$sum" ] && [ "$after" = "$sum" ] \
    && pass "after remove: /var/lib/tld/tld.sqlite and its key in place, content unchanged (tables, accounts: $rows)" \
    || fail "after remove: the database or key changed or is gone: $after"
bytes="$(inside sha256sum /var/lib/tld/tld.sqlite | cut -d' ' -f1)"
inside test -n "$(inside ls -A /var/backups/tld)" && pass "after remove: /var/backups/tld kept" || fail "after remove: /var/backups/tld empty or gone"
inside test -f /etc/tld/tld.env && pass "after remove: /etc/tld/tld.env kept (conffile)" || fail "after remove: /etc/tld/tld.env gone"
inside apt purge -y tld > "$WORK/apt-purge.log" 2>&1 && pass "apt purge -y tld" || fail "apt purge (log $WORK/apt-purge.log)"
inside test ! -e /etc/tld/tld.env && pass "after purge: /etc/tld/tld.env removed" || fail "after purge: /etc/tld/tld.env still there"
[ -n "$bytes" ] && [ "$(inside sha256sum /var/lib/tld/tld.sqlite | cut -d' ' -f1)" = "$bytes" ] && [ "$(dump)" = "$sum" ] \
    && pass "after purge: /var/lib/tld/tld.sqlite still in place (documented: purge never deletes dose records)" || fail "after purge: database gone"
left="$(inside sh -c 'find /etc/systemd/system -name "tld-*"' 2>/dev/null | tr '\n' ' ')"
[ -z "$left" ] && pass "after purge: no tld unit link left in /etc/systemd/system" || fail "after purge: left behind: $left"
s="$(inside systemctl list-units --all --no-legend --plain --no-pager 'tld-*' | grep -v ' not-found ')"
[ -z "$s" ] && pass "after purge: systemd has no tld unit loaded" || fail "after purge: systemd still has: $s"

teardown; trap - EXIT
check_gone() { ! kill -0 "$nspawn_pid" 2>/dev/null && ! kill -0 "$leader" 2>/dev/null; }
check_gone && pass "container powered off (nspawn $nspawn_pid and its PID 1, host pid $leader, gone)" || fail "the container still runs"
[ "${TLD_SYSD_KEEP:-0}" = 1 ] || { [ ! -e "$RFS" ] && pass "its root filesystem copy deleted" || fail "$RFS still there"; }
echo "== $failures failed, $(( $(date +%s) - start )) s"
[ "$failures" -eq 0 ]
