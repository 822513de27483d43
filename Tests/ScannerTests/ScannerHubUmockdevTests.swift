import CUmockdev
import DeviceIO
import Glibc
import Logging
import ScannerSimulator
import Synchronization
import TestSupport
import Testing
@testable import Instruments

/// `ScannerHub`: a USB-serial and a HID POS scanner found on a umockdev test bed without any
/// configuration, read at once as one stream with their sources; the serial one is pulled out in
/// the middle of a scan (the half-read bytes must not join the next scan), comes back as another
/// node and scans again; `except:` leaves a scanner alone. Re-runs itself with umockdev's preload.
@Suite("ScannerHub: every scanner at once, across unplug and re-plug, on a umockdev test bed",
       .enabled(if: ChildProcess.umockdevPreload != nil, "needs libumockdev-preload.so.0 (apt install umockdev)"))
struct ScannerHubUmockdevTests {
    static let reportVariable = "SCANNER_HUB_REPORT"

    @Test("two scanners of two kinds, one stream; unplug mid-scan, re-plug, scan again; exclusion")
    func hub() async throws {
        guard let child = try await ChildProcess.underUmockdevPreload(
            filter: "ScannerHubUmockdevTests", reportVariable: Self.reportVariable, timeout: .seconds(60), child: Self.childHalf) else { return }
        let outcome = child.outcome
        #expect(outcome.status == 0, "child exited with \(outcome.status):\n\(outcome.output)")
        let report = child.report.split(separator: "\n").map(String.init)
        let serial = "scanner 17EB0123 (USB serial)", hidpos = "scanner NLS00071 (HID POS)"
        let expected = [
            "connected \(serial)", "connected \(hidpos)",
            "\(serial): card 12345674", "\(hidpos): card 00000422",
            "disconnected \(serial): unplugged or stopped responding",
            "connected \(serial)", "\(serial): card 00000430",
            "excluding 17EB0123: connected \(hidpos)",
            "end",
        ]
        #expect(report == expected, "report:\n\(report.joined(separator: "\n"))\nchild output:\n\(outcome.output)")
    }

    static func childHalf(_ lines: inout [String]) async throws {
        let testbed = try #require(umockdev_testbed_new())
        defer { g_object_unref(testbed) }
        try #require(umockdev_in_mock_environment() != 0, "umockdev preload not active")
        let root = ChildProcess.packageRoot
        let serialDescription = try #require(ChildProcess.readFile("\(root)/simulators/devices/scanner-cdc-honeywell-17EB0123.umockdev"))
        try add(serialDescription, to: testbed)
        let emulator = HIDPOSUsbfsEmulator()
        try emulator.attach(to: testbed, devnode: "/dev/bus/usb/001/007")
        let hidDescription = try #require(ChildProcess.readFile("\(root)/simulators/devices/scanner-hidpos-newland-NLS00071.umockdev"))
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("N: bus/usb/") ? String($0.prefix { $0 != "=" }) : String($0) }
            .joined(separator: "\n")
        try add(hidDescription, to: testbed)

        let hub = try await ScannerHub.start(configuration: ScannerConfiguration(suffix: .cr), rescanInterval: .milliseconds(300),
                                             logger: Logger(label: "test"))
        let log = EventLog()
        let collector = Task { for await event in hub.events { log.append("\(event)") } }
        try await log.waitFor { $0.filter { $0.hasPrefix("connected") }.count == 2 }
        // Both connected: their order depends on the discovery, so the report lists them sorted.
        var report = log.lines.sorted()

