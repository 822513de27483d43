#!/usr/bin/env bash
# The Swift test suite in two passes (issue 14), under the private PostgreSQL cluster that
# scripts/pg-test-cluster.sh starts around it (`make test`):
#   1. every suite (in parallel with TLD_TEST_PARALLEL=1, else one at a time), except
#   2. the suites that hold a machine-wide resource or measure wall-clock time on real devices,
#      run one at a time after: pseudo-terminal and serial-port timing, umockdev testbeds (their
#      pty numbers and the preload collide), real scanner/reader processes with watchdogs, the
#      SQLite busy timeout against another program, and killed processes.
# Both passes always run; the exit status is the first failing one's.
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"

# One regular expression over test IDs (Target.Suite/test). Keep it in step with the suites'
# comments: each of these suites says why it cannot share the machine.
serial='DeviceIOTests\.(SerialPort[A-Za-z]*Tests|UmockdevTestbedTests|SyscallFaultInjectionTests|DedicatedThreadExecutorTests)'
serial+='|LabWorkflowTests\.(UmockdevReplugTests|ResilientReadoutTests|StoreReadoutSinkOffPoolTests)'
serial+='|ScannerTests\.([A-Za-z]*UmockdevTests|IntakeThreeScannersTests|SerialScannerTests)'
serial+='|TLSimulatorTests\.PtyServerTests'
serial+='|tldTests\.(DemoKillTests|DeviceReadoutTests|MasterDataEndToEndTests|LockedDatabaseTests|ReconnectReadoutTests|RestoreDrillTests|SafetyEndToEndTests)'

"$SWIFT" build --build-tests --explicit-target-dependency-import-check error || exit $?

start=$(date +%s)
# The first pass runs in parallel only with TLD_TEST_PARALLEL=1: on a 2-core machine CPU-heavy tests
# still starve the cooperative pool and timing tests flake (docs/testing.md), so `make test` keeps
# one test at a time until that is fixed.
if [ "${TLD_TEST_PARALLEL:-0}" = "1" ]; then width=--parallel; else width=--no-parallel; fi
"$SWIFT" test --skip-build --disable-xctest "$width" --skip "$serial"
first=$?
mid=$(date +%s)
"$SWIFT" test --skip-build --disable-xctest --no-parallel --filter "$serial"
second=$?
end=$(date +%s)
echo "swift-test-passes: parallel pass $((mid - start)) s (status $first), serial pass $((end - mid)) s (status $second)" >&2
[ "$first" -ne 0 ] && exit "$first"
exit "$second"
