import CUmockdev
import DeviceIO
import Glibc
import Logging
import ScannerSimulator
import Synchronization
import TestSupport
import Testing
@testable import Instruments

/// `ScannerConnection` surviving an unplug: a serial-mode scanner on an emulated `/dev/ttyACM0`
/// (umockdev test bed) scans, is pulled out (the simulator closes its end, the test bed sends
/// "remove"), comes back as `/dev/ttyACM1`, is re-opened by its serial number and scans again.
/// Re-runs itself with umockdev's preload, like the other test-bed tests.
@Suite("ScannerConnection across unplug and re-plug on a umockdev test bed",
       .enabled(if: ChildProcess.umockdevPreload != nil, "needs libumockdev-preload.so.0 (apt install umockdev)"))
struct ScannerConnectionUmockdevTests {
    static let reportVariable = "SCANNER_CONNECTION_REPORT"

    @Test("connect, scan, unplug, return under a new node, scan again, stop")
    func survivesReplug() async throws {
        guard let child = try await ChildProcess.underUmockdevPreload(
            filter: "ScannerConnectionUmockdevTests", reportVariable: Self.reportVariable, timeout: .seconds(60), child: Self.childHalf) else { return }
        let outcome = child.outcome
        let (status, output) = (outcome.status, outcome.output)
        #expect(status == 0, "child exited with \(status):\n\(output)")
        let report = child.report
        let expected = [
            "connected scanner-serial /dev/ttyACM0 serial=17EB0123",
            "card 12345674",
            "disconnected scanner-serial serial=17EB0123: the scanner stopped responding or was unplugged",
            "connected scanner-serial /dev/ttyACM1 serial=17EB0123",
            "card 00000422",
            "disconnected scanner-serial serial=17EB0123: stopped",
            "end",
        ]
        #expect(report.split(separator: "\n").map(String.init) == expected, "report:\n\(report)\nchild output:\n\(output)")
    }

    static func childHalf(_ lines: inout [String]) async throws {
        let testbed = try #require(umockdev_testbed_new())
        defer { g_object_unref(testbed) }
        try #require(umockdev_in_mock_environment() != 0, "umockdev preload not active")
        let original = try #require(ChildProcess.readFile("\(ChildProcess.packageRoot)/simulators/devices/scanner-cdc-honeywell-17EB0123.umockdev"))
        try add(original, to: testbed)

        let connection = try await ScannerConnection.start(
            serialNumber: "17EB0123", configuration: ScannerConfiguration(suffix: .cr),
            retryInterval: .milliseconds(300), logger: Logger(label: "test"))
        let log = Log()
        let collector = Task { for await event in connection.events { log.append("\(event)") } }

        try await log.waitFor(count: 1)
        let first = SerialScannerSimulator(writingTo: umockdev_testbed_get_dev_fd(testbed, "/dev/ttyACM0"),
                                           devicePath: "/dev/ttyACM0", ownedElsewhere: true)
        try first.scan(SimulatedScan(code: SimulatedCardLabel.label(serial: 1_234_567)))
        try await log.waitFor(count: 2)

        // Pull it out: the device side hangs up, then udev's remove events.
        first.unplug()
        let usb = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3"
        umockdev_testbed_uevent(testbed, "\(usb)/1-3:1.0/tty/ttyACM0", "remove")
        umockdev_testbed_remove_device(testbed, "\(usb)/1-3:1.0/tty/ttyACM0")
        umockdev_testbed_remove_device(testbed, "\(usb)/1-3:1.0")
        umockdev_testbed_uevent(testbed, usb, "remove")
        umockdev_testbed_remove_device(testbed, usb)
        try await log.waitFor(count: 3)

        // umockdev 0.17 keys its tty emulation by pty number, and the pty freed by the unplug would
        // be handed out again for the returning device (an assertion in umockdev): hold it with a
        // placeholder pty so the returning device gets a new one, as a real re-plug gets a new node.
        // (The unplug above keeps the test bed's descriptor number taken, so umockdev's own close
        // of it later cannot close this placeholder instead.)
        let placeholder = try await PseudoTerminalPair.open()
        defer { Task { await placeholder.close() } }
        // It comes back on another port and address, as ttyACM1.
        let returned = original.replacing("1-3", with: "1-9").replacing("ttyACM0", with: "ttyACM1")
            .replacing("001/006", with: "001/012").replacing("devnum=6", with: "devnum=12").replacing("DEVNUM=006", with: "DEVNUM=012")
            .replacing("dev=166:0", with: "dev=166:1").replacing("E: MAJOR=166\nE: MINOR=0", with: "E: MAJOR=166\nE: MINOR=1")
            .replacing("dev=189:5", with: "dev=189:11").replacing("E: MINOR=5", with: "E: MINOR=11")
        try add(returned, to: testbed)
        try await log.waitFor(count: 4)
        let second = SerialScannerSimulator(writingTo: dup(umockdev_testbed_get_dev_fd(testbed, "/dev/ttyACM1")), devicePath: "/dev/ttyACM1")
        try second.scan(SimulatedScan(code: SimulatedCardLabel.label(serial: 42)))
        try await log.waitFor(count: 5)

        await connection.stop()
        _ = await collector.value
        lines = log.lines + ["end"]
    }

    static func add(_ description: String, to testbed: UnsafeMutablePointer<UMockdevTestbed>) throws {
        var error: UnsafeMutablePointer<GError>?
        try #require(umockdev_testbed_add_from_string(testbed, description, &error) != 0)
    }
}

/// Lines collected by one task, awaited by another.
private final class Log: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }

    /// Waits (sleeping 10 ms between looks) until `count` lines arrived; fails after 5 s.
    func waitFor(count: Int) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(5))
        while lines.count < count {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out waiting for event \(count); got \(lines)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }
}

extension String {
    fileprivate func replacing(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
