#!/usr/bin/env bash
# The install walk of the Debian package on this machine (issue 18, docs/packaging.md "The install walk"):
#
#   sudo scripts/deb-install-check.sh                 make deb, then walk dist/tld_*.deb (the newest)
#   sudo scripts/deb-install-check.sh PATH/tld_….deb  walk a package already built
#
# apt-get install -y ./tld_….deb, then: tld --version, tld devices (exit 0 without hardware), the udev
# rules, the tld user and group, completions, manual page, /var/lib/tld; the portal started the way
# packaging/systemd/tld-portal.service starts it (its ExecStart, User, Group, Environment=,
# EnvironmentFile=, WorkingDirectory=, UMask= read from the unit, run with runuser), its sign-in page
# fetched with curl, stopped; apt-get remove keeps /var/lib/tld and the database; apt-get purge removes
# /etc/tld/tld.env and still keeps /var/lib/tld (as documented). At the end the machine is as found:
# the package purged, and the tld user, /var/lib/tld, /var/backups/tld removed when this script made them.
#
# TLD_CHECK_PROGRAM=PATH: run that tld (not /usr/bin/tld) for the portal steps (tld db migrate, the
# unit's ExecStart): only to try a newer tld against a package built earlier; the output says so.
#
# It refuses to run (exit 73) when tld is installed already or /var/lib/tld exists: it must not touch a
# real lab. Needs root (apt-get), curl. systemd need not be PID 1 (this is what runs in a container):
# the hardening lines of the unit (ProtectSystem=, PrivateTmp=, …) are not applied here; see
# docs/packaging.md for what still needs a machine with systemd as PID 1.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
UNIT="$ROOT/packaging/systemd/tld-portal.service"

failures=0
pass() { printf 'ok    %s\n' "$*"; }
fail() { printf 'FAIL  %s\n' "$*"; failures=$((failures + 1)); }
check() {  # check DESCRIPTION CMD…
    local what="$1"; shift
    if "$@" >/dev/null 2>&1; then pass "$what"; else fail "$what"; fi
}

[ "$(id -u)" -eq 0 ] || { echo "deb-install-check: run as root (apt-get install)" >&2; exit 77; }
command -v curl >/dev/null || { echo "deb-install-check: curl is missing" >&2; exit 69; }
if dpkg-query -W -f='${Status}' tld 2>/dev/null | grep -q 'install ok'; then
    echo "deb-install-check: the tld package is installed already; this check only runs on a machine without it" >&2; exit 73
fi
for d in /var/lib/tld /var/backups/tld /etc/tld; do
    [ -e "$d" ] && { echo "deb-install-check: $d exists (a lab's data?): not touching it" >&2; exit 73; }
done
user_existed=0; id tld >/dev/null 2>&1 && user_existed=1
group_existed=0; getent group tld >/dev/null 2>&1 && group_existed=1

DEB="${1:-}"
if [ -z "$DEB" ]; then
    make deb || { echo "deb-install-check: make deb failed" >&2; exit 70; }
    DEB="$(ls -t "$ROOT"/dist/tld_*.deb | head -1)"
fi
[ -f "$DEB" ] || { echo "deb-install-check: no package at $DEB" >&2; exit 66; }
DEB="$(readlink -f "$DEB")"
VERSION="$(dpkg-deb -f "$DEB" Version)"
echo "== $DEB (version $VERSION), $(date -u +%FT%TZ), PID 1: $(cat /proc/1/comm)"

portal_pid=""
cleanup() {
    [ -n "$portal_pid" ] && kill "$portal_pid" 2>/dev/null
    if dpkg-query -W -f='${Status}' tld 2>/dev/null | grep -q 'installed\|config-files'; then
        apt-get purge -y tld >/dev/null 2>&1
    fi
    # As found: what the package made and purge keeps on purpose (docs/packaging.md "Removing").
    rm -rf /var/lib/tld /var/backups/tld /etc/tld
    [ "$user_existed" = 0 ] && id tld >/dev/null 2>&1 && userdel tld
    [ "$group_existed" = 0 ] && getent group tld >/dev/null 2>&1 && groupdel tld
}
trap cleanup EXIT

# 1. Install.
start=$(date +%s)
if apt-get install -y "$DEB" > /tmp/deb-install-check.apt.log 2>&1; then
    pass "apt-get install -y $(basename "$DEB") ($(( $(date +%s) - start )) s)"
else
    fail "apt-get install (log: /tmp/deb-install-check.apt.log)"; tail -20 /tmp/deb-install-check.apt.log; exit 1
fi

