// ScannerSimulator: what a barcode scanner sends, written from the scanner conventions in
// shared/notes/hardware-testing.md §3.3, independently of the drivers in Instruments/Scanner.

/// One scan as a scanner would transmit it.
public struct SimulatedScan: Sendable, Hashable {
    /// The decoded code, e.g. "12345674" or "4006381333931".
    public var code: [UInt8]
    /// The AIM symbology identifier the scanner prepends (serial) or puts in bytes 2…4 (HID POS),
    /// e.g. "]C0"; nil when AIM transmission is off.
    public var aimIdentifier: String?

    public init(code: String, aimIdentifier: String? = nil) {
        self.code = Array(code.utf8)
        self.aimIdentifier = aimIdentifier
    }

    public init(bytes: [UInt8], aimIdentifier: String? = nil) {
        self.code = bytes
        self.aimIdentifier = aimIdentifier
    }

    /// Serial (CDC-ACM / RS-232) mode: `[AIM] code suffix`.
    public func serialBytes(suffix: [UInt8] = [0x0D]) -> [UInt8] {
        Array((aimIdentifier ?? "").utf8) + code + suffix
    }

    /// HID POS mode: 64-byte reports — report ID 2, data length, AIM bytes (zero if none), up to
    /// 56 data bytes, zero padding, and byte 63 = 1 on every report but the last.
    public func hidPOSReports() -> [[UInt8]] {
        let aim = Array((aimIdentifier ?? "").utf8.prefix(3))
        var chunks: [ArraySlice<UInt8>] = stride(from: 0, to: code.count, by: 56).map { code[$0..<min($0 + 56, code.count)] }
        if chunks.isEmpty { chunks = [[]] }
        return chunks.enumerated().map { index, chunk in
            var report = [UInt8](repeating: 0, count: 64)
            report[0] = 2
            report[1] = UInt8(chunk.count)
            for (offset, byte) in aim.enumerated() { report[2 + offset] = byte }
            for (offset, byte) in chunk.enumerated() { report[5 + offset] = byte }
            report[63] = index < chunks.count - 1 ? 1 : 0
            return report
        }
    }
}

/// Card labels as the lab prints them: a 7-digit serial and a Luhn check digit (ISO/IEC 7812-1
/// Annex B), computed here on its own so a driver bug cannot hide behind shared code.
public enum SimulatedCardLabel {
    /// The 8-digit label for serial number `serial` (0…9_999_999).
    public static func label(serial: Int) -> String {
        let payload = String(serial)
        let padded = String(repeating: "0", count: max(0, 7 - payload.count)) + payload
        var total = 0
        var double = true  // the digit next to the check digit is doubled
        for character in padded.reversed() {
            var digit = Int(character.asciiValue ?? 48) - 48
            if double { digit *= 2; if digit > 9 { digit -= 9 } }
            total += digit
            double.toggle()
        }
        return padded + String((10 - total % 10) % 10)
    }
}
