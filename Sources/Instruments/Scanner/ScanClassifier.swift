/// Judges one scanned code: a card id, or a rejection with a reason. Pure; no I/O, no time.
public struct ScanClassifier: Sendable, Hashable {
    public var configuration: ScannerConfiguration

    public init(configuration: ScannerConfiguration = ScannerConfiguration()) {
        self.configuration = configuration
    }

    /// Classifies `code` (the bytes between two suffixes, or a HID POS report's data).
    /// `symbology` is the AIM identifier when it came separately (HID POS); otherwise a leading
    /// `]xy` in `code` is taken as one.
    public func classify(_ code: [UInt8], symbology: AIMSymbologyIdentifier? = nil) -> ScanEvent {
        var data = code[...]
        var aim = symbology
        if aim == nil, data.count >= 3, let leading = AIMSymbologyIdentifier(bytes: data.prefix(3)) {
            aim = leading
            data = data.dropFirst(3)
        }
        let raw = Self.display(data)
        let shown = aim.map { "\($0)\(raw)" } ?? raw
        if data.isEmpty { return .rejected(raw: shown, reason: .empty) }
        if let control = data.first(where: { $0 < 0x20 || $0 == 0x7F }) {
            return .rejected(raw: shown, reason: .unreadable(detail: "control character \(Self.hexByte(control))"))
        }
        guard let text = String(validating: data, as: UTF8.self) else {
            return .rejected(raw: shown, reason: .unreadable(detail: "not valid UTF-8"))
        }
        let trimmed = text.trimmingSpaces
        if configuration.expectsSymbologyIdentifier && aim == nil {
            return .rejected(raw: shown, reason: .missingSymbologyIdentifier)
        }
        let lower = trimmed.lowercased()
        if lower.contains("://") || lower.hasPrefix("www.") { return .rejected(raw: shown, reason: .webAddress) }
        if let aim {
            if aim.isRetailProductCode { return .rejected(raw: shown, reason: .productCode(symbology: aim.symbologyName)) }
            if !configuration.acceptedSymbologies.isEmpty && !configuration.acceptedSymbologies.contains(aim.code) {
                return .rejected(raw: shown, reason: .symbologyNotAccepted(aim))
            }
        } else if let product = Self.retailProductName(trimmed) {
            return .rejected(raw: shown, reason: .productCode(symbology: product))
        }
        if let problem = CardID.validate(trimmed) { return .rejected(raw: shown, reason: .notACardID(problem)) }
        guard let id = CardID(trimmed) else { return .rejected(raw: shown, reason: .notACardID(.notDigits)) }
        return .card(id)
    }

    /// "EAN-13", "UPC-A" or "GTIN-14" for a digit string of that length whose last digit is its
    /// GS1 check digit; nil otherwise (8 digits are left to the card-id check).
    static func retailProductName(_ text: String) -> String? {
        let digits = Array(text.utf8)
        guard [12, 13, 14].contains(digits.count), digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let values = digits.map { Int($0 - 0x30) }
        guard gs1CheckDigit(values.dropLast()) == values[values.count - 1] else { return nil }
        return switch digits.count {
        case 12: "UPC-A"
        case 13: "EAN-13"
        default: "GTIN-14"
        }
    }

    /// The GS1 mod-10 check digit (GS1 General Specifications §7.9.1): weights 3, 1, 3, … from
    /// the payload's rightmost digit; the check digit brings the weighted sum to a multiple of 10.
    static func gs1CheckDigit<C: Collection>(_ payload: C) -> Int where C.Element == Int {
        var sum = 0
        for (offset, digit) in payload.reversed().enumerated() { sum += digit * (offset % 2 == 0 ? 3 : 1) }
        return (10 - sum % 10) % 10
    }

    /// Printable ASCII as is, other bytes as `<0x..>`; valid non-ASCII UTF-8 as text.
    static func display(_ bytes: ArraySlice<UInt8>) -> String {
        if bytes.allSatisfy({ $0 >= 0x20 && $0 != 0x7F }), let text = String(validating: bytes, as: UTF8.self) {
            return text
        }
        return bytes.map { (0x20..<0x7F).contains($0) ? String(Unicode.Scalar($0)) : "<\(hexByte($0))>" }.joined()
    }

    static func hexByte(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return "0x" + (digits.count == 1 ? "0" + digits : digits)
    }
}

extension String {
    /// Without leading and trailing spaces.
    fileprivate var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { $0 != " " }),
              let last = scalars.lastIndex(where: { $0 != " " }) else { return "" }
        return String(scalars[first...last])
    }
}
