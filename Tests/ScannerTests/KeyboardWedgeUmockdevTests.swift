import CUmockdev
import DeviceIO
import Glibc
import Logging
import ScannerSimulator
import TestSupport
import Testing
@testable import Instruments

/// A keyboard-wedge scanner described like a real one — a Datalogic Gryphon in keyboard-emulation
/// mode, 05f9:2206, HID keyboard interface (class 3, subclass 1, protocol 1) with an evdev node —
/// on a umockdev test bed, typed by `KeyboardWedgeSimulator`: found without configuration by
/// `ScannerHub`, its scans decoded, a person's typing on it told from a scan, a half-typed scan
/// dropped when it is pulled out, and read again when it comes back. Re-runs itself with the
/// preload and `TLD_DEVICE_EMULATION=1` (umockdev's node has no EVIOCGRAB).
@Suite("Keyboard-wedge scanner on a umockdev test bed",
       .enabled(if: ChildProcess.umockdevPreload != nil, "needs libumockdev-preload.so.0 (apt install umockdev)"))
struct KeyboardWedgeUmockdevTests {
    static let reportVariable = "KEYBOARD_WEDGE_REPORT"

    @Test("found, scans decoded, typing told apart, unplug mid-scan drops the half, re-plug reads again")
    func wedge() async throws {
        guard let child = try await ChildProcess.underUmockdevPreload(
            filter: "KeyboardWedgeUmockdevTests", reportVariable: Self.reportVariable, environment: ["TLD_DEVICE_EMULATION=1"], timeout: .seconds(60), child: Self.childHalf) else { return }
        let outcome = child.outcome
        #expect(outcome.status == 0, "child exited with \(outcome.status):\n\(outcome.output)")
        let report = child.report.split(separator: "\n").map(String.init)
        let wedge = "scanner DL0099 (keyboard)"
        let expected = [
            "discovered scanner-keyboard 05f9:2206 /dev/input/event7 ready",
            "connected \(wedge)",
            "\(wedge): card 12345674",
            "\(wedge): typed \"missing\"",
            "\(wedge): rejected \"10000033\": not a card id: check digit is 3, expected 2: misread or mistyped card number",
            "disconnected \(wedge): unplugged or stopped responding",
            "connected \(wedge)",
            "\(wedge): card 00000422",
            "end",
        ]
        #expect(report == expected, "report:\n\(report.joined(separator: "\n"))\nchild output:\n\(outcome.output)")
    }

    static func childHalf(_ lines: inout [String]) async throws {
        let testbed = try #require(umockdev_testbed_new())
        defer { g_object_unref(testbed) }
        try #require(umockdev_in_mock_environment() != 0, "umockdev preload not active")
        let description = try #require(ChildProcess.readFile("\(ChildProcess.packageRoot)/simulators/devices/scanner-keyboard-datalogic-DL0099.umockdev"))
        try add(description, to: testbed)
        var report: [String] = []
        for device in try DeviceDiscovery().attachedDevices() where device.role.isScanner {
            report.append("discovered \(device.role) \(device.identity.idString) \(device.path ?? "-") \(device.state)")
        }

        let hub = try await ScannerHub.start(rescanInterval: .milliseconds(300), logger: Logger(label: "test"))
        let log = EventLog()
        let collector = Task { for await event in hub.events { log.append("\(event)") } }
        try await log.waitFor { $0.count == 1 }
        let first = KeyboardWedgeSimulator(writingTo: umockdev_testbed_get_dev_fd(testbed, "/dev/input/event7"),
                                           devicePath: "/dev/input/event7", ownedElsewhere: true)
        try first.scan("12345674")
        try await log.waitFor { $0.count == 2 }
        try first.type("missing")
        try await log.waitFor { $0.count == 3 }
        try first.scan("10000033")
        try await log.waitFor { $0.count == 4 }
        // Half a scan, then the cable is pulled.
        try first.partial("10000016", count: 4)
        first.unplug()
        let usb = "/sys/devices/pci0000:00/0000:00:14.0/usb1/1-5"
        let event = "\(usb)/1-5:1.0/0003:05F9:2206.0002/input/input7/event7"
        umockdev_testbed_uevent(testbed, event, "remove")
        umockdev_testbed_remove_device(testbed, event)
        umockdev_testbed_uevent(testbed, usb, "remove")
        umockdev_testbed_remove_device(testbed, usb)
        try await log.waitFor { $0.count == 5 }
        let placeholder = try await PseudoTerminalPair.open()
        defer { Task { await placeholder.close() } }
        let returned = description.replacingAll("1-5", with: "1-8").replacingAll("event7", with: "event8")
            .replacingAll("input7", with: "input8").replacingAll("hidraw1", with: "hidraw2").replacingAll("001/008", with: "001/013")
            .replacingAll("DEVNUM=008", with: "DEVNUM=013").replacingAll("devnum=8", with: "devnum=13")
            .replacingAll("MINOR=71", with: "MINOR=72").replacingAll("dev=13:71", with: "dev=13:72")
            .replacingAll("MINOR=7\n", with: "MINOR=12\n").replacingAll("dev=189:7", with: "dev=189:12")
            .replacingAll("MINOR=1\n", with: "MINOR=2\n").replacingAll("dev=240:1", with: "dev=240:2")
        try add(returned, to: testbed)
        try await log.waitFor { $0.count == 6 }
        let second = KeyboardWedgeSimulator(writingTo: dup(umockdev_testbed_get_dev_fd(testbed, "/dev/input/event8")),
                                            devicePath: "/dev/input/event8")
        try second.scan("00000422")
        try await log.waitFor { $0.count == 7 }
        report += log.lines
        await hub.stop()
        _ = await collector.value
        lines = report + ["end"]
    }

    static func add(_ description: String, to testbed: UnsafeMutablePointer<UMockdevTestbed>) throws {
        var error: UnsafeMutablePointer<GError>?
        try #require(umockdev_testbed_add_from_string(testbed, description, &error) != 0)
    }
}

extension String {
    fileprivate func replacingAll(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
