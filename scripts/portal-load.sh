#!/usr/bin/env bash
# The portal's load test (issue 16, "Load"; a benchmark, not part of `make test`):
#   1. builds tld (release) and a lab with one customer of 10 000 wearers, each enrolled
#      (tld import of a generated sheet; valid CPR-shaped IDs with real dates, sealed at import);
#   2. starts `tld serve` on a free loopback port and signs in as that customer's account;
#   3. runs wrk (Debian package `wrk`, installed here when missing) with 100 connections against the
#      customer's overview page (/overview, the enrolments; PAGE= to choose another, e.g. /documents)
#      and prints the latency distribution and its p99.
# Target: p99 < 100 ms on the lab's 2-core machine. Figures: docs/portal-load.md.
# Usage: scripts/portal-load.sh [seconds=30] [wearers=10000]   (env: PAGE=/overview CONNECTIONS=100 TLD=)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
wearers=${2:-10000}
page=${PAGE:-/overview}
connections=${CONNECTIONS:-100}

if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)" >&2
  if [ "$(id -u)" = 0 ]; then apt-get install -y -q wrk >/dev/null; else sudo apt-get install -y -q wrk >/dev/null; fi
fi
command -v curl >/dev/null || { echo "portal-load: curl is needed" >&2; exit 69; }

# TLD=path/to/tld runs another build (e.g. a debug one, for a quick look; the target is for release).
if [ -n "${TLD:-}" ]; then
  tld=$TLD
else
  swift build -c release --product tld >&2
  tld="$(swift build -c release --show-bin-path)/tld"
fi

work=$(mktemp -d /tmp/tld-portal-load.XXXXXX)
server=""
cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
db="$work/lab.sqlite"

# shellcheck source=scripts/portal-lab.sh
. scripts/portal-lab.sh
portal_lab_import "$wearers"
portal_serve_signed_in portal-load
status=$(curl -s -o "$work/page.html" -w '%{http_code}' -H "Cookie: tld_session=$cookie" "$base$page")
[ "$status" = 200 ] || { echo "portal-load: $page answered $status after sign-in" >&2; exit 70; }
echo "$page: $(wc -c < "$work/page.html") bytes; wrk -c$connections -d${seconds}s" >&2

# A long request timeout: a slow answer is measured, not dropped from the latency figures as a timeout.
threads=$(( connections < 2 ? 1 : 2 ))
wrk -t"$threads" -c"$connections" -d"${seconds}s" --timeout 60s --latency -H "Cookie: tld_session=$cookie" "$base$page" | tee "$work/wrk.out"
p99=$(awk '$1 == "99%" { print $2 }' "$work/wrk.out")
echo "p99 $p99 ($page, $wearers wearers, $connections connections, ${seconds}s)"
