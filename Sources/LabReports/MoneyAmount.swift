import Foundation

/// Amounts of money as typed by a person: "125", "125.50" or "125,50" (Danish decimal comma), at most
/// two decimals, never negative; stored in minor units (øre) so that sums are exact.
public enum MoneyAmount {
    public struct Invalid: Error, Sendable, Hashable, CustomStringConvertible {
        public let text: String
        public var description: String {
            "\"\(text)\" is not an amount: give kroner with at most two decimals, e.g. 125.00 or 125,50"
        }
    }

    /// Minor units of `text`: "125.5" → 12 550.
    public static func minorUnits(parsing text: String) throws(Invalid) -> Int {
        let t = text.trimmingCharacters(in: .whitespaces)
        let parts = t.split(separator: t.contains(",") ? "," : ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty, whole.count <= 9,
              whole.allSatisfy({ $0.isASCII && $0.isNumber }), let units = Int(whole) else { throw Invalid(text: text) }
        var fraction = 0
        if parts.count == 2 {
            let f = parts[1]
            guard (1...2).contains(f.count), f.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(f) else { throw Invalid(text: text) }
            fraction = f.count == 1 ? v * 10 : v
        }
        return units * 100 + fraction
    }
}
