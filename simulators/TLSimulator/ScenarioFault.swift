import ReaderProtocol

/// One fault the simulated reader injects, declared in a scenario's optional `faults` list
/// (simulators/scenarios/README.md). Faults are deterministic: each fires once, when its trigger
/// matches for the `occurrence`-th time, counting only requests the reader executes (not
/// retransmissions answered from its duplicate cache, not damaged frames).
public struct ScenarioFault: Sendable, Hashable, Codable {
    public var kind: FaultKind
    /// When the fault strikes; nil = the first request the kind applies to by default.
    public var at: FaultTrigger?
    /// Milliseconds: how long a `stall` or `delayReply` lasts, how long the reader is away after an
    /// `unplug` (default 1000) or silent while it boots after a `reboot` (default 300).
    public var ms: Double?
    /// `heaterFault` and `reboot` during heating: the share of the curve acquired when it strikes
    /// (0…1, default 0.5).
    public var fraction: Double?
    /// Operator-cleared faults (`jam`, `doorOpen`, `heaterFault`, `hvFault`): how long the cause stays
    /// after it appeared, in simulated milliseconds (default 0: the operator has fixed it by the time
    /// the host sends CLEAR_EVENTS). While the cause stays, CLEAR_EVENTS leaves its event latched.
    public var clearAfterMs: Double?
    /// `garbage`: how many noise bytes precede the reply (default 16).
    public var bytes: Int?
    /// `corruptReply`: offset of the wire byte to damage (default: the middle of the reply).
    public var byte: Int?

    public init(kind: FaultKind, at: FaultTrigger? = nil, ms: Double? = nil, fraction: Double? = nil,
                clearAfterMs: Double? = nil, bytes: Int? = nil, byte: Int? = nil) {
        self.kind = kind; self.at = at; self.ms = ms; self.fraction = fraction
        self.clearAfterMs = clearAfterMs; self.bytes = bytes; self.byte = byte
    }

    func validate(_ scenario: Scenario, index: Int) throws(ScenarioError) {
        let field = "faults[\(index)]"
        if let ms, !(ms >= 0 && ms.isFinite) { throw .invalidValue(card: nil, field: field + ".ms", reason: "must be 0 or more") }
        if let f = fraction, !(f >= 0 && f <= 1) { throw .invalidValue(card: nil, field: field + ".fraction", reason: "must be between 0 and 1") }
        if let c = clearAfterMs, !(c >= 0 && c.isFinite) {
            throw .invalidValue(card: nil, field: field + ".clearAfterMs", reason: "must be 0 or more")
        }
        if let b = bytes, !(1...4096).contains(b) { throw .invalidValue(card: nil, field: field + ".bytes", reason: "must be 1 to 4096") }
        if let b = byte, b < 0 { throw .invalidValue(card: nil, field: field + ".byte", reason: "must be 0 or more") }
        guard let at else { return }
        if let card = at.card, !scenario.cards.contains(where: { $0.id == card }) {
            throw .invalidValue(card: nil, field: field + ".at.card", reason: "names card \(card), which is not in the scenario")
        }
        if let e = at.element, !(1...CardGeometry.elementsPerCard).contains(e) {
            throw .invalidValue(card: nil, field: field + ".at.element", reason: "must be 1 to \(CardGeometry.elementsPerCard)")
        }
        if let r = at.request, FaultTrigger.requestNames[r] == nil {
            throw .invalidValue(card: nil, field: field + ".at.request",
                                reason: "'\(r)' is not a request (one of \(FaultTrigger.requestNames.keys.sorted().joined(separator: ", ")))")
        }
        if let n = at.occurrence, n < 1 { throw .invalidValue(card: nil, field: field + ".at.occurrence", reason: "must be 1 or more") }
        if let n = at.load, n < 1 { throw .invalidValue(card: nil, field: field + ".at.load", reason: "must be 1 or more") }
    }
}

/// What goes wrong.
public enum FaultKind: String, Sendable, Hashable, Codable, CaseIterable {
    // Line faults: the request is executed, its reply suffers.
    /// One bit of the reply is flipped on the wire (the host sees a bad CRC or stuffing).
    case corruptReply
    /// The reply is never sent.
    case dropReply
    /// The reply is sent twice.
    case duplicateReply
    /// The reply is sent `ms` late (after the host has retransmitted: it arrives out of order).
    case delayReply
    /// `bytes` bytes of line noise are sent just before the reply.
    case garbage
    /// The reader stops listening for `ms`: the triggering request and everything sent meanwhile is lost.
    case stall
    // Reader faults.
    /// The heater fails part-way through the read: the element is `interrupted`, `heaterFault` latched.
    case heaterFault
    /// PMT high voltage out of range when a read is asked for: refused with ERROR highVoltageFault, latched.
    case hvFault
    /// The door is opened: the request is refused with ERROR doorOpen, `doorOpen` latched.
    case doorOpen
    /// The card transport jams while loading: the card goes back to the magazine front, `jam` latched.
    case jam
    /// The reader power-cycles (part-way through the heating when a read triggers it): an element being
    /// heated becomes `interrupted`, the session is lost, `powerOnReset` is set, silent for `ms` while booting.
    case reboot
    /// The USB cable is pulled: the reply is lost and the pty server hangs up, then comes back after `ms`
    /// on a new pseudo-terminal (the reader itself keeps running). In memory it only drops the reply.
    case unplug

    /// Faults that latch an event the operator must clear, and the event.
    var latchedEvent: ReaderEvents? {
        switch self {
        case .heaterFault: .heaterFault
        case .hvFault: .highVoltageFault
        case .doorOpen: .doorOpen
        case .jam: .jam
        default: nil
        }
    }

    /// The request a fault of this kind strikes when its trigger names none.
    var defaultRequest: MessageType? {
        switch self {
        case .heaterFault, .hvFault, .reboot, .doorOpen: .readElement
        case .jam: .loadNext
        default: nil
        }
    }
}

/// Where a fault strikes: every given field must match (an absent field matches anything).
public struct FaultTrigger: Sendable, Hashable, Codable {
    /// The card in (or, for LOAD_NEXT, about to enter) the reading position.
    public var card: String?
    /// The element a request is about (READ_ELEMENT, GET_CHUNK, GET_CURVE_INFO, RELEASE_ELEMENT).
    public var element: Int?
    /// The request, by its PROTOCOL.md name in camel case: `status`, `loadNext`, `readElement`, `getChunk`, …
    public var request: String?
    /// Strike at the n-th matching request (default 1).
    public var occurrence: Int?
    /// Only the n-th LOAD_NEXT the reader executes (implies `request: loadNext`).
    public var load: Int?

    public init(card: String? = nil, element: Int? = nil, request: String? = nil, occurrence: Int? = nil, load: Int? = nil) {
        self.card = card; self.element = element; self.request = request; self.occurrence = occurrence; self.load = load
    }

    static let requestNames: [String: MessageType] = [
        "hello": .hello, "identify": .identify, "status": .status, "qc": .qc, "setProfile": .setProfile,
        "getProfile": .getProfile, "clearEvents": .clearEvents, "loadNext": .loadNext, "readElement": .readElement,
        "getCurveInfo": .getCurveInfo, "getChunk": .getChunk, "releaseElement": .releaseElement, "anneal": .anneal,
        "eject": .eject, "abort": .abort,
    ]
}
