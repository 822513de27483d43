/// A dose equivalent in millisievert. A type, so that a bare Double never crosses a module boundary
/// without its unit.
public struct MilliSievert: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var value: Double
    public init(_ value: Double) { self.value = value }
    public static func < (a: Self, b: Self) -> Bool { a.value < b.value }
    public static let zero = MilliSievert(0)
    public var description: String { "\(value) mSv" }
}

/// Elapsed whole or fractional days.
public struct Days: Sendable, Hashable, Comparable, Codable {
    public var value: Double
    public init(_ value: Double) { self.value = value }
    public static func < (a: Self, b: Self) -> Bool { a.value < b.value }
}
