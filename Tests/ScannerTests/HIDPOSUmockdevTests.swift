import CUmockdev
import DeviceIO
import Glibc
import Logging
import ScannerSimulator
import TestSupport
import Testing
@testable import Instruments

/// The HID POS path end to end: `HIDPOSScanner` → `HIDInterruptDevice` → libusb → usbfs ioctls,
/// answered by `HIDPOSUsbfsEmulator` on a umockdev test bed (umockdev_testbed_attach_ioctl, as
/// libusb's own tests/umockdev.c does). Re-runs itself with umockdev's preload, as the DeviceIO
/// umockdev tests do; the child writes a report to `SCANNER_TESTBED_REPORT`.
@Suite("HID POS scanner through libusb on a umockdev test bed", .enabled(if: ChildProcess.umockdevPreload != nil, "needs libumockdev-preload.so.0 (apt install umockdev)"))
struct HIDPOSUmockdevTests {
    static let reportVariable = "SCANNER_TESTBED_REPORT"

    @Test("scans arrive through libusb with the kernel driver detached; long codes are joined; close re-attaches")
    func hidPOSScans() async throws {
        guard let child = try await ChildProcess.underUmockdevPreload(
            filter: "HIDPOSUmockdevTests", reportVariable: Self.reportVariable, timeout: .seconds(60), child: Self.childHalf) else { return }
        let outcome = child.outcome
        let (status, output) = (outcome.status, outcome.output)
        #expect(status == 0, "child exited with \(status):\n\(output)")
        let report = child.report
        let lines = report.split(separator: "\n").map(String.init)
        func expectLine(_ line: String) { #expect(lines.contains(line), "missing \(line); report was:\n\(report)\nchild output:\n\(output)") }
        expectLine("usb 1eab:0110 manufacturer=Newland product=HR200 HID POS serial=NLS00071")
        expectLine("interface 0 usage pages [140] barCodeScanner=true")
        expectLine("event card 12345674")
        expectLine("event rejected \"]Q1https://example.com/manuals/tl-reader/operating-instructions-v2.pdf\": "
            + "this is a web address (QR code), not a dosimeter card: scan the card's label")
        expectLine("event rejected \"]E04006381333931\": this is a product bar code (EAN/UPC), not a dosimeter card: scan the card's label")
        expectLine("trace claim 0 (kernel driver detached)")
        expectLine("trace release 0")
        expectLine("trace kernel driver re-attached to 0")
        expectLine("pending 0")
        expectLine("reset reset")
        expectLine("trace port reset")
        expectLine("reset of a missing unit: No USB device 1eab:0110 serial OTHER is attached.")
        #expect(lines.last == "end", "report was:\n\(report)")
    }

    static func childHalf(_ lines: inout [String]) async throws {
        let testbed = try #require(umockdev_testbed_new())
        defer { g_object_unref(testbed) }
        try #require(umockdev_in_mock_environment() != 0, "umockdev preload not active")
        let emulator = HIDPOSUsbfsEmulator()
        try emulator.attach(to: testbed, devnode: "/dev/bus/usb/001/007")
        // The ioctl-emulated node must have no contents (libusb's test notes the same), so the
        // `N:` line of the description loses its "=<descriptor bytes>" (they stay in `H: descriptors`).
        let description = try #require(ChildProcess.readFile("\(ChildProcess.packageRoot)/simulators/devices/scanner-hidpos-newland-NLS00071.umockdev"))
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("N: bus/usb/") ? String($0.prefix { $0 != "=" }) : String($0) }
            .joined(separator: "\n")
        var error: UnsafeMutablePointer<GError>?
        try #require(umockdev_testbed_add_from_string(testbed, description, &error) != 0)

        // Descriptors through libusb (libusb_open + string descriptors by control transfer).
        for device in try USBEnumerator().devices() {
            let identity = device.identity
            lines.append("usb \(identity.idString) manufacturer=\(identity.manufacturer ?? "-") "
                + "product=\(identity.product ?? "-") serial=\(identity.serialNumber ?? "-")")
        }

        let label = SimulatedCardLabel.label(serial: 1_234_567)
        emulator.enqueue(SimulatedScan(code: label, aimIdentifier: "]C0"))
        emulator.enqueue(SimulatedScan(code: label, aimIdentifier: "]C0"))  // double scan: dropped
        emulator.enqueue(SimulatedScan(code: "https://example.com/manuals/tl-reader/operating-instructions-v2.pdf", aimIdentifier: "]Q1"))
        emulator.enqueue(SimulatedScan(code: "4006381333931", aimIdentifier: "]E0"))

        let scanner = try await HIDPOSScanner.open(
            USBDeviceMatch(vendorID: 0x1EAB, productID: 0x0110, serialNumber: "NLS00071"),
            configuration: ScannerConfiguration(debounceWindow: .seconds(5)), logger: Logger(label: "test"))
        let descriptor = await scanner.device.reportDescriptor
        lines.append("interface \(await scanner.device.interfaceNumber) usage pages \(descriptor?.usagePages ?? []) "
            + "barCodeScanner=\(descriptor?.isBarCodeScanner ?? false)")
        var iterator = scanner.events.makeAsyncIterator()
        for _ in 0..<3 {
            guard let event = await iterator.next() else { break }
            lines.append("event \(event)")
        }
        await scanner.close()
        // A hung scanner or adapter is reset through libusb (USBDEVFS_RESET).
        let reset = try USBEnumerator().reset(USBDeviceMatch(vendorID: 0x1EAB, productID: 0x0110))
        lines.append("reset \(reset)")
        do {
            _ = try USBEnumerator().reset(USBDeviceMatch(vendorID: 0x1EAB, productID: 0x0110, serialNumber: "OTHER"))
            lines.append("reset of a missing unit: no error")
        } catch {
            lines.append("reset of a missing unit: \(error)")
        }
        for line in emulator.trace { lines.append("trace \(line)") }
        lines.append("pending \(emulator.pendingReports)")
        lines.append("end")
    }
}