# 2. The programs, rules, user, completions, manual.
v="$(env -i PATH=/usr/bin:/bin tld --version 2>&1)"
[ "$v" = "$VERSION" ] && pass "tld --version: $v" || fail "tld --version printed \"$v\", the package is $VERSION"
out="$(env -i PATH=/usr/bin:/bin tld devices 2>&1)"; rc=$?
[ $rc -eq 0 ] && pass "tld devices (exit 0): $out" || fail "tld devices exit $rc: $out"
check "tl-reader-sim --help" env -i PATH=/usr/bin:/bin tl-reader-sim --help
check "udev rules /usr/lib/udev/rules.d/70-tl-lab.rules" test -s /usr/lib/udev/rules.d/70-tl-lab.rules
getent passwd tld >/dev/null && pass "system user tld: $(getent passwd tld)" || fail "no user tld"
getent group tld >/dev/null && pass "group tld: $(getent group tld)" || fail "no group tld"
[ "$(id -u tld 2>/dev/null || echo 99999)" -lt 1000 ] && pass "tld is a system user (uid < 1000)" || fail "tld is not a system user"
for g in dialout plugdev; do
    id -nG tld 2>/dev/null | tr ' ' '\n' | grep -qx "$g" && pass "tld in group $g" || fail "tld not in group $g"
done
stat -c '%U:%G %a' /var/lib/tld 2>/dev/null | grep -qx 'tld:tld 750' && pass "/var/lib/tld tld:tld 0750" || fail "/var/lib/tld: $(stat -c '%U:%G %a' /var/lib/tld 2>&1)"
stat -c '%U:%G %a' /var/backups/tld 2>/dev/null | grep -qx 'tld:tld 750' && pass "/var/backups/tld tld:tld 0750" || fail "/var/backups/tld: $(stat -c '%U:%G %a' /var/backups/tld 2>&1)"
for f in /usr/share/bash-completion/completions/tld /usr/share/zsh/vendor-completions/_tld /usr/share/fish/vendor_completions.d/tld.fish; do
    check "completion $f" test -s "$f"
done
check "bash completion loads and completes 'tld back' to backup" bash -c 'source /usr/share/bash-completion/completions/tld && COMP_WORDS=(tld back) COMP_CWORD=1 COMP_LINE="tld back" COMP_POINT=8 && _tld && printf "%s\n" "${COMPREPLY[@]}" | grep -qx backup'
check "manual page tld.1.gz names tld backup" sh -c 'zcat /usr/share/man/man1/tld.1.gz | grep -q "backup"'
check "copyright and changelog" test -s /usr/share/doc/tld/copyright -a -s /usr/share/doc/tld/changelog.gz
check "systemd units installed (7)" test "$(ls /usr/lib/systemd/system/tld-* | wc -l)" -eq 7

# 3. The portal, as the unit starts it (the unit of this checkout; the installed one should be the same).
cmp -s "$UNIT" /usr/lib/systemd/system/tld-portal.service && pass "installed tld-portal.service = packaging/systemd/tld-portal.service" \
    || fail "the installed tld-portal.service differs from packaging/systemd/tld-portal.service (a package older than this checkout?)"
unit() { sed -n "s/^$1=//p" "$UNIT"; }
user="$(unit User)"; group="$(unit Group)"; wd="$(unit WorkingDirectory)"; umask_="$(unit UMask)"
exec_start="$(unit ExecStart)"; state="$(unit StateDirectory)"
declare -A envs=()
while IFS= read -r line; do envs["${line%%=*}"]="${line#*=}"; done < <(unit Environment)
for f in $(unit EnvironmentFile); do
    f="${f#-}"
    [ -r "$f" ] || continue
    while IFS= read -r line; do
        case "$line" in ''|'#'*) continue ;; esac
        v="${line#*=}"; v="${v%\"}"; v="${v#\"}"
        envs["${line%%=*}"]="$v"
    done < "$f"
