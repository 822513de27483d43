/// One input report of a USB HID point-of-sale barcode scanner (HID Point of Sale Usage Tables
/// 1.02, usage page 0x8C "Bar Code Scanner"), in the 64-byte layout such scanners send
/// (Access-IS LSR118 manual, appendix B; shared/notes/hardware-testing.md §3.3):
///
///     byte 0       report ID (2: scanned data)
///     byte 1       number of data bytes in this report (0…56)
///     bytes 2…4    AIM symbology identifier `]xy` (zeros if the scanner sends none)
///     bytes 5…60   data, zero padded
///     byte 63      1 if the code continues in the next report ("more data follows")
public struct HIDPOSReport: Sendable, Hashable {
    /// The report ID (byte 0).
    public var reportID: UInt8
    /// The AIM identifier (bytes 2…4), nil when they are zero or not an identifier.
    public var symbology: AIMSymbologyIdentifier?
    /// The data bytes of this report (byte 1 tells how many).
    public var data: [UInt8]
    /// Byte 63: the code continues in the next report.
    public var moreDataFollows: Bool

    /// The scanned-data report's ID.
    public static let scannedDataReportID: UInt8 = 2
    /// Size of one report.
    public static let size = 64
    /// Most data bytes one report carries.
    public static let dataCapacity = 56

    public init(reportID: UInt8 = scannedDataReportID, symbology: AIMSymbologyIdentifier?, data: [UInt8], moreDataFollows: Bool) {
        self.reportID = reportID
        self.symbology = symbology
        self.data = data
        self.moreDataFollows = moreDataFollows
    }

    /// Parses a report as read from the interrupt IN endpoint.
    ///
    /// - Throws: `.tooShort` for fewer than 64 bytes, `.notScannedData` for another report ID,
    ///   `.lengthOutOfRange` if byte 1 exceeds 56.
    public init(parsing bytes: [UInt8]) throws(HIDPOSReportError) {
        guard bytes.count >= Self.size else { throw .tooShort(count: bytes.count) }
        guard bytes[0] == Self.scannedDataReportID else { throw .notScannedData(reportID: bytes[0]) }
        let length = Int(bytes[1])
        guard length <= Self.dataCapacity else { throw .lengthOutOfRange(length) }
        reportID = bytes[0]
        symbology = AIMSymbologyIdentifier(bytes: bytes[2...4])
        data = Array(bytes[5..<(5 + length)])
        moreDataFollows = bytes[63] != 0
    }
}

/// Why bytes are not a HID POS scanned-data report.
public enum HIDPOSReportError: Error, Sendable, Hashable, CustomStringConvertible {
    case tooShort(count: Int)
    case notScannedData(reportID: UInt8)
    case lengthOutOfRange(Int)

    public var description: String {
        switch self {
        case .tooShort(let count): "HID POS report of \(count) bytes; expected \(HIDPOSReport.size)"
        case .notScannedData(let id): "HID report ID \(id) is not scanned data (ID \(HIDPOSReport.scannedDataReportID))"
        case .lengthOutOfRange(let length): "HID POS report says \(length) data bytes; at most \(HIDPOSReport.dataCapacity) fit"
        }
    }
}

/// Joins the reports of one code ("more data follows") into the whole code.
public struct HIDPOSReportAssembler: Sendable, Hashable {
    private var pending: [UInt8] = []
    private var symbology: AIMSymbologyIdentifier?

    /// Longest code kept; a longer one is cut (and the classifier rejects it as not a card).
    public var maximumLength = 4096

    public init() {}

    /// Adds a report; returns the whole code and its identifier when this report ends it.
    public mutating func add(_ report: HIDPOSReport) -> (code: [UInt8], symbology: AIMSymbologyIdentifier?)? {
        if pending.isEmpty { symbology = report.symbology }
        if pending.count < maximumLength { pending += report.data.prefix(maximumLength - pending.count) }
        guard !report.moreDataFollows else { return nil }
        defer { pending.removeAll(keepingCapacity: true); symbology = nil }
        return (pending, symbology)
    }
}
