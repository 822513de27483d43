/// A glow-curve BLOB that cannot be read back as per-channel values.
public enum BlobDecodingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Which per-channel BLOB was being decoded.
    public enum Column: String, Sendable, Equatable {
        case counts
        case temperatures
    }

    /// The BLOB's length is not a whole number of values.
    case lengthNotMultiple(column: Column, byteCount: Int, bytesPerValue: Int)
    /// The BLOB holds a whole number of values, but not as many as the row's channel count says.
    case channelCountMismatch(column: Column, expected: Int, found: Int)

    public var description: String {
        switch self {
        case let .lengthNotMultiple(column, byteCount, bytesPerValue):
            "the \(column.rawValue) BLOB has \(byteCount) bytes, not a multiple of \(bytesPerValue)"
        case let .channelCountMismatch(column, expected, found):
            "the \(column.rawValue) BLOB holds \(found) channels where \(expected) were recorded"
        }
    }
}
