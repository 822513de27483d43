import CUmockdev
import Glibc
import ScannerSimulator
import Synchronization
import TestSupport
import Testing
@testable import DeviceIO

/// Catalogue discovery, hot-plug and a serial scanner on emulated hardware: an in-process umockdev
/// test bed (umockdev_testbed_new) holding the descriptions in `simulators/devices/`.
///
/// The test bed needs umockdev's preload library in the process from its start, and linking it
/// would put it under every test of the package (one executable), so this test re-runs itself,
/// filtered to this suite, with `LD_PRELOAD=libumockdev-preload.so.0` (what `umockdev-wrapper`
/// does). The child half writes a report to the file named by `DEVICEIO_TESTBED_REPORT`; the
/// parent half checks it.
@Suite("Discovery and hot-plug on a umockdev test bed", .enabled(if: TestbedTools.preload != nil, "needs libumockdev-preload.so.0 (apt install umockdev)"))
struct UmockdevTestbedTests {
    static let reportVariable = "DEVICEIO_TESTBED_REPORT"

    @Test("the reader and the scanners are found with their roles; a plug, unplug and re-plug are reported; a scan arrives")
    func testbed() async throws {
        if let reportPath = getenv(Self.reportVariable).map({ String(cString: $0) }) {
            try await Self.childHalf(reportPath: reportPath)
            return
        }
        let report = try await Self.runChild()
        let lines = report.split(separator: "\n").map(String.init)
        func expectLine(_ line: String) { #expect(lines.contains(line), "missing \(line); report was:\n\(report)") }
        expectLine("device reader 0403:6001 path=/dev/ttyUSB0 serial=TL00042 state=ready "
            + "links=/dev/serial/by-id/usb-FTDI_FT232R_USB_UART_TL00042-if00-port0,/dev/tl-lab/reader-TL00042")
        expectLine("device scanner-serial 0c2e:0720 path=/dev/ttyACM0 serial=17EB0123 state=ready "
            + "links=/dev/serial/by-id/usb-Honeywell_Scanner_17EB0123-if00,/dev/tl-lab/scanner-17EB0123")
        expectLine("device scanner-hidpos 1eab:0110 path=/dev/bus/usb/001/007 serial=NLS00071 state=ready "
            + "links=/dev/tl-lab/scanner-NLS00071")
        expectLine("device scanner-keyboard 05f9:2206 path=/dev/input/event7 serial=DL0099 state=ready links=")
        #expect(lines.filter { $0.hasPrefix("device ") }.count == 4, "report was:\n\(report)")
        expectLine("usb 1eab:0110")
        expectLine("by serial 17EB0123: /dev/ttyACM0")
        expectLine("by serial TL00042 as scanner: -")
        expectLine("by symlink: TL00042")
        expectLine("by node: scanner-hidpos")
        expectLine("by unknown path: -")
        expectLine("event add reader /dev/ttyUSB1 serial=TL00077 0403:6001")
        expectLine("event remove reader /dev/ttyUSB1 serial=TL00077 0403:6001")
        expectLine("event add reader /dev/ttyUSB2 serial=TL00077 0403:6001 (returned)")
        expectLine("arrival: /dev/ttyUSB2")
        expectLine("already attached: /dev/ttyUSB0")
        expectLine("never attached: -")
        expectLine("event add scanner-hidpos /dev/bus/usb/001/010 serial=NLS00099 1eab:0110")
        expectLine("opened after unplug: notFound")
        expectLine("scan ]C012345674<CR>")
        expectLine("stop ended the stream within 0.5 s: true")
        #if DEBUG
        expectLine("EINTR in poll retried: true")
        expectLine("failing poll ended the stream: true")
        #endif
        #expect(lines.last == "end", "report was:\n\(report)")
    }

    // MARK: child half (inside LD_PRELOAD=libumockdev-preload.so.0)

    static func childHalf(reportPath: String) async throws {
        var lines: [String] = []
        defer { try? ChildProcess.writeFile(reportPath, lines.joined(separator: "\n") + "\n") }
        let testbed = try #require(umockdev_testbed_new())
        defer { g_object_unref(testbed) }
        try #require(umockdev_in_mock_environment() != 0, "umockdev preload not active")  // only after testbed_new (it caches)
        let devices = "\(ChildProcess.packageRoot)/simulators/devices"
        for name in ["reader-ftdi-TL00042", "scanner-cdc-honeywell-17EB0123", "scanner-hidpos-newland-NLS00071",
                     "scanner-keyboard-datalogic-DL0099"] {
            var error: UnsafeMutablePointer<GError>?
            let added = umockdev_testbed_add_from_file(testbed, "\(devices)/\(name).umockdev", &error)
            try #require(added != 0, "add_from_file \(name): \(error.map { String(cString: $0.pointee.message) } ?? "?")")
        }

        for device in try DeviceDiscovery().attachedDevices() {
            lines.append("device \(device.role) \(device.identity.idString) path=\(device.path ?? "-") "
                + "serial=\(device.serialNumber ?? "-") state=\(device.state) links=\(device.symlinks.joined(separator: ","))")
        }
        let discovery = DeviceDiscovery()
        lines.append("by serial 17EB0123: \(try discovery.device(serialNumber: "17EB0123")?.path ?? "-")")
        lines.append("by serial TL00042 as scanner: \(try discovery.device(serialNumber: "TL00042", role: .scannerSerial)?.path ?? "-")")
        lines.append("by symlink: \(try discovery.device(path: "/dev/tl-lab/reader-TL00042")?.serialNumber ?? "-")")
        lines.append("by node: \(try discovery.device(path: "/dev/hidraw0")?.role.rawValue ?? "-")")
        lines.append("by unknown path: \(try discovery.device(path: "/dev/ttyS0")?.role.rawValue ?? "-")")
        for device in try USBEnumerator().devices() {
            lines.append("usb \(hex4(device.identity.vendorID)):\(hex4(device.identity.productID))")
        }

        // Hot-plug: a second reader (TL00077) arrives, leaves and comes back; a HID POS scanner arrives.
        let monitor = try await HotplugMonitor.start()
        let seen = EventLog()
        let collector = Task { for await event in monitor.events { seen.append(event) } }
        func waitForEvents(_ count: Int) async throws {
            let deadline = ContinuousClock.now.advanced(by: .seconds(5))
            while seen.count < count, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(10))
            }
        }
        let reader = try secondReader(devices: devices, tty: 1, address: 9)
        let usbPath = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-6"
        let ttyPath = "\(usbPath)/1-6:1.0/ttyUSB1/tty/ttyUSB1"
        try add(reader, to: testbed)
        try await waitForEvents(1)
        umockdev_testbed_uevent(testbed, ttyPath, "remove")
        umockdev_testbed_remove_device(testbed, ttyPath)
        umockdev_testbed_remove_device(testbed, "\(usbPath)/1-6:1.0")
        umockdev_testbed_uevent(testbed, usbPath, "remove")
        umockdev_testbed_remove_device(testbed, usbPath)
        try await waitForEvents(2)
        do {
            let port = try await SerialPort.open(path: "/dev/ttyUSB1")
            await port.close()
            lines.append("opened after unplug: yes")
        } catch {
            lines.append("opened after unplug: \(error == .notFound(path: "/dev/ttyUSB1") ? "notFound" : "\(error)")")
        }
        // umockdev 0.17 cannot re-create a removed tty under the same name, and a real re-plug
        // often gets a new one too (the old node still held open): it returns as ttyUSB2 at a new
        // address, and is recognised by its serial number.
        let arrival = Task { try await DeviceArrival.wait(serialNumber: "TL00077", role: .reader, timeout: .seconds(5)) }
        try await Task.sleep(for: .milliseconds(50))
        try add(try secondReader(devices: devices, tty: 2, address: 11), to: testbed)
        try await waitForEvents(3)
        lines.append("arrival: \(try await arrival.value?.path ?? "-")")
        lines.append("already attached: \(try await DeviceArrival.wait(serialNumber: "TL00042", timeout: .zero)?.path ?? "-")")
        lines.append("never attached: \(try await DeviceArrival.wait(serialNumber: "NOPE", timeout: .milliseconds(100))?.path ?? "-")")
        let hidpos = try #require(ChildProcess.readFile("\(devices)/scanner-hidpos-newland-NLS00071.umockdev"))
            .replacing("1-4", with: "1-7").replacing("NLS00071", with: "NLS00099").replacing("001/007", with: "001/010")
            .replacing("devnum=7", with: "devnum=10").replacing("DEVNUM=007", with: "DEVNUM=010")
            .replacing("hidraw0", with: "hidraw5").replacing(".0001/", with: ".0005/")
        try add(hidpos, to: testbed)
        try await waitForEvents(4)
        monitor.stop()
        _ = await collector.value
        for event in seen.events { lines.append("event \(event)") }

