import Logging
import ReaderProtocol

/// Timing and retry rules of the link layer (PROTOCOL.md 3.4).
public struct LinkConfiguration: Sendable, Hashable {
    /// T_reply: how long to wait for the reply after sending a request (protocol: 500 ms).
    public var replyTimeout: Duration
    /// N_retry: retransmissions after the first attempt (protocol: 3, so 4 attempts in all).
    public var maxRetransmissions: Int
    /// The first sequence number used (protocol: any start value).
    public var initialSequence: UInt8

    public init(replyTimeout: Duration = .milliseconds(500), maxRetransmissions: Int = 3, initialSequence: UInt8 = 0) {
        self.replyTimeout = replyTimeout
        self.maxRetransmissions = maxRetransmissions
        self.initialSequence = initialSequence
    }
}

/// What the link has had to cope with since it was made (for logs and tests).
public struct LinkCounters: Sendable, Hashable, CustomStringConvertible {
    /// Requests handed to the link (each counted once however often it was sent).
    public var requests = 0
    /// Frames sent again with the same sequence number and bytes.
    public var retransmissions = 0
    /// NAK replies received.
    public var naks = 0
    /// Received frames that failed a check of PROTOCOL.md 2.3 (CRC, length, stuffing, version, too long).
    public var damagedFrames = 0
    /// Valid frames ignored because they answered another request (old `seq`, or the wrong type).
    public var staleFrames = 0
    /// Attempts that ended with no valid reply within T_reply.
    public var timeouts = 0

    public init() {}

    public var description: String {
        "requests \(requests), retransmissions \(retransmissions), NAKs \(naks), damaged \(damagedFrames), "
            + "stale \(staleFrames), timeouts \(timeouts)"
    }
}

/// Why the last attempt of an exchange failed.
public enum LinkProblem: Sendable, Hashable, CustomStringConvertible {
    case noReply
    case nak(NakReason)
    case damagedReply(FrameError)

    public var description: String {
        switch self {
        case .noReply: "no reply"
        case let .nak(r): "the reader answered NAK (\(r))"
        case let .damagedReply(e): "damaged reply (\(e))"
        }
    }
}

/// Why an exchange failed. Each case says one thing.
public enum ReaderLinkError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No valid reply after the first attempt and every retransmission (PROTOCOL.md 3.4).
    case linkLost(request: MessageType, attempts: Int, lastProblem: LinkProblem)
    /// A reply passed the frame checks but its payload does not parse: the reader broke the protocol.
    case malformedReply(request: MessageType, PayloadError)
    /// The transport failed (device gone, port closed).
    case transport(String)
    /// The task was cancelled while waiting.
    case cancelled

    public var description: String {
        switch self {
        case let .linkLost(r, n, p): "link to the reader lost: \(r) got no valid reply in \(n) attempts (last: \(p))"
        case let .malformedReply(r, e): "the reader's reply to \(r) is malformed: \(e)"
        case let .transport(e): "connection to the reader failed: \(e)"
        case .cancelled: "cancelled while waiting for the reader"
        }
    }
}

