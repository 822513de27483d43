# Sourced by scripts/portal-load.sh and scripts/portal-profile.sh (not run on its own): the lab they
# measure and the signed-in portal on it. Expects $tld (the binary), $work (a scratch directory) and
# $db (the lab's SQLite file) to be set, and a cleanup trap that kills $server.

# portal_lab_import WEARERS: one customer, K-9001, with WEARERS wearers, each enrolled, and the account
# "load" of that customer. Dates cycle through 1..28 of every month of 1950-1999 and the serial makes
# each ID unique (valid CPR-shaped IDs with real dates, sealed at import).
portal_lab_import() {
  python3 - "$1" > "$work/import.csv" <<'PY'
import sys
n = int(sys.argv[1])
print("customer_number,customer_name,company_id,delivery_address,contact_name,contact_email,wearer_name,national_id,dosimeter_type,period,change_day,start_date,end_date")
for i in range(n):
    day, month, year = i % 28 + 1, (i // 28) % 12 + 1, 50 + (i // 336) % 50
    serial = 1000 + i % 9000
    print(f'K-9001,"Load Test Hospital",12345678,"Testvej 1, 2100 København Ø",Lene Last,last@example.dk,'
          f'"Person {i:05d}, Test",{day:02d}{month:02d}{year:02d}-{serial:04d},whole-body,1m,1,2027-01-01,')
PY
  echo "importing $1 wearers" >&2
  "$tld" import "$work/import.csv" --database "$db" >/dev/null
  echo "load-test-password-1" | "$tld" account add --user load --customer K-9001 --password-stdin --database "$db" >/dev/null
}

# portal_serve_signed_in NAME: starts `tld serve` on a free loopback port (sets $server and $base) and
# signs in like a browser — the sign-in page gives the session cookie and its CSRF token (sets $cookie).
# NAME prefixes the error when the portal does not start (exit 70).
portal_serve_signed_in() {
  "$tld" serve --port 0 --database "$db" > "$work/serve.out" 2> "$work/serve.err" &
  server=$!
  for _ in $(seq 1 100); do grep -q "listening on" "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
  base=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.out" | head -1)
  [ -n "$base" ] || { echo "$1: tld serve did not start: $(cat "$work/serve.err")" >&2; exit 70; }
  local jar="$work/cookies" csrf
  csrf=$(curl -s -c "$jar" "$base/signin" | grep -o 'name="csrf" value="[0-9a-f]*"' | head -1 | sed 's/.*value="//; s/"//')
  curl -s -b "$jar" -c "$jar" -o /dev/null -d "csrf=$csrf&userName=load&password=load-test-password-1" "$base/signin"
  cookie=$(awk '$6 == "tld_session" { print $7 }' "$jar")
}
