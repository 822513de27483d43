#!/bin/bash
# Whole benches into one PostgreSQL (issue 15): `tld readout --simulate` of CARDS four-element cards,
# one bench alone, then three benches at once (three processes, three simulated readers with serials
# of their own, one database), each run's wall clock and elements per second. Not part of .ci/run.
#
#   eval "$(scripts/pg-test-cluster.sh start)"
#   Benchmarks/WholeBenches/whole-benches.sh "$TLD_TEST_POSTGRES_URL" [SPEED_MS] [CARDS]
#   scripts/pg-test-cluster.sh stop "$TLD_TEST_PG_DIR"
#
# SPEED_MS is the simulated reader's wall-clock time per element (`tld readout --speed-ms`; the
# built-in scenario's is 40 ms, a real reader's ≈ 27 s); 0 reads as fast as the simulator can. TLD
# names the tld binary (default: .build/release/tld, else .build/debug/tld). Bench 1 runs alone,
# benches 2, 3 and 4 together, each with its own cards and reader. The benches write into a schema of their own (whole_benches_<time>, created with psql and dropped
# at the end), never into the lab's tables: raw readings are permanent there (the database refuses to
# delete them), and these would be readings of cards the lab never issued. PSQL names psql (default:
# on PATH, else PostgreSQL's bin folder).
set -euo pipefail
url=${1:?usage: whole-benches.sh POSTGRES_URL [SPEED_MS] [CARDS]}
speed=${2:-40}
cards=${3:-100}
root=$(cd "$(dirname "$0")/../.." && pwd)
tld=${TLD:-}
if [ -z "$tld" ]; then
  if [ -x "$root/.build/release/tld" ]; then tld="$root/.build/release/tld"; else tld="$root/.build/debug/tld"; fi
fi
case "$url" in *schema=*) echo "whole-benches: give the database's URL without schema= (the benches get a schema of their own)" >&2; exit 64 ;; esac
psql=${PSQL:-$(command -v psql || ls /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -V | tail -1)}
[ -x "$psql" ] || { echo "whole-benches: psql not found (set PSQL)" >&2; exit 69; }
schema="whole_benches_$(date +%s)"
"$psql" "$url" -qAtc "CREATE SCHEMA $schema" || { echo "whole-benches: cannot create schema $schema in $url" >&2; exit 69; }
work=$(mktemp -d /tmp/tld-whole-benches.XXXXXX)
trap '"$psql" "$url" -qAt -c "SET client_min_messages TO warning" -c "DROP SCHEMA $schema CASCADE" >/dev/null; rm -rf "$work"' EXIT
case "$url" in *\?*) bench_url="$url&schema=$schema" ;; *) bench_url="$url?schema=$schema" ;; esac

# A scenario of $cards worker cards on a reader of its own (serial TL0070<bench>), card IDs
# 3<bench><5 digits> with a Luhn check digit, as PostgresReadoutEndToEndTests.benchScenario makes them.
scenario() {
  python3 - "$root/simulators/TLSimulator/Resources/builtin-shipment.json" "$1" "$cards" <<'PY'
import json, sys
builtin, bench, cards = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def luhn(digits):
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9: d -= 9
        total += d
    return digits + str((10 - total % 10) % 10)
s = json.load(open(builtin))
s["reader"]["serial"] = "TL0070%d" % bench
s["seed"] = 20261200 + bench
s["cards"] = [{"id": luhn("3%d%05d" % (bench, i)), "role": "worker",
               "hp10MilliSievert": 0.5 + (i % 7) / 10, "hp007MilliSievert": 0.5 + (i % 5) / 10,
               "quality": "S-Cs", "daysSinceAnneal": 30} for i in range(cards)]
print(json.dumps(s, sort_keys=True))
PY
}

bench() {  # bench N: one tld readout in its own folder; prints its wall clock in ms
  local dir="$work/bench$1"
  mkdir -p "$dir"
  scenario "$1" > "$dir/scenario.json"
  local start end
  start=$(date +%s%N)
  (cd "$dir" && "$tld" readout --simulate --scenario scenario.json --speed-ms "$speed" --database "$bench_url" > out.txt 2> err.txt) \
    || { echo "bench $1 failed:" >&2; cat "$dir/err.txt" >&2; exit 70; }
  end=$(date +%s%N)
  echo $(( (end - start) / 1000000 ))
}

elements=$(( cards * 4 ))
one=$(bench 1)
start=$(date +%s%N)
bench 2 > "$work/t2" & p2=$!
bench 3 > "$work/t3" & p3=$!
bench 4 > "$work/t4" & p4=$!
wait $p2 && wait $p3 && wait $p4
three=$(( ($(date +%s%N) - start) / 1000000 ))
echo "tld: $tld; schema $schema (dropped); reader time per element: $speed ms; $cards cards (${elements} elements) per bench"
echo "one bench alone:     $elements elements in ${one} ms"
echo "three benches at once: $(( elements * 3 )) elements in ${three} ms (each: $(cat "$work/t2") / $(cat "$work/t3") / $(cat "$work/t4") ms)"
python3 -c "print('three benches ÷ one, throughput: %.2f×' % (3 * $one / $three))"
