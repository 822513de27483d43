/// A TL dosimeter card's identifier: 8 decimal digits, the last a Luhn check digit
/// (ISO/IEC 7812-1 Annex B, the "mod 10" algorithm of payment cards).
///
///     CardID("12345674")   // valid: Luhn sum of 1234567 + check digit 4 is a multiple of 10
///     CardID.make(payload: "1234567")?.rawValue == "12345674"
public struct CardID: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The 8 digits.
    public let rawValue: String

    /// Number of digits, check digit included.
    public static let digitCount = 8

    /// The card id in `text`, or nil unless it is exactly 8 ASCII digits with a valid check digit.
    public init?(_ text: String) {
        guard Self.validate(text) == nil else { return nil }
        rawValue = text
    }

    /// Why `text` is not a card id, or nil if it is one.
    public static func validate(_ text: String) -> CardIDProblem? {
        let digits = Array(text.utf8)
        guard !digits.isEmpty, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return .notDigits }
        guard digits.count == digitCount else { return .wrongLength(digits.count) }
        let values = digits.map { Int($0 - 0x30) }
        let expected = luhnCheckDigit(values.dropLast())
        return expected == values[digitCount - 1] ? nil : .checkDigitMismatch(expected: expected, found: values[digitCount - 1])
    }

    /// The id made of a 7-digit payload and its check digit; nil unless `payload` is 7 digits.
    public static func make(payload: String) -> CardID? {
        let digits = Array(payload.utf8)
        guard digits.count == digitCount - 1, digits.allSatisfy({ (0x30...0x39).contains($0) }) else { return nil }
        let check = luhnCheckDigit(digits.map { Int($0 - 0x30) })
        return CardID(payload + String(check))
    }

    /// The Luhn check digit for `payload` (ISO/IEC 7812-1 Annex B): starting with the payload's
    /// rightmost digit, double every other digit (subtracting 9 from results above 9), sum all,
    /// and return (10 − sum mod 10) mod 10.
    public static func luhnCheckDigit<C: Collection>(_ payload: C) -> Int where C.Element == Int {
        var sum = 0
        for (offset, digit) in payload.reversed().enumerated() {
            if offset % 2 == 0 {
                let doubled = digit * 2
                sum += doubled > 9 ? doubled - 9 : doubled
            } else {
                sum += digit
            }
        }
        return (10 - sum % 10) % 10
    }

    public var description: String { rawValue }

    public static func < (lhs: CardID, rhs: CardID) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Why a string of characters is not a card id.
public enum CardIDProblem: Sendable, Hashable, CustomStringConvertible {
    /// Not only decimal digits.
    case notDigits
    /// Digits, but not 8 of them.
    case wrongLength(Int)
    /// 8 digits whose last is not the Luhn check digit of the first 7.
    case checkDigitMismatch(expected: Int, found: Int)

    public var description: String {
        switch self {
        case .notDigits: "not a card number (card ids are 8 digits)"
        case .wrongLength(let count): "\(count) digits, but card ids have \(CardID.digitCount)"
        case .checkDigitMismatch(let expected, let found):
            "check digit is \(found), expected \(expected): misread or mistyped card number"
        }
    }
}
