import DeviceIO
import ScannerSimulator
import Testing
@testable import Instruments

@Suite("HID POS reports (usage page 0x8C)")
struct HIDPOSReportTests {
    /// A report as a Newland/Honeywell HID POS scanner sends it for "12345674" with AIM "]C0",
    /// written out byte by byte (layout: Access-IS LSR118 manual, appendix B).
    static let recorded: [UInt8] = [0x02, 0x08, 0x5D, 0x43, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x34]
        + [UInt8](repeating: 0, count: 51)

    @Test("a recorded report parses into AIM id, data and the last-report flag")
    func recordedReport() throws {
        let report = try HIDPOSReport(parsing: Self.recorded)
        #expect(report.reportID == 2)
        #expect(report.symbology == AIMSymbologyIdentifier(code: "C", modifier: "0"))
        #expect(report.data == Array("12345674".utf8))
        #expect(!report.moreDataFollows)
    }

    @Test("malformed reports are refused with a reason")
    func malformed() {
        #expect(throws: HIDPOSReportError.tooShort(count: 10)) { try HIDPOSReport(parsing: Array(Self.recorded.prefix(10))) }
        var other = Self.recorded
        other[0] = 4
        #expect(throws: HIDPOSReportError.notScannedData(reportID: 4)) { try HIDPOSReport(parsing: other) }
        var long = Self.recorded
        long[1] = 57
        #expect(throws: HIDPOSReportError.lengthOutOfRange(57)) { try HIDPOSReport(parsing: long) }
    }

    @Test("a code longer than one report is joined from the simulator's reports", arguments: [0, 1, 55, 56, 57, 112, 200])
    func assembly(length: Int) throws {
        let code = (0..<length).map { UInt8(0x41 + $0 % 26) }
        let reports = SimulatedScan(bytes: code, aimIdentifier: "]Q1").hidPOSReports()
        #expect(reports.count == max(1, (length + 55) / 56))
        var assembler = HIDPOSReportAssembler()
        var done: [(code: [UInt8], symbology: AIMSymbologyIdentifier?)] = []
        for bytes in reports {
            #expect(bytes.count == 64)
            if let whole = assembler.add(try HIDPOSReport(parsing: bytes)) { done.append(whole) }
        }
        #expect(done.count == 1)
        #expect(done.first?.code == code)
        #expect(done.first?.symbology == AIMSymbologyIdentifier(code: "Q", modifier: "1"))
    }

    @Test("the report descriptor's usage pages are found; 0x8C marks a bar-code scanner")
    func reportDescriptor() {
        // Usage Page (0x8C, 1 byte), Usage (2), Collection (App), Report ID 2, Usage Page (Generic
        // Desktop 0x01), a long item, Usage Page 0xFF00 (2 bytes), End Collection.
        let scanner = HIDReportDescriptor(bytes: [0x05, 0x8C, 0x09, 0x02, 0xA1, 0x01, 0x85, 0x02, 0x05, 0x01,
                                                  0xFE, 0x02, 0x10, 0xAA, 0xBB, 0x06, 0x00, 0xFF, 0xC0])
        #expect(scanner.usagePages == [0x8C, 0x01, 0xFF00])
        #expect(scanner.isBarCodeScanner)
        let keyboard = HIDReportDescriptor(bytes: [0x05, 0x01, 0x09, 0x06, 0xA1, 0x01, 0x05, 0x07, 0xC0])
        #expect(keyboard.usagePages == [0x01, 0x07])
        #expect(!keyboard.isBarCodeScanner)
        #expect(HIDReportDescriptor(bytes: [0x06, 0x8C]).usagePages == [])  // truncated item
    }
}
