/// What the scanner sends after each code in serial mode (its "suffix" setting).
public enum ScanSuffix: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Carriage return, 0x0D (most scanners' default).
    case cr
    /// Line feed, 0x0A.
    case lf
    /// CR LF.
    case crlf
    /// Horizontal tab, 0x09.
    case tab

    /// The bytes.
    public var bytes: [UInt8] {
        switch self {
        case .cr: [0x0D]
        case .lf: [0x0A]
        case .crlf: [0x0D, 0x0A]
        case .tab: [0x09]
        }
    }

    public var description: String { rawValue.uppercased() }
}