/// The link layer of PROTOCOL.md 3: one outstanding request, sequence numbers, T_reply, retransmission
/// of the identical frame on timeout, damaged reply or NAK, and a typed ``ReaderLinkError/linkLost``
/// after N_retry retransmissions.
///
/// Stale replies (another `seq`, or a type that does not answer the request) are ignored. `ERROR` replies
/// are returned as ``Reply/error(_:detail:)``; the session (``TLReader``) gives them meaning.
public actor ReaderLink {
    private let transport: any ByteTransport
    private let configuration: LinkConfiguration
    /// What T_reply is measured on.
    private let clock: AnyClock
    private let logger: Logger
    private var decoder: FrameDecoder
    private var nextSequence: UInt8
    /// The protocol version put in request frames (set after HELLO).
    public private(set) var version: UInt8 = ProtocolLimits.version
    /// Counts of retries, NAKs and damaged frames since the link was made.
    public private(set) var counters = LinkCounters()

    /// Largest read asked of the transport: two maximal wire frames.
    private static let readSize = 2 * (ProtocolLimits.maxEncodedFrame + 1)

    /// - Parameter clock: what T_reply is measured on (a test passes a manual clock).
    public init(transport: any ByteTransport, configuration: LinkConfiguration = .init(),
                supportedVersions: ClosedRange<UInt8> = 1...1, clock: some Clock<Duration> = ContinuousClock(),
                logger: Logger) {
        self.transport = transport
        self.configuration = configuration
        self.clock = AnyClock(clock)
        self.logger = logger
        self.decoder = FrameDecoder(supportedVersions: supportedVersions)
        self.nextSequence = configuration.initialSequence
        self.version = supportedVersions.lowerBound
    }

    /// Sets the version written into request frames (the one HELLO agreed).
    public func useVersion(_ v: UInt8) { version = v }

    /// Sends a request and returns its reply (which may be an `ERROR` reply; never a NAK).
    ///
    /// Retransmits the identical frame, preceded by a lone 0x00 that flushes the reader's receiver
    /// (PROTOCOL.md 2.3 rule 1), when no valid reply came within T_reply, when the reply was damaged, or on
    /// NAK — at most ``LinkConfiguration/maxRetransmissions`` times.
    ///
    /// Calls from several tasks (e.g. an ABORT while a read polls) are queued: one request is outstanding
    /// at a time (PROTOCOL.md 3.1).
    public func exchange(_ request: Request) async throws(ReaderLinkError) -> Reply {
        await acquireTurn()
        defer { releaseTurn() }
        let seq = nextSequence
        nextSequence &+= 1
        counters.requests += 1
        let type = request.messageType
        let wire = Frame(version: version, sequence: seq, type: type.rawValue, payload: request.payload()).encodeForWire()
        var attempts = 0
        while true {
            if attempts > 0 {
                counters.retransmissions += 1
                logger.debug("retransmitting", metadata: ["request": "\(type)", "seq": "\(seq)", "attempt": "\(attempts + 1)"])
            }
            try await send(attempts == 0 ? wire : [0] + wire)
            attempts += 1
            let problem: LinkProblem
            switch try await awaitReply(sequence: seq, request: type) {
            case let .reply(reply): return reply
            case let .problem(p): problem = p
            }
            switch problem {
            case .noReply: counters.timeouts += 1
            case .nak: counters.naks += 1
            case .damagedReply: break
            }
            logger.debug("no valid reply", metadata: ["request": "\(type)", "seq": "\(seq)", "problem": "\(problem)"])
            if attempts > configuration.maxRetransmissions {
                let error = ReaderLinkError.linkLost(request: type, attempts: attempts, lastProblem: problem)
                logger.error("\(error)", metadata: ["counters": "\(counters)"])
                throw error
            }
        }
    }

    /// Closes the transport.
    public func close() async { await transport.close() }

    private enum Outcome { case reply(Reply), problem(LinkProblem) }

    /// True while an exchange owns the line; later callers wait in `turnQueue`, first come first served.
    private var lineBusy = false
    private var turnQueue: [CheckedContinuation<Void, Never>] = []

    private func acquireTurn() async {
        guard lineBusy else {
            lineBusy = true
            return
        }
        await withCheckedContinuation { turnQueue.append($0) }
    }

    private func releaseTurn() {
        if turnQueue.isEmpty { lineBusy = false } else { turnQueue.removeFirst().resume() }
    }

    private func send(_ bytes: [UInt8]) async throws(ReaderLinkError) {
        do { try await transport.write(bytes) } catch { throw Self.map(error) }
    }

    private func awaitReply(sequence seq: UInt8, request: MessageType) async throws(ReaderLinkError) -> Outcome {
        let deadline = clock.now.advanced(by: configuration.replyTimeout)
        while true {
            let remaining = clock.now.duration(to: deadline)
            if remaining <= .zero { return .problem(.noReply) }
            let bytes: [UInt8]
            do { bytes = try await transport.read(maxCount: Self.readSize, timeout: remaining) } catch { throw Self.map(error) }
            if bytes.isEmpty { continue }
            var damage: FrameError?
            for event in decoder.feed(bytes) {
                switch event {
                case let .damaged(error):
                    counters.damagedFrames += 1
                    logger.debug("damaged frame", metadata: ["error": "\(error)"])
                    damage = damage ?? error
                case let .frame(frame):
                    let isNAK = frame.type == MessageType.nak
                    // A NAK echoes the damaged frame's seq byte, which may itself be damaged, or 0 when it
                    // could not be read (PROTOCOL.md 3.3). With one outstanding request every NAK is about
                    // it; a needless retransmission is harmless because the reader answers it from its cache.
                    guard frame.sequence == seq || isNAK else {
                        counters.staleFrames += 1
                        logger.debug("stale frame ignored", metadata: ["seq": "\(frame.sequence)", "awaiting": "\(seq)"])
                        continue
                    }
                    guard isNAK || frame.type == MessageType.error || frame.type == request.replyType else {
                        counters.staleFrames += 1
                        logger.debug("reply of another type ignored", metadata: ["type": "0x\(hex(frame.type))"])
                        continue
                    }
                    let reply: Reply
                    do { reply = try Reply(frame: frame) } catch { throw .malformedReply(request: request, error) }
                    if case let .nak(reason) = reply {
                        logger.notice("NAK from reader", metadata: ["request": "\(request)", "reason": "\(reason)"])
                        return .problem(.nak(reason))
                    }
                    return .reply(reply)
                }
            }
            if let damage { return .problem(.damagedReply(damage)) }
        }
    }

    private static func map(_ error: any Error) -> ReaderLinkError {
        if error is CancellationError { return .cancelled }
        return .transport("\(error)")
    }
}