        let first = SerialScannerSimulator(writingTo: umockdev_testbed_get_dev_fd(testbed, "/dev/ttyACM0"),
                                           devicePath: "/dev/ttyACM0", ownedElsewhere: true)
        try first.scan(SimulatedScan(code: SimulatedCardLabel.label(serial: 1_234_567)))
        try await log.waitFor { $0.count == 3 }
        emulator.enqueue(SimulatedScan(code: SimulatedCardLabel.label(serial: 42), aimIdentifier: "]C0"))
        try await log.waitFor { $0.count == 4 }
        // Half a card number, then the cable is pulled.
        try first.send(Array("1000".utf8))
        first.unplug()
        let usb = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-3"
        umockdev_testbed_uevent(testbed, "\(usb)/1-3:1.0/tty/ttyACM0", "remove")
        umockdev_testbed_remove_device(testbed, "\(usb)/1-3:1.0/tty/ttyACM0")
        umockdev_testbed_remove_device(testbed, "\(usb)/1-3:1.0")
        umockdev_testbed_uevent(testbed, usb, "remove")
        umockdev_testbed_remove_device(testbed, usb)
        try await log.waitFor { $0.count == 5 }
        // See ScannerConnectionUmockdevTests: a placeholder pty so the returning device gets a new one.
        let placeholder = try await PseudoTerminalPair.open()
        defer { Task { await placeholder.close() } }
        let returned = serialDescription.replacing("1-3", with: "1-9").replacing("ttyACM0", with: "ttyACM1")
            .replacing("001/006", with: "001/012").replacing("devnum=6", with: "devnum=12").replacing("DEVNUM=006", with: "DEVNUM=012")
            .replacing("dev=166:0", with: "dev=166:1").replacing("E: MAJOR=166\nE: MINOR=0", with: "E: MAJOR=166\nE: MINOR=1")
            .replacing("dev=189:5", with: "dev=189:11").replacing("E: MINOR=5", with: "E: MINOR=11")
        try add(returned, to: testbed)
        try await log.waitFor { $0.count == 6 }
        let second = SerialScannerSimulator(writingTo: dup(umockdev_testbed_get_dev_fd(testbed, "/dev/ttyACM1")), devicePath: "/dev/ttyACM1")
        try second.scan(SimulatedScan(code: SimulatedCardLabel.label(serial: 43)))
        try await log.waitFor { $0.count == 7 }
        report += log.lines.dropFirst(2)
        await hub.stop()
        _ = await collector.value

        // A second bench that leaves the serial scanner alone.
        let other = try await ScannerHub.start(selection: ScannerSelection(excluded: ["17EB0123"]), rescanInterval: .milliseconds(300),
                                               logger: Logger(label: "test"))
        let otherLog = EventLog()
        let otherCollector = Task { for await event in other.events { otherLog.append("\(event)") } }
        try await otherLog.waitFor { !$0.isEmpty }
        report += otherLog.lines.filter { !$0.hasPrefix("disconnected") }.map { "excluding 17EB0123: \($0)" }
        await other.stop()
        _ = await otherCollector.value
        lines = report + ["end"]
    }

    static func add(_ description: String, to testbed: UnsafeMutablePointer<UMockdevTestbed>) throws {
        var error: UnsafeMutablePointer<GError>?
        try #require(umockdev_testbed_add_from_string(testbed, description, &error) != 0)
    }
}

@Suite("ScannerSelection: which scanners a bench reads")
struct ScannerSelectionTests {
    static func device(_ role: DeviceRole, serial: String, tty: String? = nil) -> AttachedDevice {
        AttachedDevice(role: role, model: DeviceModel(vendorID: 1, productID: 2, role: role, name: "test"),
                       identity: USBIdentity(vendorID: 1, productID: 2, serialNumber: serial), usbSysPath: "/sys/x/\(serial)",
                       ttyDevnode: tty, symlinks: tty.map { ["/dev/tl-lab/scanner-\(serial)", $0] } ?? [])
    }

    @Test("all by default; none; only by serial, node or symlink; except; never a reader or an unsupported mode")
    func selection() {
        let a = Self.device(.scannerSerial, serial: "A", tty: "/dev/ttyACM0"), b = Self.device(.scannerHIDPOS, serial: "B")
        let k = Self.device(.scannerKeyboard, serial: "K")
        #expect([a, b, k].allSatisfy(ScannerSelection.every.admits))
        #expect(![a, b, k].contains(where: ScannerSelection.none.admits))
        #expect(!ScannerSelection.every.admits(Self.device(.reader, serial: "R", tty: "/dev/ttyUSB0")))
        #expect(!ScannerSelection.every.admits(Self.device(.scannerUnsupported, serial: "U")))
        for name in ["A", "/dev/ttyACM0", "/dev/tl-lab/scanner-A"] {
            let only = ScannerSelection(all: false, only: [name])
            #expect(only.admits(a) && !only.admits(b), "\(name)")
            let except = ScannerSelection(excluded: [name])
            #expect(!except.admits(a) && except.admits(b), "\(name)")
        }
    }
}

/// Events collected by one task, awaited by another.
final class EventLog: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }

    /// Waits (looking every 10 ms) until `condition` holds for the lines; fails after 5 s.
    func waitFor(_ condition: ([String]) -> Bool) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(5))
        while !condition(lines) {
            guard ContinuousClock.now < deadline else {
                Issue.record("timed out; got \(lines)")
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