done
# The one change to the unit's settings, as a lab would make in /etc/tld/tld.env: any free port (8080
# may be taken on a shared machine); the portal prints the one it got.
envs[TLD_SERVE_OPTIONS]="${envs[TLD_SERVE_OPTIONS]:-} --port 0"
expand() {  # expand COMMAND-LINE: into the array argv, $VAR split into words (systemd.service(5))
    argv=()
    local word part
    for word in $1; do
        if [[ "$word" =~ ^\$([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
            for part in ${envs[${BASH_REMATCH[1]}]:-}; do argv+=("$part"); done
        else
            argv+=("$word")
        fi
    done
    if [ -n "${TLD_CHECK_PROGRAM:-}" ] && [ "${argv[0]}" = /usr/bin/tld ]; then argv[0]="$TLD_CHECK_PROGRAM"; fi
}
expand "$exec_start"
if [ -n "${TLD_CHECK_PROGRAM:-}" ]; then
    echo "   NOTE: the portal steps run $TLD_CHECK_PROGRAM (TLD_CHECK_PROGRAM), not the package's /usr/bin/tld"
fi
serve=("${argv[@]}")
env_args=(PATH=/usr/bin:/bin HOME="$wd" LANG=C.UTF-8)
for k in "${!envs[@]}"; do env_args+=("$k=${envs[$k]}"); done
echo "   unit: User=$user Group=$group WorkingDirectory=$wd StateDirectory=$state UMask=$umask_"
echo "   ExecStart: ${argv[*]}   (TLD_DATABASE=${envs[TLD_DATABASE]:-})"
[ -d "/var/lib/$state" ] && pass "StateDirectory /var/lib/$state exists" || fail "StateDirectory /var/lib/$state missing"
# ExecStartPre= lines first, as systemd runs them (the portal's creates the lab's database).
while IFS= read -r pre; do
    [ -n "$pre" ] || continue
    expand "${pre#-}"
    out="$(cd "$wd" && umask "$umask_" && runuser -u "$user" -g "$group" -- env -i "${env_args[@]}" "${argv[@]}" 2>&1)"; rc=$?
    [ $rc -eq 0 ] && pass "ExecStartPre ${argv[*]} as $user: $out" || fail "ExecStartPre ${argv[*]} as $user (exit $rc): $out"
done < <(unit ExecStartPre)
argv=("${serve[@]}")
log="$(mktemp)"
(cd "$wd" && umask "$umask_" && exec runuser -u "$user" -g "$group" -- env -i "${env_args[@]}" "${argv[@]}") > "$log" 2>&1 &
portal_pid=$!
url=""
for _ in $(seq 1 120); do
    url="$(sed -n 's/^portal listening on \(http[^ ]*\).*/\1/p' "$log" | head -1)"
    [ -n "$url" ] && break
    kill -0 "$portal_pid" 2>/dev/null || break
    sleep 0.5
done
if [ -n "$url" ]; then
    pass "portal started as $user: $(head -1 "$log")"
    page="$(curl -fsS --max-time 10 "$url/signin")"; rc=$?
    title="$(printf '%s' "$page" | sed -n 's:.*<title>\(.*\)</title>.*:\1:p' | head -1)"
    [ $rc -eq 0 ] && printf '%s' "$title" | grep -Eq 'kundeportal|customer portal' \
        && pass "GET $url/signin: 200, <title>$title</title>" || fail "GET $url/signin: curl exit $rc, title \"$title\""
    check "GET $url/ redirects to /signin" sh -c "curl -sS -o /dev/null -w '%{redirect_url}' --max-time 10 '$url/' | grep -q /signin"
    owner="$(ps -o user= -p "$(pgrep -P "$portal_pid" | head -1 || echo "$portal_pid")" 2>/dev/null | tr -d ' ')"
    [ "$owner" = "$user" ] && pass "the portal process runs as $owner" || fail "the portal process runs as \"$owner\""
else
    fail "the portal did not start: $(cat "$log")"
fi
kill "$portal_pid" 2>/dev/null; wait "$portal_pid" 2>/dev/null; portal_pid=""
for _ in $(seq 1 40); do pgrep -u "$user" >/dev/null || break; sleep 0.25; done   # runuser passes SIGTERM on; tld shuts down
pgrep -u "$user" >/dev/null && fail "a tld process of $user is still running" || pass "portal stopped (SIGTERM, as systemctl stop sends)"
db="${envs[TLD_DATABASE]}"
stat -c '%U %a' "$db" 2>/dev/null | grep -qx "$user 600" && pass "$db owned by $user, mode 0600 (UMask $umask_)" || fail "$db: $(stat -c '%U %a' "$db" 2>&1)"
rm -f "$log"

# 4. Remove keeps the data; purge removes the settings and still keeps the data.
sum="$(sha256sum "$db" 2>/dev/null | cut -d' ' -f1)"
apt-get remove -y tld >/dev/null 2>&1 && pass "apt-get remove -y tld" || fail "apt-get remove"
check "after remove: /usr/bin/tld gone" test ! -e /usr/bin/tld
check "after remove: the udev rules gone" test ! -e /usr/lib/udev/rules.d/70-tl-lab.rules
[ -n "$sum" ] && [ "$(sha256sum "$db" 2>/dev/null | cut -d' ' -f1)" = "$sum" ] && pass "after remove: $db in place, unchanged" || fail "after remove: $db lost or changed"
check "after remove: /etc/tld/tld.env kept (conffile)" test -f /etc/tld/tld.env
check "after remove: user tld kept" id tld
apt-get purge -y tld >/dev/null 2>&1 && pass "apt-get purge -y tld" || fail "apt-get purge"
check "after purge: /etc/tld/tld.env removed" test ! -e /etc/tld/tld.env
[ -n "$sum" ] && [ "$(sha256sum "$db" 2>/dev/null | cut -d' ' -f1)" = "$sum" ] && pass "after purge: $db still in place (documented: purge never deletes dose records)" || fail "after purge: $db lost"
check "after purge: /var/backups/tld kept" test -d /var/backups/tld
check "after purge: dpkg knows no tld" sh -c '! dpkg-query -W tld >/dev/null 2>&1 || dpkg-query -W -f="\${Status}" tld | grep -q not-installed'

cleanup; trap - EXIT
check "as found: no /var/lib/tld, /etc/tld" test ! -e /var/lib/tld -a ! -e /etc/tld
[ "$user_existed" = 1 ] || check "as found: no user tld" sh -c '! id tld'
echo "== $failures failed, $(( $(date +%s) - start )) s"
[ "$failures" -eq 0 ]
