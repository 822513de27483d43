import Glibc
import TestSupport
import Testing
@testable import DeviceIO

/// Discovery of an emulated TL reader (FTDI 0403:6001 → ttyUSB0, serial TL00042) under umockdev.
///
/// The umockdev preload library must be in the process from the start (LD_PRELOAD), and linking
/// it into the test binary would put it under every test of the package (they share one
/// executable on Linux). So this test re-runs itself, filtered to this suite, under
/// `umockdev-run -d <description>`: the child half enumerates and writes a report to the file
/// named by `DEVICEIO_UMOCKDEV_REPORT`; the parent half compares it. (The "re-exec under
/// umockdev" pattern of upower's and bolt's test suites.) Hot-plug: UmockdevTestbedTests.
@Suite("Discovery under umockdev", .enabled(if: umockdevRunPath != nil, "needs umockdev-run (apt install umockdev)"))
struct UmockdevDiscoveryTests {

    static let reportVariable = "DEVICEIO_UMOCKDEV_REPORT"

    /// usb_device → interface → tty, as in the notes (descriptor bytes little-endian; sysfs
    /// strings end in "\n"). Device descriptor + one configuration with two bulk endpoints.
    static let description = """
        P: /devices/pci0000:00/0000:00:14.0/usb1/1-2
        N: bus/usb/001/005=1201000200000008030401600006010203010902200001010080320904000002FFFFFF020705810240000007050202400000
        E: SUBSYSTEM=usb
        E: DEVTYPE=usb_device
        E: DEVNAME=/dev/bus/usb/001/005
        E: BUSNUM=001
        E: DEVNUM=005
        E: PRODUCT=403/6001/600
        A: idVendor=0403\\n
        A: idProduct=6001\\n
        A: serial=TL00042\\n
        A: manufacturer=LabTL\\n
        A: product=TL reader\\n
        A: busnum=1\\n
        A: devnum=5\\n
        A: speed=12\\n
        A: dev=189:4
        H: descriptors=1201000200000008030401600006010203010902200001010080320904000002FFFFFF020705810240000007050202400000

        P: /devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0
        E: SUBSYSTEM=usb
        E: DEVTYPE=usb_interface
        E: DRIVER=ftdi_sio
        A: bInterfaceNumber=00\\n

        P: /devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/ttyUSB0/tty/ttyUSB0
        N: ttyUSB0
        E: SUBSYSTEM=tty
        E: DEVNAME=/dev/ttyUSB0
        E: ID_SERIAL_SHORT=TL00042
        E: ID_MM_DEVICE_IGNORE=1
        E: ID_USB_DRIVER=ftdi_sio
        E: DEVLINKS=/dev/serial/by-id/usb-LabTL_TL_reader_TL00042-if00-port0 /dev/labtl/reader-TL00042
        A: dev=188:0

        """

    /// umockdev script for /dev/ttyUSB0: the client must write STX "STATUS?" ETX, and then gets
    /// STX "READY,TLR-100" ETX (`^B` = 0x02, `^C` = 0x03; docs/script-format.txt). A mismatch makes
    /// umockdev-run abort (exit 133), which fails the test.
    static let script = """
        w 0 ^BSTATUS?^C
        r 10 ^BREADY,TLR-100^C

        """

