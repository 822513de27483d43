#!/usr/bin/env bash
# The Swift test suite in two passes (issue 14), under the private PostgreSQL cluster that
# scripts/pg-test-cluster.sh starts around it (`make test`):
#   1. every suite in parallel (one at a time with TLD_TEST_PARALLEL=0), except
#   2. the suites that hold a machine-wide resource or measure wall-clock time, run one at a time
#      after: pseudo-terminal and serial-port timing, umockdev testbeds (their pty numbers and the
#      preload collide), real scanner/reader processes with watchdogs, the SQLite busy timeout
#      against another program, killed processes, and the in-process reader and portal tests that
#      still run on the wall clock (a 1 s reply timeout, an HTTP client's deadline): in a parallel
#      pass their replies wait behind hundreds of other tests' jobs on the two-thread cooperative pool.
# CPU-bound suites (glow fits, the type test, the year of records) run in the parallel pass on a
# thread of their own (`.cpuHeavy`, Tests/TestSupport/CPUHeavy.swift), not on the cooperative pool.
# Both passes always run; the exit status is the first failing one's.
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"

# One regular expression over test IDs (Target.Suite/test). Keep it in step with the suites'
# comments: each of these suites says why it cannot share the machine.
serial='DeviceIOTests\.(SerialPort[A-Za-z]*Tests|UmockdevTestbedTests|SyscallFaultInjectionTests|DedicatedThreadExecutorTests)'
serial+='|InstrumentsTests\.(MagazineReadoutTests|RandomFaultTests|SimulatorReadoutTests|SerialPortReadoutTests|TLReaderTests)'
serial+='|LabWorkflowTests\.(UmockdevReplugTests|ResilientReadoutTests|StoreReadoutSinkOffPoolTests|FaultBenchTests)'
serial+='|PortalTests\.PortalTLSTests'
serial+='|ScannerTests\.([A-Za-z]*UmockdevTests|IntakeThreeScannersTests|SerialScannerTests)'
serial+='|TLSimulatorTests\.PtyServerTests'
serial+='|tldTests\.(DemoKillTests|DeviceReadoutTests|MasterDataEndToEndTests|LockedDatabaseTests|ReconnectReadoutTests|RestoreDrillTests|SafetyEndToEndTests)'

"$SWIFT" build --build-tests --explicit-target-dependency-import-check error || exit $?

start=$(date +%s)
# TLD_TEST_PARALLEL=0 runs the first pass one test at a time too (to tell a timing problem from a bug).
if [ "${TLD_TEST_PARALLEL:-1}" = "0" ]; then width=--no-parallel; else width=--parallel; fi
"$SWIFT" test --skip-build --disable-xctest "$width" --skip "$serial"
first=$?
mid=$(date +%s)
"$SWIFT" test --skip-build --disable-xctest --no-parallel --filter "$serial"
second=$?
end=$(date +%s)
echo "swift-test-passes: parallel pass $((mid - start)) s (status $first), serial pass $((end - mid)) s (status $second)" >&2
[ "$first" -ne 0 ] && exit "$first"
exit "$second"
