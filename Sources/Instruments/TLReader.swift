import Logging
import ReaderProtocol

/// What ``TLReader/connect()`` learned about the reader.
public struct ReaderConnection: Sendable, Hashable {
    /// The protocol version both sides use.
    public var protocolVersion: UInt8
    public var identity: ReaderIdentity
    /// The reader's current time-temperature profile.
    public var profile: TimeTemperatureProfile
    /// STATUS at connect: tells whether a card is loaded and which elements are still buffered (resume).
    public var status: ReaderStatus
}

/// A session with a TL card reader (PROTOCOL.md 4–6).
///
/// The reader never releases a curve by itself: ``readElement(_:reread:)`` returns a reading that is
/// still buffered in the reader, and the caller calls ``release(element:)`` only after it stored the
/// reading durably. ``readMagazine(into:annealAfterReading:recoveries:progress:)`` runs the whole batch that way.
///
/// ```swift
/// let reader = TLReader(transport: port, logger: logger)
/// let hello = try await reader.connect()
/// if case .loaded(let card, _) = try await reader.loadNext(),
///    case .read(let reading) = try await reader.readElement(1) {
///     try await store(reading)
///     try await reader.release(element: 1)
/// }
/// ```
public actor TLReader {
    public nonisolated let configuration: TLReaderConfiguration
    private let link: ReaderLink
    /// What T_poll, T_op and (in the link) T_reply are measured on.
    private let clock: AnyClock
    let logger: Logger
    /// IDENTIFY's answer, once connected.
    public private(set) var identity: ReaderIdentity?
    /// The agreed protocol version, once connected.
    public private(set) var protocolVersion: UInt8?
    /// The profile the reader was last known to use (GET_PROFILE at connect, or the last SET_PROFILE).
    public private(set) var profile: TimeTemperatureProfile?

    /// - Parameter clock: what the session's polls and timeouts run on: the real clock by default, a
    ///   manual clock in tests (time then passes only when the test says so).
    public init(transport: any ByteTransport, configuration: TLReaderConfiguration = .init(),
                clock: some Clock<Duration> = ContinuousClock(), logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.clock = AnyClock(clock)
        self.link = ReaderLink(transport: transport, configuration: configuration.link,
                               supportedVersions: configuration.supportedVersions, clock: self.clock, logger: logger)
    }

    /// Link statistics (retransmissions, NAKs, damaged frames).
    public func linkCounters() async -> LinkCounters { await link.counters }

    /// Closes the transport.
    public func close() async { await link.close() }

    // MARK: session

    /// Opens the session: HELLO (version negotiation), IDENTIFY, GET_PROFILE, STATUS.
    /// - Throws: ``TLReaderError/noCommonVersion(host:readerMax:)`` when the reader speaks no version of ours.
    @discardableResult
    public func connect() async throws(TLReaderError) -> ReaderConnection {
        let range = configuration.supportedVersions
        let version: UInt8
        do throws(TLReaderError) {
            let reply = try await call(.hello(minVersion: range.lowerBound, maxVersion: range.upperBound))
            guard case let .hello(v, readerMax) = reply else { throw unexpected(.hello, reply) }
            guard range.contains(v) else { throw TLReaderError.noCommonVersion(host: range, readerMax: readerMax) }
            version = v
        } catch {
            if error.readerErrorCode == .unsupportedVersion { throw .noCommonVersion(host: range, readerMax: nil) }
            throw error
        }
        await link.useVersion(version)
        protocolVersion = version
        let idReply = try await call(.identify)
        guard case let .identify(id) = idReply else { throw unexpected(.identify, idReply) }
        identity = id
        let profileReply = try await call(.getProfile)
        guard case let .profile(p, _) = profileReply else { throw unexpected(.getProfile, profileReply) }
        profile = p
        let st = try await status()
        logger.info("connected to reader", metadata: [
            "model": "\(id.model)", "serial": "\(id.serial)", "firmware": "\(id.firmware)",
            "protocol": "\(version)", "state": "\(st.state)", "events": "\(st.events)",
        ])
        return ReaderConnection(protocolVersion: version, identity: id, profile: p, status: st)
    }

    /// STATUS: reader state, latched events, magazine, loaded card and its element states.
    public func status() async throws(TLReaderError) -> ReaderStatus {
        let reply = try await call(.status)
        guard case let .status(s) = reply else { throw unexpected(.status, reply) }
        return s
    }

    /// QC: PMT dark counts, reference light, high voltage and heater temperature.
    public func qc() async throws(TLReaderError) -> QCMeasurement {
        let reply = try await call(.qc)
        guard case let .qc(q) = reply else { throw unexpected(.qc, reply) }
        return q
    }

    /// SET_PROFILE; returns the profile as the reader accepted it.
    /// - Throws: the reader's `badPayload` (values out of range) or `invalidState` (a read is running).
    @discardableResult
    public func setProfile(_ newProfile: TimeTemperatureProfile) async throws(TLReaderError) -> TimeTemperatureProfile {
        let reply = try await call(.setProfile(newProfile))
        guard case let .profile(p, _) = reply else { throw unexpected(.setProfile, reply) }
        profile = p
        return p
    }

    /// CLEAR_EVENTS: clears the latched events in `mask` (after the operator fixed a fault) and returns
    /// the events still latched.
    @discardableResult
    public func clearEvents(_ mask: ReaderEvents) async throws(TLReaderError) -> ReaderEvents {
        let reply = try await call(.clearEvents(mask))
        guard case let .eventsCleared(e) = reply else { throw unexpected(.clearEvents, reply) }
        return e
    }

    // MARK: cards

    /// LOAD_NEXT, then polls STATUS every T_poll until a card is in the reading position.
    /// - Returns: the card's ID, or ``LoadResult/magazineEmpty`` when no card is left.
    /// - Throws: ``TLReaderError/fault(_:state:during:)`` on a jam or another fault event.
    public func loadNext() async throws(TLReaderError) -> LoadResult {
        do throws(TLReaderError) {
            let reply = try await call(.loadNext)
            guard case .started(.loadNext) = reply else { throw unexpected(.loadNext, reply) }
        } catch {
            if error.readerErrorCode == .magazineEmpty { return .magazineEmpty }
            throw error
        }
        let during = "loading a card"
        let st = try await poll(during, timeout: configuration.operationTimeout) { $0.state != .loading }
        if st.state == .cardLoaded, !st.cardID.isEmpty {
            logger.info("card loaded", metadata: ["card": "\(st.cardID)", "elements": "\(st.elementStates.count)"])
            return .loaded(cardID: st.cardID, status: st)
        }
        if st.state == .idle, st.events.contains(.magazineEmpty) { return .magazineEmpty }
        throw .unexpectedState(st.state, during: during)
    }

    /// EJECT, then polls STATUS until the reader is idle.
    /// - Throws: the reader's `unreleasedData` while an element is still buffered.
    public func eject() async throws(TLReaderError) {
        let reply = try await call(.eject)
        guard case .started(.eject) = reply else { throw unexpected(.eject, reply) }
        let st = try await poll("ejecting", timeout: configuration.operationTimeout) { $0.state != .ejecting }
        guard st.state == .idle else { throw .unexpectedState(st.state, during: "ejecting") }
    }

    /// ANNEAL (the in-reader anneal of the loaded card), then polls STATUS until the card is back in
    /// the reading position.
    public func anneal() async throws(TLReaderError) {
        let reply = try await call(.anneal)
        guard case .started(.anneal) = reply else { throw unexpected(.anneal, reply) }
        let st = try await poll("annealing", timeout: configuration.operationTimeout) { $0.state != .annealing }
        guard st.state == .cardLoaded else { throw .unexpectedState(st.state, during: "annealing") }
    }

    /// ABORT: stops a running operation. An element being heated becomes `interrupted` (its signal is gone).
    /// - Returns: the reader state after the abort.
    @discardableResult
    public func abort() async throws(TLReaderError) -> ReaderState {
        let reply = try await call(.abort)
        guard case let .aborted(state) = reply else { throw unexpected(.abort, reply) }
        logger.notice("operation aborted", metadata: ["state": "\(state)"])
        return state
    }

    /// Polls STATUS until no long operation runs (state `idle` or `cardLoaded`), e.g. after a reconnect
    /// while the reader was still heating. A heating element ends `buffered` (or `interrupted`).
    public func waitUntilSettled() async throws(TLReaderError) -> ReaderStatus {
        try await poll("waiting for the reader to finish its operation", timeout: configuration.operationTimeout) {
            $0.state == .idle || $0.state == .cardLoaded
        }
    }

    // MARK: elements

    /// READ_ELEMENT, then streams the curve with GET_CHUNK while the element is heated (waiting T_poll
    /// whenever the next channels are not yet acquired), then GET_CURVE_INFO, and verifies the channel
    /// count and the CRC-32 over the collected channels, fetching the curve again on a mismatch.
    ///
    /// Does **not** release the element: call ``release(element:)`` after the reading is stored.
    /// - Parameters:
    ///   - element: element position, 1-based.
    ///   - reread: heat an element that was already read, to measure its residual signal.
    /// - Returns: ``ElementOutcome/read(_:)``, or ``ElementOutcome/lost(reason:)`` when the heating was
    ///   interrupted (the signal is gone).
    /// - Throws: ``TLReaderError/fault(_:state:during:)`` when a fault event is latched before heating; the
    ///   reader's `elementAlreadyRead`, `elementAbsent`, `unreleasedData`, `noCard`; link errors.
    public func readElement(_ element: Int, reread: Bool = false) async throws(TLReaderError) -> ElementOutcome {
        try requireSession()
        let e = try elementByte(element)
        let during = "reading element \(element)"
        let before = try await status()
        try checkFaults(before, during: during)
        guard before.state == .cardLoaded, !before.cardID.isEmpty else { throw .unexpectedState(before.state, during: during) }
        let reply = try await call(.readElement(e, reread: reread))
        guard case let .readStarted(started) = reply, started.element == e else { throw unexpected(.readElement, reply) }
        logger.debug("heating", metadata: ["card": "\(before.cardID)", "element": "\(element)",
                                           "channels": "\(started.channels)", "expectedMs": "\(started.expectedMilliseconds)"])
        let deadline = clock.now.advanced(by: .milliseconds(started.expectedMilliseconds) + configuration.operationTimeout)
        let total = Int(started.channels)
        var channels: [CurveChannel] = []
        channels.reserveCapacity(total)

        while channels.count < total {
            let want = UInt8(min(Int(configuration.chunkChannels), total - channels.count))
            switch try await chunkWhileHeating(e, first: channels.count, max: want) {
            case let .chunk(chunk):
                try checkChunk(chunk, element: e, first: channels.count, total: total)
                channels.append(contentsOf: chunk.channels)
            case let .wait(info):
                if let info, info.state == .interrupted { return try await lost(element, card: before.cardID) }
                if let info, info.state != .heating, info.state != .buffered {
                    throw .unexpectedElementState(element: element, info.state, during: during)
                }
                if clock.now > deadline { throw .operationTimedOut(during, after: configuration.operationTimeout) }
                try await pause()
            }
        }
        var info = try await curveInfo(e)
        while info.state == .heating {
            if clock.now > deadline { throw .operationTimedOut(during, after: configuration.operationTimeout) }
            try await pause()
            info = try await curveInfo(e)
        }
        if info.state == .interrupted { return try await lost(element, card: before.cardID) }
        guard info.state == .buffered else { throw .unexpectedElementState(element: element, info.state, during: during) }
        return .read(try await verified(element, card: before.cardID, info: info, channels: channels,
                                        announced: total, residual: reread))
    }

    /// Fetches a curve that is already **buffered** in the reader (after a crash or reconnect): GET_CURVE_INFO,
    /// GET_CHUNK for every channel, verification as in ``readElement(_:reread:)``. Does not heat.
    /// - Returns: ``ElementOutcome/lost(reason:)`` when the element is `interrupted`.
    /// - Throws: ``TLReaderError/unexpectedElementState(element:_:during:)`` when the element is neither
    ///   buffered nor interrupted.
    public func fetchBufferedCurve(element: Int) async throws(TLReaderError) -> ElementOutcome {
        try requireSession()
        let e = try elementByte(element)
        let st = try await status()
        let info = try await curveInfo(e)
        switch info.state {
        case .buffered:
            let channels = try await fetchAll(e, count: Int(info.channels))
            return .read(try await verified(element, card: st.cardID, info: info, channels: channels,
                                            announced: nil, residual: false))
        case .interrupted:
            return try await lost(element, card: st.cardID)
        default:
            throw .unexpectedElementState(element: element, info.state, during: "fetching a buffered curve")
        }
    }

    /// RELEASE_ELEMENT: tells the reader the curve is stored, so it may drop it. Call only after the
    /// reading is in durable storage.
    public func release(element: Int) async throws(TLReaderError) {
        let e = try elementByte(element)
        let reply = try await call(.releaseElement(e))
        guard case let .released(re, state) = reply, re == e else { throw unexpected(.releaseElement, reply) }
        guard state == .released else {
            throw .unexpectedElementState(element: element, state, during: "releasing")
        }
        logger.debug("released", metadata: ["element": "\(element)"])
    }

    /// GET_CURVE_INFO for one element.
    public func curveInfo(element: Int) async throws(TLReaderError) -> CurveInfo {
        try await curveInfo(try elementByte(element))
    }

    // MARK: internals

    /// One exchange; `ERROR` replies become ``TLReaderError/reader(_:detail:request:)``.
    private func call(_ request: Request) async throws(TLReaderError) -> Reply {
        let reply: Reply
        do throws(ReaderLinkError) {
            reply = try await link.exchange(request)
        } catch {
            throw .link(error)
        }
        switch reply {
        case let .error(code, detail):
            logger.debug("reader error", metadata: ["request": "\(request.messageType)", "code": "\(code)", "detail": "\(detail)"])
            throw .reader(code, detail: detail, request: request.messageType)
        case let .unknownError(code, detail):
            throw .unknownReaderError(code: code, detail: detail, request: request.messageType)
        default:
            return reply
        }
    }

    private func unexpected(_ request: MessageType, _ reply: Reply) -> TLReaderError {
        .unexpectedReply(request: request, reply: "\(reply)")
    }

    /// Element reads record the reader's serial and profile: they need ``connect()`` first.
    private func requireSession() throws(TLReaderError) {
        guard identity != nil, profile != nil else { throw .notConnected }
    }

    private func elementByte(_ element: Int) throws(TLReaderError) -> UInt8 {
        guard element >= 1, element <= 255 else { throw .elementOutOfRange(element) }
        if let n = identity?.elementsPerCard, element > Int(n) { throw .elementOutOfRange(element) }
        return UInt8(element)
    }

    private func curveInfo(_ e: UInt8) async throws(TLReaderError) -> CurveInfo {
        let reply = try await call(.getCurveInfo(element: e))
        guard case let .curveInfo(info) = reply, info.element == e else { throw unexpected(.getCurveInfo, reply) }
        return info
    }

    private enum ChunkStep { case chunk(CurveChunk), wait(CurveInfo?) }

    /// GET_CHUNK while heating: `notYetAvailable` (or another refusal) means "look at the element and wait".
    private func chunkWhileHeating(_ e: UInt8, first: Int, max: UInt8) async throws(TLReaderError) -> ChunkStep {
        do throws(TLReaderError) {
            let reply = try await call(.getChunk(element: e, firstChannel: UInt16(first), maxChannels: max))
            guard case let .chunk(chunk) = reply else { throw unexpected(.getChunk, reply) }
            if chunk.channels.isEmpty { return .wait(nil) }
            return .chunk(chunk)
        } catch {
            if error.readerErrorCode == .notYetAvailable { return .wait(try await curveInfo(e)) }
            guard case .reader = error else { throw error }
            // The reader refused for another reason (e.g. the heater failed): an interrupted element is
            // lost; anything else is the error itself.
            let info = try await curveInfo(e)
            if info.state == .interrupted { return .wait(info) }
            throw error
        }
    }

    private func checkChunk(_ chunk: CurveChunk, element e: UInt8, first: Int, total: Int) throws(TLReaderError) {
        guard chunk.element == e, Int(chunk.firstChannel) == first, first + chunk.channels.count <= total else {
            throw .unexpectedReply(request: .getChunk, reply: "chunk of element \(chunk.element) from channel "
                + "\(chunk.firstChannel) with \(chunk.channels.count) channels, asked for element \(e) from \(first)")
        }
    }

    /// All channels of a buffered curve.
    private func fetchAll(_ e: UInt8, count: Int) async throws(TLReaderError) -> [CurveChannel] {
        var channels: [CurveChannel] = []
        channels.reserveCapacity(count)
        while channels.count < count {
            let want = UInt8(min(Int(configuration.chunkChannels), count - channels.count))
            let reply = try await call(.getChunk(element: e, firstChannel: UInt16(channels.count), maxChannels: want))
            guard case let .chunk(chunk) = reply, !chunk.channels.isEmpty else { throw unexpected(.getChunk, reply) }
            try checkChunk(chunk, element: e, first: channels.count, total: count)
            channels.append(contentsOf: chunk.channels)
        }
        return channels
    }

    /// Checks channel count and CRC-32; on a mismatch fetches the whole curve again, up to
    /// ``TLReaderConfiguration/curveFetchAttempts`` fetches in all.
    private func verified(_ element: Int, card: String, info firstInfo: CurveInfo, channels firstChannels: [CurveChannel],
                          announced: Int?, residual: Bool) async throws(TLReaderError) -> ElementReading {
        let e = UInt8(element)
        var info = firstInfo
        var channels = firstChannels
        var attempt = 1
        while true {
            let problem: String?
            if let announced, Int(info.channels) != announced {
                problem = "reader announced \(announced) channels but reports \(info.channels)"
            } else if channels.count != Int(info.channels) {
                problem = "collected \(channels.count) channels, reader reports \(info.channels)"
            } else {
                let crc = CRC32ISOHDLC.curveChecksum(channels)
                problem = crc == info.curveCRC32 ? nil
                    : "CRC-32 of the collected channels is 0x\(hex32(crc)), reader reports 0x\(hex32(info.curveCRC32))"
            }
            guard let problem else { break }
            logger.warning("curve failed verification", metadata: ["card": "\(card)", "element": "\(element)",
                                                                    "attempt": "\(attempt)", "problem": "\(problem)"])
            guard attempt < configuration.curveFetchAttempts else {
                throw .curveVerificationFailed(element: element, attempts: attempt, reason: problem)
            }
            attempt += 1
            info = try await curveInfo(e)
            guard info.state == .buffered else {
                throw .unexpectedElementState(element: element, info.state, during: "fetching the curve again")
            }
            channels = try await fetchAll(e, count: Int(info.channels))
        }
        return ElementReading(
            cardID: card, element: element, channels: channels, channelMicroseconds: info.channelMicroseconds,
            pmtDarkCountsPerSecond: info.pmtDarkCountsPerSecond, heaterMaxDeciCelsius: info.heaterMaxDeciCelsius,
            curveCRC32: info.curveCRC32, profile: profile ?? .lifMgTiDefault, readerSerial: identity?.serial ?? "",
            isResidualRead: residual)
    }

    /// The outcome of an interrupted element, with the events that explain it.
    private func lost(_ element: Int, card: String) async throws(TLReaderError) -> ElementOutcome {
        let st = try await status()
        // Only the events that explain an interrupted heating: a latched `powerOnReset` from the
        // reader's start (or `magazineEmpty`…) is stale here and would mislead the operator.
        let causes = st.events.intersection(ReaderEvents.faults.union(.temperatureDeviation))
        let reason = causes.isEmpty
            ? "heating interrupted; the signal is gone"
            : "heating interrupted (\(causes)); the signal is gone"
        logger.warning("element lost", metadata: ["card": "\(card)", "element": "\(element)", "reason": "\(reason)"])
        return .lost(reason: reason)
    }

    private func checkFaults(_ st: ReaderStatus, during: String) throws(TLReaderError) {
        if st.state == .fault || !st.events.isDisjoint(with: .faults) {
            throw .fault(st.events.intersection(.faults), state: st.state, during: during)
        }
    }

    /// Polls STATUS every T_poll until `done`, a fault, or `timeout`.
    private func poll(_ during: String, timeout: Duration,
                      until done: (ReaderStatus) -> Bool) async throws(TLReaderError) -> ReaderStatus {
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let st = try await status()
            try checkFaults(st, during: during)
            if done(st) { return st }
            if clock.now > deadline { throw .operationTimedOut(during, after: timeout) }
            try await pause()
        }
    }

    /// Sleeps T_poll; cancellation ends the wait with ``ReaderLinkError/cancelled``.
    private func pause() async throws(TLReaderError) {
        do { try await clock.sleep(for: configuration.pollInterval) } catch { throw .link(.cancelled) }
    }
}

/// Eight-digit uppercase hex of a 32-bit value.
func hex32(_ v: UInt32) -> String {
    (0..<4).reversed().map { hex(UInt8(truncatingIfNeeded: v >> (8 * UInt32($0)))) }.joined()
}
