import Instruments
import ReaderProtocol

/// A small model of the TL reader that answers protocol v1 over a ``MemoryTransport``: enough state for
/// the driver tests (magazine, loaded card, time-based heating, buffered curves, latched events) and the
/// seq+CRC reply cache of PROTOCOL.md 3.2 that makes retransmission idempotent.
///
/// It is deliberately not the simulator: no physics, curves are a fixed function of card and element.
actor FakeReader {
    struct Card: Sendable {
        var id: String
        var elements: [ElementState]
        init(_ id: String, _ elements: [ElementState] = Array(repeating: .notRead, count: 4)) {
            self.id = id; self.elements = elements
        }
    }
    struct Key: Hashable, Sendable, CustomStringConvertible {
        var card: String
        var element: Int
        var description: String { "\(card)#\(element)" }
    }

    // MARK: knobs
    var channelTime: Duration = .microseconds(40)
    var operationTime: Duration = .milliseconds(3)
    var readerVersions: ClosedRange<UInt8> = 1...1
    /// GET_CHUNK replies of this element whose first channel is corrupted (a reader memory fault:
    /// frame CRC fine, curve CRC-32 wrong), counted down per chunk served.
    var corruptChunks: [Key: Int] = [:]
    /// Heating of this element stops at the given channel and latches these events.
    var interruptions: [Key: (channel: Int, events: ReaderEvents)] = [:]
    /// The next LOAD_NEXT jams.
    var jamOnNextLoad = false
    /// The reader power-cycles just after it starts heating this element (once): the heating is cut off.
    var rebootOnceHeating: Key?

    // MARK: state (as the reader keeps it in non-volatile memory)
    private(set) var magazine: [Card]
    private(set) var loaded: Card?
    private(set) var state: ReaderState = .idle
    private(set) var events: ReaderEvents = []
    private(set) var profile = TimeTemperatureProfile.lifMgTiDefault
    private var initialised = false
    private var operationEnds: AnyClock.Instant?
    private var heatingSince: AnyClock.Instant?
    private var heatingElement: Int?
    private var partial: [Key: Int] = [:]
    private var lastRequest: (seq: UInt8, frame: [UInt8], reply: [UInt8])?
    /// What heating and long operations take time on.
    private let clock: AnyClock

    // MARK: records
    private(set) var executed: [Request] = []
    private(set) var replays = 0
    private(set) var naksSent = 0
    private(set) var heats: [Key: Int] = [:]
    private(set) var releases: [Key] = []
    /// Channels sent in GET_CHUNK replies, per element (a curve fetched twice counts twice).
    private(set) var servedChannels: [Key: Int] = [:]
    private(set) var ejected: [Card] = []

    init(magazine: [Card], loaded: Card? = nil, clock: some Clock<Duration> = ContinuousClock()) {
        self.clock = AnyClock(clock)
        self.magazine = magazine
        self.loaded = loaded
        if loaded != nil { state = .cardLoaded }
    }

    func set(_ body: @Sendable (isolated FakeReader) -> Void) { body(self) }

    /// The curve the reader holds for an element: a fixed function of card and element.
    nonisolated static func curve(card: String, element: Int, channels: Int) -> [CurveChannel] {
        let seed = card.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF }
        return (0..<channels).map { i in
            let d = i - channels * 3 / 5
            let peak = max(0, 4000 - d * d)
            return CurveChannel(counts: UInt32(peak * element + (i * 7 + seed) % 13 + 20),
                                temperatureDeciCelsius: Int16(500 + i * 2500 / max(1, channels)))
        }
    }

    /// Serves one connection until it is closed or cut.
    func serve(_ transport: MemoryTransport) async {
        var decoder = FrameDecoder()
        while true {
            let bytes: [UInt8]
            do { bytes = try await transport.read(maxCount: 4096, timeout: .seconds(10)) } catch { return }
            for event in decoder.feed(bytes) {
                let out = respond(to: event)
                do { try await transport.write(out) } catch { return }
            }
        }
    }

    /// A reboot: the session is gone, a heating element is interrupted (PROTOCOL.md 6).
    func reboot() {
        advance()
        initialised = false
        lastRequest = nil
        events.insert(.powerOnReset)
        if let e = heatingElement, var card = loaded {
            card.elements[e - 1] = .interrupted
            loaded = card
            heatingElement = nil
            state = .cardLoaded
        }
    }

    // MARK: protocol

    private func respond(to event: FrameDecoder.Event) -> [UInt8] {
        switch event {
        case let .damaged(error):
            naksSent += 1
            return Reply.nak(error.nakReason).frame(sequence: error.sequence ?? 0).encodeForWire()
        case let .frame(frame):
            let raw = frame.encodedFrame()
            if let last = lastRequest, last.seq == frame.sequence, last.frame == raw {
                replays += 1
                return last.reply
            }
            let reply = handle(frame).frame(sequence: frame.sequence).encodeForWire()
            lastRequest = (frame.sequence, raw, reply)
            if let key = rebootOnceHeating, heatingElement == key.element, loaded?.id == key.card {
                rebootOnceHeating = nil
                reboot()
            }
            return reply
        }
    }

    private func handle(_ frame: Frame) -> Reply {
        let request: Request
        do { request = try Request(frame: frame) } catch {
            if case .unknownMessageType = error { return .error(.unknownCommand, detail: "") }
            return .error(.badPayload, detail: "\(error)")
        }
        advance()
        if case let .hello(lo, hi) = request {
            let v = min(hi, readerVersions.upperBound)
            guard v >= max(lo, readerVersions.lowerBound) else { return .error(.unsupportedVersion, detail: "") }
            initialised = true
            executed.append(request)
            return .hello(version: v, readerMaxVersion: readerVersions.upperBound)
        }
        guard initialised else { return .error(.notInitialised, detail: "send HELLO first") }
        executed.append(request)
        switch request {
        case .hello: return .error(.unknownCommand, detail: "")
        case .identify:
            return .identify(ReaderIdentity(model: "FAKE-TL", firmware: "0.1", serial: "FK0001", elementsPerCard: 4, maxChannels: 4096))
        case .status:
            return .status(ReaderStatus(
                state: state, events: events, magazineRemaining: UInt16(magazine.count), cardID: loaded?.id ?? "",
                elementStates: loaded?.elements ?? [], heaterDeciCelsius: heatingElement == nil ? 250 : 1500))
        case .qc:
            return .qc(QCMeasurement(pmtDarkCountsPerSecond: 12, referenceLightCounts: 50_000, highVoltageVolts: 800, heaterDeciCelsius: 250))
        case let .setProfile(p):
            guard state == .idle || state == .cardLoaded else { return .error(.invalidState, detail: "operation running") }
            if let problem = p.validationProblem { return .error(.badPayload, detail: problem) }
            profile = p
            return .profile(p, for: .setProfile)
        case .getProfile: return .profile(profile, for: .getProfile)
        case let .clearEvents(mask):
            events.subtract(mask)
            return .eventsCleared(events)
        case .loadNext:
            guard state == .idle || state == .cardLoaded else { return .error(.busy, detail: "") }
            guard loaded == nil else { return .error(.invalidState, detail: "a card is in the reading position") }
            guard !magazine.isEmpty else {
                events.insert(.magazineEmpty)
                return .error(.magazineEmpty, detail: "")
            }
            state = .loading
            operationEnds = clock.now.advanced(by: operationTime)
            return .started(.loadNext)
        case let .readElement(e, reread):
            guard var card = loaded else { return .error(.noCard, detail: "") }
            guard state == .cardLoaded else { return .error(.busy, detail: "") }
            let i = Int(e)
            guard (1...card.elements.count).contains(i) else { return .error(.elementOutOfRange, detail: "") }
            if card.elements.contains(.buffered) { return .error(.unreleasedData, detail: "") }
            switch card.elements[i - 1] {
            case .notRead: break
            case .released, .interrupted:
                guard reread else { return .error(.elementAlreadyRead, detail: "") }
            case .absent: return .error(.elementAbsent, detail: "")
            case .heating, .buffered: return .error(.invalidState, detail: "")
            }
            heats[Key(card: card.id, element: i), default: 0] += 1
            card.elements[i - 1] = .heating
            loaded = card
            state = .heating
            heatingElement = i
            heatingSince = clock.now
            let ms = UInt32((channelTime * Int(profile.channels)) / .milliseconds(1))
            return .readStarted(ReadStarted(element: e, channels: profile.channels, expectedMilliseconds: ms))
        case let .getCurveInfo(e):
            guard let card = loaded else { return .error(.noCard, detail: "") }
            let i = Int(e)
            guard (1...card.elements.count).contains(i) else { return .error(.elementOutOfRange, detail: "") }
            let key = Key(card: card.id, element: i)
            let st = card.elements[i - 1]
            let n = acquired(key, st)
            let crc = st == .buffered ? CRC32ISOHDLC.curveChecksum(Self.curve(card: card.id, element: i, channels: Int(profile.channels))) : 0
            return .curveInfo(CurveInfo(element: e, state: st, channels: UInt16(n), channelMicroseconds: UInt32(channelTime / .microseconds(1)),
                                        pmtDarkCountsPerSecond: 12, heaterMaxDeciCelsius: profile.maxDeciCelsius, curveCRC32: crc))
        case let .getChunk(e, first, maxChannels):
            guard let card = loaded else { return .error(.noCard, detail: "") }
            let i = Int(e)
            guard (1...card.elements.count).contains(i) else { return .error(.elementOutOfRange, detail: "") }
            let key = Key(card: card.id, element: i)
            let st = card.elements[i - 1]
            guard st == .heating || st == .buffered else { return .error(.invalidState, detail: "element is \(st)") }
            let n = acquired(key, st)
            guard Int(first) < n else {
                return st == .buffered ? .error(.badPayload, detail: "past the end") : .error(.notYetAvailable, detail: "")
            }
            let count = min(Int(maxChannels), n - Int(first))
            var channels = Array(Self.curve(card: card.id, element: i, channels: Int(profile.channels))[Int(first)..<(Int(first) + count)])
            servedChannels[key, default: 0] += count
            if let left = corruptChunks[key], left > 0 {
                corruptChunks[key] = left - 1
                channels[0].counts ^= 0x40
            }
            return .chunk(CurveChunk(element: e, firstChannel: first, channels: channels))
        case let .releaseElement(e):
            guard var card = loaded else { return .error(.noCard, detail: "") }
            let i = Int(e)
            guard (1...card.elements.count).contains(i) else { return .error(.elementOutOfRange, detail: "") }
            guard card.elements[i - 1] == .buffered else { return .error(.invalidState, detail: "element not buffered") }
            card.elements[i - 1] = .released
            loaded = card
            releases.append(Key(card: card.id, element: i))
            return .released(element: e, state: .released)
        case .anneal, .eject:
            guard let card = loaded else { return .error(.noCard, detail: "") }
            guard state == .cardLoaded else { return .error(.busy, detail: "") }
            if card.elements.contains(.buffered) { return .error(.unreleasedData, detail: "") }
            state = request == .anneal ? .annealing : .ejecting
            operationEnds = clock.now.advanced(by: operationTime)
            return .started(request.messageType)
        case .abort:
            if let e = heatingElement, var card = loaded {
                partial[Key(card: card.id, element: e)] = acquired(Key(card: card.id, element: e), .heating)
                card.elements[e - 1] = .interrupted
                loaded = card
                heatingElement = nil
            }
            state = loaded == nil ? .idle : .cardLoaded
            return .aborted(state)
        }
    }

    private func acquired(_ key: Key, _ st: ElementState) -> Int {
        let total = Int(profile.channels)
        switch st {
        case .buffered: return total
        case .interrupted: return partial[key] ?? 0
        case .heating:
            guard let since = heatingSince else { return 0 }
            return min(total, Int(since.duration(to: clock.now) / channelTime))
        default: return 0
        }
    }

    /// Moves long operations forward to now.
    private func advance() {
        let now = clock.now
        if let e = heatingElement, var card = loaded {
            let key = Key(card: card.id, element: e)
            let n = acquired(key, .heating)
            if let cut = interruptions[key], n >= cut.channel {
                partial[key] = cut.channel
                card.elements[e - 1] = .interrupted
                events.formUnion(cut.events)
                heatingElement = nil
                state = .cardLoaded
            } else if n >= Int(profile.channels) {
                card.elements[e - 1] = .buffered
                heatingElement = nil
                state = .cardLoaded
            }
            loaded = card
        }
        guard let end = operationEnds, now >= end else { return }
        operationEnds = nil
        switch state {
        case .loading:
            if jamOnNextLoad {
                jamOnNextLoad = false
                events.insert(.jam)
                state = .fault
            } else {
                loaded = magazine.removeFirst()
                state = .cardLoaded
            }
        case .annealing: state = .cardLoaded
        case .ejecting:
            if let card = loaded { ejected.append(card) }
            loaded = nil
            state = .idle
        default: break
        }
    }
}