    @Test("the emulated reader is found with its ids, serial, strings, driver and udev symlinks, and answers")
    func emulatedReader() async throws {
        if let reportPath = getenv(Self.reportVariable).map({ String(cString: $0) }) {
            try await Self.writeReport(to: reportPath)  // child half, inside umockdev-run
            return
        }
        let report = try await Self.runChild()
        let lines = report.split(separator: "\n").map(String.init)
        #expect(lines.contains(
            "tty /dev/ttyUSB0 0403:6001 serial=TL00042 manufacturer=LabTL product=TL reader driver=ftdi_sio mmIgnore=true "
                + "links=/dev/labtl/reader-TL00042,/dev/serial/by-id/usb-LabTL_TL_reader_TL00042-if00-port0"),
            "report was:\n\(report)")
        #expect(lines.filter { $0.hasPrefix("tty ") }.count == 1, "report was:\n\(report)")
        #expect(lines.contains { $0.hasPrefix("usb 1:5 0403:6001 class=0") }, "report was:\n\(report)")
        #expect(lines.contains("serial reply=READY,TLR-100 framed=true"), "report was:\n\(report)")
        #expect(lines.last == "end", "report was:\n\(report)")
    }

    /// The child half: enumerate and write one line per device.
    static func writeReport(to path: String) async throws {
        var lines: [String] = []
        for port in try UdevEnumerator().serialPorts() {
            let usb = port.usb
            lines.append("tty \(port.devnode) \(hex(usb?.vendorID)):\(hex(usb?.productID))"
                + " serial=\(usb?.serialNumber ?? "-") manufacturer=\(usb?.manufacturer ?? "-")"
                + " product=\(usb?.product ?? "-") driver=\(port.driver ?? "-")"
                + " mmIgnore=\(port.ignoredByModemManager) links=\(port.devlinks.joined(separator: ","))")
        }
        for device in try USBEnumerator().devices() {
            lines.append("usb \(device.busNumber):\(device.address) \(hex(device.identity.vendorID)):"
                + "\(hex(device.identity.productID)) class=\(device.deviceClass)")
        }
        // One exchange with the script umockdev plays on the emulated tty's other end. Under the
        // preload isatty() is 0 for ttyUSB (major 188) and TIOCEXCL gives ENOTTY: SerialPort must
        // cope with both.
        let port = try await SerialPort.open(path: "/dev/ttyUSB0", configuration: .init(baudRate: 115_200))
        try await port.write([0x02] + Array("STATUS?".utf8) + [0x03])
        var reply: [UInt8] = []
        let deadline = ContinuousClock.now.advanced(by: .seconds(5))
        while reply.last != 0x03, ContinuousClock.now < deadline {
            reply += try await port.read(maxCount: 64, timeout: .milliseconds(200))
        }
        await port.close()
        lines.append("serial reply=\(String(decoding: reply.filter { $0 >= 0x20 }, as: UTF8.self)) framed=\(reply.first == 0x02 && reply.last == 0x03)")
        lines.append("end")
        let text = lines.joined(separator: "\n") + "\n"
        try ChildProcess.writeFile(path, text)
    }

    static func hex(_ value: UInt16?) -> String {
        guard let value else { return "----" }
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// The parent half: run this suite in a copy of the test binary under umockdev-run.
    static func runChild() async throws -> String {
        let runner = try #require(umockdevRunPath)
        let directory = try ChildProcess.makeTemporaryDirectory()
        defer { ChildProcess.removeTree(directory) }
        let descriptionPath = "\(directory)/reader.umockdev"
        let reportPath = "\(directory)/report.txt"
        let scriptPath = "\(directory)/reader.script"
        try ChildProcess.writeFile(descriptionPath, description)
        try ChildProcess.writeFile(scriptPath, script)
        let executable = try #require(ChildProcess.selfExecutable())
        let arguments = [runner, "-d", descriptionPath, "-s", "/dev/ttyUSB0=\(scriptPath)", "--", executable,
                         "--testing-library", "swift-testing", "--filter", "UmockdevDiscoveryTests"]
        let environment = ["\(reportVariable)=\(reportPath)"] + ChildProcess.inheritedEnvironment()
        let child = try await ChildProcess.runUnderUmockdev(arguments, environment: environment, timeout: .seconds(60))
        #expect(child.status == 0, "umockdev-run child exited with \(child.status):\n\(child.output)")
        return ChildProcess.readFile(reportPath) ?? ""
    }
}

private let umockdevRunPath: String? = ["/usr/bin/umockdev-run", "/usr/local/bin/umockdev-run"]
    .first { access($0, X_OK) == 0 }
