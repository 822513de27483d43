/// A dosimeter card ID: 8 decimal digits whose last digit is the Luhn check digit of the first seven
/// (ISO/IEC 7812-1 Annex B, the "mod 10" algorithm of H. P. Luhn, US patent 2,950,048, 1960).
public struct CardID: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public let digits: String

    /// - Throws: ``ScenarioError/invalidCardID(_:reason:)`` when the text is not 8 digits with a valid check digit.
    public init(_ text: String) throws(ScenarioError) {
        guard text.utf8.count == 8, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
            throw .invalidCardID(text, reason: "a card ID is 8 decimal digits")
        }
        let body = String(text.prefix(7))
        let expected = Self.luhnCheckDigit(body)
        guard text.last == expected else {
            throw .invalidCardID(text, reason: "Luhn check digit should be \(expected)")
        }
        digits = text
    }

    /// The Luhn check digit for a string of decimal digits: from the rightmost digit leftwards, double
    /// every second digit starting with the rightmost, subtract 9 from results above 9, sum, and take
    /// (10 − sum mod 10) mod 10.
    public static func luhnCheckDigit(_ body: String) -> Character {
        var sum = 0
        for (i, ch) in body.reversed().enumerated() {
            var d = Int(ch.asciiValue ?? 48) - 48
            if i % 2 == 0 { d *= 2; if d > 9 { d -= 9 } }
            sum += d
        }
        return Character(String((10 - sum % 10) % 10))
    }

    public var description: String { digits }
    public static func < (a: CardID, b: CardID) -> Bool { a.digits < b.digits }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        try self.init(text)
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(digits)
    }
}
