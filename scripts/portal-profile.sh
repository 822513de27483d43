#!/usr/bin/env bash
# CPU time per portal request, and where it goes: a benchmark aid, not part of `make test`.
#   1. a lab with one customer of $wearers wearers (as scripts/portal-load.sh makes it);
#   2. `tld serve` on a free loopback port; sign in and warm up (20 requests, so the customer's
#      overview is in the portal's memory as it is under load);
#   3. $requests requests of $page one after another (one curl, one kept-alive connection): the server's CPU time
#      (user + system, all its threads, from /proc/PID/stat) divided by the requests. Unlike wrk's
#      latencies this hardly depends on how loaded the shared machine is (no waiting is counted);
#   4. with PERF=1, the same again under `perf record` (cpu-clock samples; this machine's VM has no
#      hardware counters) and the functions with the most CPU time, callees included.
# valgrind --tool=callgrind would count instructions exactly, but Valgrind 3.19 (Debian 12) stops
# with an internal SIGSEGV when `tld serve` starts its threads (and cannot read Swift's DWARF 5).
# Usage: scripts/portal-profile.sh [requests=500] [wearers=10000]   (env: PAGE=/overview TLD= PERF=1 LAB=)
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-500}
wearers=${2:-10000}
page=${PAGE:-/overview}
command -v curl >/dev/null || { echo "portal-profile: curl is needed" >&2; exit 69; }
if [ -n "${TLD:-}" ]; then
  tld=$TLD
else
  swift build -c release --product tld >&2
  tld="$(swift build -c release --show-bin-path)/tld"
fi

work=$(mktemp -d /tmp/tld-portal-profile.XXXXXX)
server=""
cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
db="$work/lab.sqlite"
# shellcheck source=scripts/portal-lab.sh
. scripts/portal-lab.sh
if [ -n "${LAB:-}" ]; then
  # LAB=path/lab.sqlite: a copy of a lab made before (with its .key file beside it), to skip the import.
  cp "$LAB" "$db"; cp "$LAB.key" "$db.key"
else
  portal_lab_import "$wearers"
fi
portal_serve_signed_in portal-profile
for _ in $(seq 1 20); do
  status=$(curl -s -o "$work/page.html" -w '%{http_code}' -H "Cookie: tld_session=$cookie" "$base$page")
  [ "$status" = 200 ] || { echo "portal-profile: $page answered $status after sign-in" >&2; exit 70; }
done
# utime + stime of the whole process (fields 14 and 15, in clock ticks).
ticks() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
hz=$(getconf CLK_TCK)
# One curl, one kept-alive connection, as wrk's connections are: no connection set-up counted.
for _ in $(seq 1 "$requests"); do printf 'url = "%s"\noutput = "/dev/null"\n' "$base$page"; done > "$work/urls"
run() { curl -s -H "Cookie: tld_session=$cookie" -K "$work/urls"; }
before=$(ticks)
run
after=$(ticks)
python3 - "$before" "$after" "$hz" "$requests" "$page" "$(wc -c < "$work/page.html")" <<'PY'
import sys
before, after, hz, n = (int(a) for a in sys.argv[1:5])
cpu = (after - before) / hz
print(f"{sys.argv[5]} ({sys.argv[6]} bytes): {n} requests, server CPU {cpu:.2f} s = {cpu / n * 1000:.2f} ms per request")
PY
echo "load: $(uptime)"
if [ -n "${PERF:-}" ] && command -v perf >/dev/null; then
  perf record -q -e cpu-clock -F 2000 -g -p "$server" -o "$work/perf.data" -- sleep 600 2>/dev/null &
  recorder=$!
  sleep 1
  run
  kill -INT "$recorder"; wait "$recorder" 2>/dev/null || true
  perf report -i "$work/perf.data" --children --sort symbol --stdio -g none 2>/dev/null | grep '%' | head -${TOP:-60} | cut -c1-160
fi
