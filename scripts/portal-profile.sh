#!/usr/bin/env bash
# Instructions per portal request, counted by valgrind's callgrind (a count of executed instructions
# does not depend on how loaded the shared machine is, unlike wrk's latencies). A benchmark aid, not
# part of `make test`.
#   1. a lab with one customer of $wearers wearers (as scripts/portal-load.sh makes it);
#   2. `tld serve` under callgrind with instrumentation off; sign in and warm up (5 requests, so the
#      customer's overview is in the portal's memory as it is under load);
#   3. instrumentation on, $requests requests of $page one after another (curl), dump, and print the
#      instructions per request (all threads: event loop, store pool, SQLite) and the top functions.
# Usage: scripts/portal-profile.sh [requests=50] [wearers=10000]   (env: PAGE=/overview TLD=path/to/tld)
# Needs valgrind (Debian package `valgrind`), objcopy (binutils) and curl.
set -euo pipefail
cd "$(dirname "$0")/.."
requests=${1:-50}
wearers=${2:-10000}
page=${PAGE:-/overview}
command -v valgrind >/dev/null || { echo "portal-profile: valgrind is needed (apt-get install valgrind)" >&2; exit 69; }
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
python3 - "$wearers" > "$work/import.csv" <<'PY'
import sys
n = int(sys.argv[1])
print("customer_number,customer_name,company_id,delivery_address,contact_name,contact_email,wearer_name,national_id,dosimeter_type,period,change_day,start_date,end_date")
for i in range(n):
    day, month, year = i % 28 + 1, (i // 28) % 12 + 1, 50 + (i // 336) % 50
    serial = 1000 + i % 9000
    print(f'K-9001,"Load Test Hospital",12345678,"Testvej 1, 2100 København Ø",Lene Last,last@example.dk,'
          f'"Person {i:05d}, Test",{day:02d}{month:02d}{year:02d}-{serial:04d},whole-body,1m,1,2027-01-01,')
PY
echo "importing $wearers wearers" >&2
"$tld" import "$work/import.csv" --database "$db" >/dev/null
echo "load-test-password-1" | "$tld" account add --user load --customer K-9001 --password-stdin --database "$db" >/dev/null

# Valgrind 3.19 cannot read the DWARF 5 debug info Swift writes: profile a copy without it (the
# symbol table stays, so functions keep their names).
objcopy --strip-debug "$tld" "$work/tld"
valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$work/callgrind.out" \
  "$work/tld" serve --port 0 --database "$db" > "$work/serve.out" 2> "$work/serve.err" &
server=$!
for _ in $(seq 1 600); do grep -q "listening on" "$work/serve.out" 2>/dev/null && break; sleep 0.2; done
base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.out" | head -1)
[ -n "$base" ] || { echo "portal-profile: tld serve did not start: $(cat "$work/serve.err")" >&2; exit 70; }
jar="$work/cookies"
csrf=$(curl -s -c "$jar" "$base/signin" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"//')
curl -s -b "$jar" -c "$jar" -o /dev/null -d "csrf=$csrf&userName=load&password=load-test-password-1" "$base/signin"
cookie=$(awk '$6 == "tld_session" { print $7 }' "$jar")
for _ in 1 2 3 4 5; do
  status=$(curl -s -o "$work/page.html" -w '%{http_code}' -H "Cookie: tld_session=$cookie" "$base$page")
  [ "$status" = 200 ] || { echo "portal-profile: $page answered $status after sign-in" >&2; exit 70; }
done
callgrind_control -i on "$server" >/dev/null
for _ in $(seq 1 "$requests"); do curl -s -o /dev/null -H "Cookie: tld_session=$cookie" "$base$page"; done
callgrind_control -i off "$server" >/dev/null
callgrind_control -d "$server" >/dev/null
sleep 1
total=$(cat "$work"/callgrind.out* | awk '/^summary:/ { s += $2 } END { print s }')
echo "$page: $(wc -c < "$work/page.html") bytes; $requests requests; $total instructions; $(( total / requests )) instructions per request"
callgrind_annotate --inclusive=no "$(ls -S "$work"/callgrind.out* | head -1)" 2>/dev/null | sed -n '1,60p' | cut -c1-200 > "$work/top.txt" || true
if [ -n "${KEEP:-}" ]; then cp "$work"/callgrind.out* "$KEEP"/; fi
sed -n '1,60p' "$work/top.txt"
