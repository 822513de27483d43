/// Why a scenario could not be used. Each case says one thing.
public enum ScenarioError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case malformed(reason: String)
    case unsupportedFormat(Int)
    case invalidCardID(String, reason: String)
    case duplicateCardID(String)
    case unsupportedQuality(card: String, quality: String, supported: [String])
    case invalidValue(card: String?, field: String, reason: String)
    case builtinMissing

    public var description: String {
        switch self {
        case let .unreadable(p, r): "scenario file \(p) cannot be read: \(r)"
        case let .malformed(r): "scenario is not valid JSON of format 1: \(r)"
        case let .unsupportedFormat(f): "scenario format \(f) is not supported (this simulator reads format 1)"
        case let .invalidCardID(id, r): "card ID '\(id)' is invalid: \(r)"
        case let .duplicateCardID(id): "card ID \(id) appears twice in the scenario"
        case let .unsupportedQuality(c, q, s):
            "card \(c): radiation quality '\(q)' is not supported by the simulator (supported: \(s.joined(separator: ", ")))"
        case let .invalidValue(c, f, r): "\(c.map { "card \($0): " } ?? "")field '\(f)' \(r)"
        case .builtinMissing: "the built-in shipment resource builtin-shipment.json is missing from the TLSimulator bundle"
        }
    }
}

/// Why the simulator's state file could not be used or written. Each case says one thing.
public enum StateFileError: Error, Sendable, Hashable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case corrupt(path: String, reason: String)
    case otherScenario(path: String)
    case writeFailed(path: String, step: String, errno: Int32)

    public var description: String {
        switch self {
        case let .unreadable(p, r): "state file \(p) cannot be read: \(r)"
        case let .corrupt(p, r): "state file \(p) is corrupt: \(r)"
        case let .otherScenario(p): "state file \(p) belongs to a different scenario (seed or cards differ); remove it or use another path"
        case let .writeFailed(p, s, e): "state file \(p): \(s) failed (errno \(e))"
        }
    }
}

/// Why the pseudo-terminal server could not start. Each case says one thing.
public enum PtyServerError: Error, Sendable, Hashable, CustomStringConvertible {
    case openMasterFailed(errno: Int32)
    case slaveNameFailed(errno: Int32)
    case configureSlaveFailed(path: String, step: String, errno: Int32)
    case alreadyStarted

    public var description: String {
        switch self {
        case let .openMasterFailed(e): "cannot open a pseudo-terminal master (posix_openpt/grantpt/unlockpt, errno \(e))"
        case let .slaveNameFailed(e): "cannot get the pseudo-terminal slave name (ptsname_r, errno \(e))"
        case let .configureSlaveFailed(p, s, e): "cannot configure pseudo-terminal \(p) as raw: \(s) failed (errno \(e))"
        case .alreadyStarted: "the reader server is already running"
        }
    }
}