        // A serial-mode scanner: the simulator writes on the emulated ttyACM0's other end.
        let port = try await SerialPort.open(path: "/dev/ttyACM0")
        let simulatorFD = umockdev_testbed_get_dev_fd(testbed, "/dev/ttyACM0")
        try #require(simulatorFD >= 0)
        let scanner = SerialScannerSimulator(writingTo: dup(simulatorFD), devicePath: "/dev/ttyACM0")
        try scanner.scan(SimulatedScan(code: "12345674", aimIdentifier: "]C0"))
        let bytes = try await port.readExactly(12, timeout: .seconds(3))
        await port.close()
        lines.append("scan " + String(decoding: bytes.filter { $0 >= 0x20 }, as: UTF8.self) + (bytes.last == 0x0D ? "<CR>" : ""))

        // stop() wakes the monitor's poll(2) at once (eventfd), and the stream ends.
        let idle = try await HotplugMonitor.start()
        let ended = Task { for await _ in idle.events {} }
        try await Task.sleep(for: .milliseconds(50))
        let stopping = ContinuousClock.now
        idle.stop()
        _ = await ended.value
        lines.append("stop ended the stream within 0.5 s: \(ContinuousClock.now - stopping < .milliseconds(500))")
        #if DEBUG
        // poll(2) interrupted (EINTR) is retried; a failing poll (EBADF) ends the stream.
        let mock = SyscallMock()
        mock.inject(.interrupted, into: .poll, times: 3)
        let interrupted = try await SyscallMock.$current.withValue(mock) { try await HotplugMonitor.start() }
        let stillRunning = Task { for await _ in interrupted.events {} }
        try await Task.sleep(for: .milliseconds(100))
        let retried = mock.pendingFaults == 0 && mock.count(of: .poll) >= 4
        interrupted.stop()
        _ = await stillRunning.value
        lines.append("EINTR in poll retried: \(retried)")
        let failing = SyscallMock()
        failing.inject(.badFileDescriptor, into: .poll)
        let broken = try await SyscallMock.$current.withValue(failing) { try await HotplugMonitor.start() }
        let ending = Task { for await _ in broken.events {} }
        let waited = ContinuousClock.now
        _ = await ending.value
        lines.append("failing poll ended the stream: \(ContinuousClock.now - waited < .seconds(1))")
        #endif
        lines.append("end")
    }

    /// The TL00042 description turned into reader TL00077 on port 1-6, as ttyUSB`tty` at `address`.
    static func secondReader(devices: String, tty: Int, address: Int) throws -> String {
        let bus = "001/" + String(repeating: "0", count: 3 - String(address).count) + String(address)
        return try #require(ChildProcess.readFile("\(devices)/reader-ftdi-TL00042.umockdev"))
            .replacing("1-2", with: "1-6").replacing("TL00042", with: "TL00077").replacing("ttyUSB0", with: "ttyUSB\(tty)")
            .replacing("001/005", with: bus).replacing("devnum=5", with: "devnum=\(address)")
            .replacing("DEVNUM=005", with: "DEVNUM=\(bus.suffix(3))")
            .replacing("E: MAJOR=188\nE: MINOR=0", with: "E: MAJOR=188\nE: MINOR=\(tty)").replacing("dev=188:0", with: "dev=188:\(tty)")
            .replacing("A: dev=189:4", with: "A: dev=189:\(address - 1)").replacing("E: MINOR=4", with: "E: MINOR=\(address - 1)")
    }

    static func add(_ description: String, to testbed: UnsafeMutablePointer<UMockdevTestbed>) throws {
        var error: UnsafeMutablePointer<GError>?
        let added = umockdev_testbed_add_from_string(testbed, description, &error)
        try #require(added != 0, "add_from_string: \(error.map { String(cString: $0.pointee.message) } ?? "?")")
    }

    static func hex4(_ value: UInt16) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    // MARK: parent half

    static func runChild() async throws -> String {
        let preload = try #require(TestbedTools.preload)
        let directory = try ChildProcess.makeTemporaryDirectory()
        defer { ChildProcess.removeTree(directory) }
        let reportPath = "\(directory)/report.txt"
        let path = try #require(ChildProcess.selfExecutable())
        let outcome = try await ChildProcess.runUnderUmockdev(
            [path, "--testing-library", "swift-testing", "--filter", "UmockdevTestbedTests"],
            environment: ChildProcess.inheritedEnvironment() + ["LD_PRELOAD=\(preload)", "\(reportVariable)=\(reportPath)"],
            timeout: .seconds(60))
        #expect(outcome.status == 0, "test-bed child exited with \(outcome.status):\n\(outcome.output)")
        return ChildProcess.readFile(reportPath) ?? ""
    }
}

/// Events collected by one task and read by another.
final class EventLog: Sendable {
    private let storage = Mutex<[HotplugEvent]>([])
    func append(_ event: HotplugEvent) { storage.withLock { $0.append(event) } }
    var count: Int { storage.withLock { $0.count } }
    var events: [HotplugEvent] { storage.withLock { $0 } }
}

enum TestbedTools {
    static let preload: String? = ["/usr/lib/x86_64-linux-gnu/libumockdev-preload.so.0", "/usr/lib/aarch64-linux-gnu/libumockdev-preload.so.0",
                                   "/usr/lib/libumockdev-preload.so.0", "/usr/local/lib/libumockdev-preload.so.0"]
        .first { access($0, R_OK) == 0 }
}

extension String {
    fileprivate func replacing(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
