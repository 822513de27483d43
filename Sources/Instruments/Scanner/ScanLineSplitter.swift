/// Cuts a serial scanner's byte stream into codes at the configured suffix.
///
/// For CR, LF and CRLF it tolerates a scanner set to a neighbouring suffix: stray CR/LF bytes at
/// a code's ends are dropped, and a code that is empty after that is not reported (a CRLF scanner
/// read as CR yields one code, not a code and an empty one).
public struct ScanLineSplitter: Sendable, Hashable {
    /// One piece of the stream.
    public enum Piece: Sendable, Hashable {
        /// The bytes before a suffix.
        case code([UInt8])
        /// More than `maximumLength` bytes came without a suffix: the first `maximumLength` of
        /// them; everything up to the next suffix is discarded.
        case overlong([UInt8])
    }

    public let suffix: ScanSuffix
    public let maximumLength: Int
    private var buffer: [UInt8] = []
    private var discarding = false

    public init(suffix: ScanSuffix, maximumLength: Int = 256) {
        self.suffix = suffix
        self.maximumLength = max(1, maximumLength)
    }

    /// Appends `bytes` and returns the codes completed by them.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Piece] {
        var pieces: [Piece] = []
        let terminator = suffix.bytes
        for byte in bytes {
            buffer.append(byte)
            if buffer.count >= terminator.count && buffer.suffix(terminator.count).elementsEqual(terminator) {
                let code = Array(buffer.dropLast(terminator.count))
                buffer.removeAll(keepingCapacity: true)
                if discarding { discarding = false; continue }
                let cleaned = suffix == .tab ? code[...] : Self.stripLineEnds(code)
                if !cleaned.isEmpty || suffix == .tab { pieces.append(.code(Array(cleaned))) }
            } else if buffer.count > maximumLength + terminator.count {
                if !discarding { pieces.append(.overlong(Array(buffer.prefix(maximumLength)))) }
                discarding = true
                buffer.removeAll(keepingCapacity: true)
            }
        }
        return pieces
    }

    private static func stripLineEnds(_ code: [UInt8]) -> ArraySlice<UInt8> {
        var slice = code[...]
        while let first = slice.first, first == 0x0D || first == 0x0A { slice = slice.dropFirst() }
        while let last = slice.last, last == 0x0D || last == 0x0A { slice = slice.dropLast() }
        return slice
    }
}
