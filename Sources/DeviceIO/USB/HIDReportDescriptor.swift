/// The items of a USB HID report descriptor (HID 1.11 §6.2.2), enough to tell what a HID
/// interface is: its Usage Page items.
///
/// A short item is one prefix byte `tttt ttss` (`ss` = 0, 1, 2 or 4 data bytes, little-endian)
/// followed by its data; a long item starts with 0xFE, then bDataSize and bLongItemTag.
/// Usage Page is the global item with prefix 0b0000_01ss (0x05, 0x06, 0x07).
public struct HIDReportDescriptor: Sendable, Hashable {
    /// The raw descriptor, as GET_DESCRIPTOR(Report, 0x22) returned it.
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// USB HID Point of Sale Usage Tables 1.02: usage page 0x8C is "Bar Code Scanner".
    public static let barCodeScannerUsagePage: UInt16 = 0x8C

    /// Every Usage Page item's value, in order. Stops at a truncated item.
    public var usagePages: [UInt16] {
        var pages: [UInt16] = []
        var index = 0
        while index < bytes.count {
            let prefix = bytes[index]
            if prefix == 0xFE {  // long item: 0xFE, bDataSize, bLongItemTag, data
                guard index + 1 < bytes.count else { break }
                index += 3 + Int(bytes[index + 1])
                continue
            }
            let size = [0, 1, 2, 4][Int(prefix & 0x03)]
            guard index + size < bytes.count else { break }
            if prefix & 0xFC == 0x04 {  // tag 0 (Usage Page), type 1 (global)
                var value: UInt32 = 0
                for offset in 0..<size { value |= UInt32(bytes[index + 1 + offset]) << (8 * offset) }
                pages.append(UInt16(truncatingIfNeeded: value))
            }
            index += 1 + size
        }
        return pages
    }

    /// Whether it declares the HID POS bar-code-scanner usage page (0x8C).
    public var isBarCodeScanner: Bool { usagePages.contains(Self.barCodeScannerUsagePage) }
}
