import Foundation  // JSONEncoder for the scenario fingerprint
import ReaderProtocol

/// The simulated TL card reader: the reader side of PROTOCOL.md version 1 as a pure state machine.
///
/// It does no I/O of its own except writing the state file (when given a path): bytes go in with the
/// time they arrived, reply bytes come out. Time only moves when the caller says so, so tests run instantly.
/// A scenario's `faults` (``ScenarioFault``) are injected here, deterministically (ReaderEngine+Faults.swift);
/// without them the reader never fails.
/// ```swift
/// var engine = try ReaderEngine(scenario: try Scenario.builtin(), statePath: nil)
/// let reply = engine.receive(Request.hello(minVersion: 1, maxVersion: 1).frame(sequence: 0).encodeForWire(),
///                            now: .zero)
/// ```
public struct ReaderEngine: Sendable {
    /// How fast element reads and card movements run.
    public enum Pace: Sendable, Hashable {
        /// As the scenario says (`elementMilliseconds`, absent = real time).
        case scenario
        /// The profile's real duration.
        case realTime
        /// Each element read takes this wall time; card movements and anneals scale with it (0 = instant).
        case elementMilliseconds(Double)
    }

    public let scenario: Scenario
    public let physics: ReaderPhysics
    public let statePath: String?
    public let pace: Pace
    /// The last state-file write failure, nil when the last write succeeded.
    public private(set) var persistenceProblem: StateFileError?

    var state: MagazineState
    var decoder = FrameDecoder()
    private var sessionVersion: UInt8?
    private var lastExecuted: ExecutedRequest?
    var operation: ActiveOperation?
    public private(set) var now: SimulatedInstant
    /// Fault injection at run time (see ScenarioFault); inert when the scenario declares no faults.
    var faultRuntime = FaultRuntime()

    private struct ExecutedRequest: Sendable {
        var sequence: UInt8
        var crc: UInt16
        var reply: [UInt8]
    }

    struct ActiveOperation: Sendable {
        var kind: PersistedOperation
        var start: SimulatedInstant
        var wallMilliseconds: Double
        var element: Int = 0
        var read: SynthesizedRead?
        var startPopulations: [Double] = []
        var profile: HeatingProfile?
        /// A heater fault or reboot that strikes part-way through this heating.
        var scheduledFault: ArmedFault?
        /// This load jams when the card arrives (the value: how long the jam stays, ms).
        var jamClearAfterMs: Double?
    }

    /// Real durations of the card transport (a reader moves a card in a second or two).
    static let realLoadMilliseconds = 2000.0
    static let realEjectMilliseconds = 1500.0

    /// Creates the reader. With a `statePath` whose file exists, the reader restarts from it as after a
    /// power cycle (same magazine and loaded card, `heating` → `interrupted`, `powerOnReset` set, session
    /// uninitialised); otherwise it starts with a full magazine. A fresh start also sets `powerOnReset`.
    /// - Throws: ``StateFileError`` when the state file is unreadable, corrupt, from another scenario,
    ///   or cannot be written.
    public init(
        scenario: Scenario, statePath: String? = nil, pace: Pace = .scenario,
        physics: ReaderPhysics = ReaderPhysics(), now: SimulatedInstant = .zero
    ) throws(StateFileError) {
        self.scenario = scenario
        self.physics = physics
        self.statePath = statePath
        self.pace = pace
        self.now = now
        let fingerprint = Self.fingerprint(scenario)
        if let path = statePath, let saved = try StateFile.load(path: path) {
            guard saved.scenarioFingerprint == fingerprint, saved.cards.count == scenario.cards.count,
                  saved.format == MagazineState.currentFormat
            else { throw .otherScenario(path: path) }
            state = saved
            recoverAfterRestart()
        } else {
            state = MagazineState(
                scenarioFingerprint: fingerprint, cards: Self.freshCards(scenario, physics),
                events: ReaderEvents.powerOnReset.rawValue, profile: .lifMgTiDefault)
        }
        if let faults = scenario.faults, !faults.isEmpty, state.faultProgress?.fired.count != faults.count {
            state.faultProgress = FaultProgress(count: faults.count)
        }
        if let path = statePath { try StateFile.store(state, path: path) }
    }

    // MARK: public view

    /// The STATUS the reader would report now.
    public var readerStatus: ReaderStatus {
        let shown = shownCardIndex
        return ReaderStatus(
            state: readerState, events: ReaderEvents(rawValue: state.events),
            magazineRemaining: UInt16(clamping: scenario.cards.count - state.nextCardIndex),
            cardID: shown.map { scenario.cards[$0].id } ?? "",
            elementStates: shown.map { i in (0..<CardGeometry.elementsPerCard).map { state.cards[i].state($0) } } ?? [],
            heaterDeciCelsius: Int16(clamping: Int(((heaterKelvin - 273.15) * 10).rounded())))
    }

    /// The card in the reading position (nil while loading or with none).
    public var loadedCard: ScenarioCard? { shownCardIndex.map { scenario.cards[$0] } }

    /// The profile in use.
    public var profile: TimeTemperatureProfile { state.profile }

    /// Whether a HELLO has been accepted in this session.
    public var isSessionInitialised: Bool { sessionVersion != nil }

    // MARK: bytes in, bytes out

    /// Feeds bytes received from the host at `now` and returns the bytes to send back (zero or more
    /// complete wire frames). Damaged frames get a NAK; complete frames are executed (or answered from
    /// the duplicate cache).
    public mutating func receive(_ bytes: [UInt8], now instant: SimulatedInstant) -> [UInt8] {
        advance(to: instant)
        var out = takeDueOutput()
        if isDeaf(bytes) { return out }
        for event in decoder.feed(bytes) {
            switch event {
            case let .damaged(error):
                out += Reply.nak(error.nakReason).frame(sequence: error.sequence ?? 0).encodeForWire()
            case let .frame(frame):
                out += handle(frame)
            }
        }
        return out
    }

    /// Moves the clock to `instant` (never backwards): heating acquires channels, card movements and
    /// anneals finish.
    public mutating func advance(to instant: SimulatedInstant) {
        if instant > now { now = instant }
        guard let op = operation else { return }
        let elapsed = now.milliseconds(since: op.start)
        if op.kind == .heating {
            if let fault = op.scheduledFault, now >= fault.strikesAt {
                strikeDuringHeating(op, fault)
            } else if acquiredChannels(op) >= op.profile.map(\.channels) ?? 0 { finishHeating() }
        } else if elapsed >= op.wallMilliseconds {
            finishMechanical(op)
        }
    }

    /// Drops a partial frame and the session, as when the host's port is closed and opened again.
    /// (A real reader cannot see this; the pty server does not call it. Provided for transport tests.)
    public mutating func resetReceiver() { decoder.reset() }

    // MARK: frames

    private mutating func handle(_ frame: Frame) -> [UInt8] {
        let bytes = frame.encodedFrame()
        let crc = UInt16(bytes[bytes.count - 2]) << 8 | UInt16(bytes[bytes.count - 1])
        let isHello = frame.type == MessageType.hello.rawValue
        if !isHello, let last = lastExecuted, last.sequence == frame.sequence, last.crc == crc {
            return last.reply
        }
        let firing = scenario.faults == nil ? [] : faultsFiring(frame)
        if !firing.isEmpty, let silenced = faultsBeforeExecution(firing, type: frame.type) { return silenced }
        let boots = faultRuntime.boots
        let reply = execute(frame).frame(sequence: frame.sequence).encodeForWire()
        if faultRuntime.boots != boots { return [] }  // the reader rebooted while executing: no reply
        lastExecuted = isHello ? nil : ExecutedRequest(sequence: frame.sequence, crc: crc, reply: reply)
        return firing.isEmpty ? reply : faultsAfterExecution(firing, type: frame.type, reply: reply)
    }

    private mutating func execute(_ frame: Frame) -> Reply {
        guard let type = MessageType(rawValue: frame.type) else {
            return .error(.unknownCommand, detail: "type 0x\(hex(frame.type)) is not a v1 request")
        }
        if sessionVersion == nil && type != .hello {
            return .error(.notInitialised, detail: "send HELLO first")
        }
        let request: Request
        do { request = try Request(frame: frame) } catch {
            return .error(.badPayload, detail: error.description)
        }
        switch request {
        case let .hello(lo, hi): return hello(lo, hi)
        case .identify:
            return .identify(ReaderIdentity(
                model: scenario.reader.model, firmware: scenario.reader.firmware, serial: scenario.reader.serial,
                elementsPerCard: UInt8(CardGeometry.elementsPerCard), maxChannels: UInt16(ProtocolLimits.maxChannels)))
        case .status: return .status(readerStatus)
        case .qc: return qc()
        case let .setProfile(p): return setProfile(p)
        case .getProfile: return .profile(state.profile, for: .getProfile)
        case let .clearEvents(mask):
            let before = state.events
            state.events &= ~(mask.rawValue & ~persistingCauses)
            if state.events != before { persist() }
            return .eventsCleared(ReaderEvents(rawValue: state.events))
        case .loadNext: return loadNext()
        case let .readElement(e, reread): return readElement(e, reread: reread)
        case let .getCurveInfo(e): return curveInfo(e)
        case let .getChunk(e, first, count): return chunk(e, first: first, max: count)
        case let .releaseElement(e): return release(e)
        case .anneal: return startCardOperation(.annealing)
        case .eject: return startCardOperation(.ejecting)
        case .abort: return abort()
        }
    }

    // MARK: commands

    private mutating func hello(_ lo: UInt8, _ hi: UInt8) -> Reply {
        guard lo <= hi else { return .error(.badPayload, detail: "minVersion above maxVersion") }
        guard (lo...hi).contains(ProtocolLimits.version) else {
            return .error(.unsupportedVersion, detail: "reader speaks version 1 only")
        }
        sessionVersion = ProtocolLimits.version
        return .hello(version: ProtocolLimits.version, readerMaxVersion: ProtocolLimits.version)
    }

    private mutating func qc() -> Reply {
        if let op = operation, op.kind == .heating || op.kind == .annealing {
            return .error(.busy, detail: "heater in use; poll STATUS")
        }
        var g = SplitMix64.stream(seed: scenario.seed, keys: [0x0C, UInt64(state.qcCount)])
        state.qcCount += 1
        persist()
        let dark = Double(g.nextPoisson(mean: physics.darkCountsPerSecond * 10)) / 10
        return .qc(QCMeasurement(
            pmtDarkCountsPerSecond: UInt32(dark.rounded()),
            referenceLightCounts: UInt32(clamping: g.nextPoisson(mean: physics.referenceLightCounts)),
            highVoltageVolts: physics.highVoltageVolts,
            heaterDeciCelsius: Int16(clamping: Int(((heaterKelvin - 273.15) * 10).rounded()))))
    }

    private mutating func setProfile(_ p: TimeTemperatureProfile) -> Reply {
        if let op = operation, op.kind == .heating || op.kind == .annealing {
            return .error(.invalidState, detail: "cannot change the profile while heating")
        }
        if let problem = p.validationProblem { return .error(.badPayload, detail: problem) }
        state.profile = p
        persist()
        return .profile(p, for: .setProfile)
    }

    private mutating func loadNext() -> Reply {
        if operation != nil { return .error(.busy, detail: "\(readerState) in progress; poll STATUS") }
        if let refusal = faultRefusal { return refusal }
        if let loaded = state.loadedCardIndex {
            return .error(.invalidState, detail: "card \(scenario.cards[loaded].id) is loaded; eject it first")
        }
        guard state.nextCardIndex < scenario.cards.count else {
            state.events |= ReaderEvents.magazineEmpty.rawValue
            persist()
            return .error(.magazineEmpty, detail: "no card left in the input magazine")
        }
        state.loadedCardIndex = state.nextCardIndex
        state.nextCardIndex += 1
        operation = ActiveOperation(kind: .loading, start: now, wallMilliseconds: wallMilliseconds(real: Self.realLoadMilliseconds))
        operation?.jamClearAfterMs = faultRuntime.armedJam.take()
        state.operationInProgress = .loading
        persist()
        advance(to: now)
        return .started(.loadNext)
    }

    private mutating func readElement(_ e: UInt8, reread: Bool) -> Reply {
        if operation != nil { return .error(.busy, detail: "\(readerState) in progress; poll STATUS") }
        if let refusal = faultRefusal { return refusal }
        guard let c = state.loadedCardIndex else { return .error(.noCard, detail: "load a card first") }
        guard let i = elementIndex(e) else { return .error(.elementOutOfRange, detail: "card has elements 1-4") }
        if let b = bufferedElement(c) { return .error(.unreleasedData, detail: "element \(b + 1) is buffered") }
        switch state.cards[c].state(i) {
        case .absent: return .error(.elementAbsent, detail: "no pellet in position \(e)")
        case .notRead: break
        case .released, .interrupted:
            guard reread else { return .error(.elementAlreadyRead, detail: "element \(e) was read; use reread") }
        case .heating, .buffered: return .error(.invalidState, detail: "element \(e) is \(state.cards[c].state(i))")
        }
        let profile = HeatingProfile(state.profile)
        let card = scenario.cards[c]
        var g = SplitMix64.stream(seed: scenario.seed, keys: [0x8EAD, fnv1a64(card.id), UInt64(i), UInt64(state.cards[c].readCounts[i])])
        let start = state.cards[c].populations[i]
        let read = GlowCurveSynthesis.read(populations: start, profile: profile, physics: physics, rng: &g)
        let wall = elementWallMilliseconds(profile)
        operation = ActiveOperation(
            kind: .heating, start: now, wallMilliseconds: wall, element: i, read: read, startPopulations: start, profile: profile,
            scheduledFault: faultRuntime.armedHeatingFault.take().map { $0.scheduled(start: now, wallMilliseconds: wall) })
        // Non-volatile memory assumes the worst: if power fails now, the signal is gone.
        state.cards[c].populations[i] = read.remaining
        state.cards[c].readCounts[i] += 1
        state.cards[c].set(i, .heating)
        state.cards[c].curves[i] = HeldCurve(
            counts: [], temperaturesDeciCelsius: [], acquired: 0, channelsExpected: profile.channels,
            channelMicroseconds: read.channelMicroseconds, darkCountsPerSecond: read.darkCountsPerSecond,
            heaterMaxDeciCelsius: Int16(clamping: Int(((profile.preheatKelvin - 273.15) * 10).rounded())), crc32: 0)
        state.operationInProgress = .heating
        persist()
        advance(to: now)
        return .readStarted(ReadStarted(element: e, channels: UInt16(profile.channels), expectedMilliseconds: UInt32(wall.rounded(.up))))
    }

    private func curveInfo(_ e: UInt8) -> Reply {
        guard let c = shownCardIndex else { return .error(.noCard, detail: "no card in the reading position") }
        guard let i = elementIndex(e) else { return .error(.elementOutOfRange, detail: "card has elements 1-4") }
        let elementState = state.cards[c].state(i)
        if let op = operation, op.kind == .heating, op.element == i, let read = op.read {
            let n = acquiredChannels(op)
            let maxT = read.channels.prefix(n).map(\.temperatureDeciCelsius).max() ?? state.cards[c].curves[i]?.heaterMaxDeciCelsius ?? 0
            return .curveInfo(CurveInfo(
                element: e, state: elementState, channels: UInt16(n), channelMicroseconds: read.channelMicroseconds,
                pmtDarkCountsPerSecond: read.darkCountsPerSecond, heaterMaxDeciCelsius: maxT, curveCRC32: 0))
        }
        guard let curve = state.cards[c].curves[i] else {
            return .curveInfo(CurveInfo(element: e, state: elementState, channels: 0, channelMicroseconds: 0,
                                        pmtDarkCountsPerSecond: 0, heaterMaxDeciCelsius: 0, curveCRC32: 0))
        }
        return .curveInfo(CurveInfo(
            element: e, state: elementState, channels: UInt16(clamping: curve.acquired), channelMicroseconds: curve.channelMicroseconds,
            pmtDarkCountsPerSecond: curve.darkCountsPerSecond, heaterMaxDeciCelsius: curve.heaterMaxDeciCelsius,
            curveCRC32: elementState == .buffered ? curve.crc32 : 0))
    }

    private func chunk(_ e: UInt8, first: UInt16, max: UInt8) -> Reply {
        guard let c = shownCardIndex else { return .error(.noCard, detail: "no card in the reading position") }
        guard let i = elementIndex(e) else { return .error(.elementOutOfRange, detail: "card has elements 1-4") }
        let all: [CurveChannel]
        let available: Int
        if let op = operation, op.kind == .heating, op.element == i, let read = op.read {
            all = read.channels
            available = acquiredChannels(op)
        } else if state.cards[c].state(i) == .buffered, let curve = state.cards[c].curves[i] {
            all = curve.channels
            available = all.count
        } else {
            return .error(.invalidState, detail: "element \(e) holds no curve (\(state.cards[c].state(i)))")
        }
        let start = Int(first)
        guard start < all.count else { return .error(.badPayload, detail: "curve has \(all.count) channels") }
        guard start < available else { return .error(.notYetAvailable, detail: "\(available) of \(all.count) channels acquired") }
        let end = Swift.min(available, start + Int(max))
        return .chunk(CurveChunk(element: e, firstChannel: first, channels: Array(all[start..<end])))
    }

    private mutating func release(_ e: UInt8) -> Reply {
        guard let c = shownCardIndex else { return .error(.noCard, detail: "no card in the reading position") }
        guard let i = elementIndex(e) else { return .error(.elementOutOfRange, detail: "card has elements 1-4") }
        switch state.cards[c].state(i) {
        case .buffered:
            state.cards[c].set(i, .released)
            // The reader forgets the channels once the host has them; the summary stays.
            state.cards[c].curves[i]?.counts = []
            state.cards[c].curves[i]?.temperaturesDeciCelsius = []
            persist()
            return .released(element: e, state: .released)
        case .released:
            return .released(element: e, state: .released)
        case let s:
            return .error(.invalidState, detail: "element \(e) is \(s), not buffered")
        }
    }

    private mutating func startCardOperation(_ kind: PersistedOperation) -> Reply {
        if operation != nil { return .error(.busy, detail: "\(readerState) in progress; poll STATUS") }
        if kind == .annealing, let refusal = faultRefusal { return refusal }
        guard let c = state.loadedCardIndex else { return .error(.noCard, detail: "no card in the reading position") }
        if let b = bufferedElement(c) { return .error(.unreleasedData, detail: "element \(b + 1) is buffered") }
        let real = kind == .annealing ? Double(state.profile.annealMilliseconds) : Self.realEjectMilliseconds
        operation = ActiveOperation(kind: kind, start: now, wallMilliseconds: wallMilliseconds(real: real))
        state.operationInProgress = kind
        persist()
        advance(to: now)
        return .started(kind == .annealing ? .anneal : .eject)
    }

    private mutating func abort() -> Reply {
        guard let op = operation else { return .aborted(readerState) }
        switch op.kind {
        case .heating:
            interruptHeating(op, channels: acquiredChannels(op))
        case .loading:
            // The card goes back to the input magazine.
            state.loadedCardIndex = nil
            state.nextCardIndex -= 1
        case .ejecting:
            break  // the card stays in the reading position
        case .annealing:
            annealLoadedCard(seconds: now.milliseconds(since: op.start) / Swift.max(op.wallMilliseconds, 1e-9)
                                * Double(state.profile.annealMilliseconds) / 1000)
        }
        operation = nil
        state.operationInProgress = nil
        persist()
        return .aborted(readerState)
    }

    /// Cuts a heating off after `n` channels: the element is `interrupted`, its traps keep what was not
    /// yet heated, the partial curve's summary stays.
    mutating func interruptHeatingNow(channels n: Int) {
        guard let op = operation, op.kind == .heating else { return }
        interruptHeating(op, channels: n)
        operation = nil
        state.operationInProgress = nil
        persist()
    }

    private mutating func interruptHeating(_ op: ActiveOperation, channels n: Int) {
        guard let c = state.loadedCardIndex, let read = op.read else { return }
        let i = op.element
        state.cards[c].populations[i] = n > 0 ? read.populationsAfterChannel[n - 1] : op.startPopulations
        state.cards[c].set(i, .interrupted)
        let part = Array(read.channels.prefix(n))
        state.cards[c].curves[i] = HeldCurve(
            counts: part.map(\.counts), temperaturesDeciCelsius: part.map(\.temperatureDeciCelsius), acquired: n,
            channelsExpected: read.channels.count, channelMicroseconds: read.channelMicroseconds,
            darkCountsPerSecond: read.darkCountsPerSecond,
            heaterMaxDeciCelsius: part.map(\.temperatureDeciCelsius).max() ?? 0, crc32: 0)
    }

    /// Power fails and comes back at once (a `reboot` fault): what a restart from the state file does,
    /// plus the lost session; deaf while booting.
    mutating func powerCycle(bootMilliseconds: Double) {
        if let op = operation { state.operationInProgress = op.kind }
        operation = nil
        recoverAfterRestart()
        sessionVersion = nil
        lastExecuted = nil
        decoder.reset()
        faultRuntime.rebooted(now: now, bootMilliseconds: bootMilliseconds)
        persist()
    }

    // MARK: time-driven transitions

    private mutating func finishHeating() {
        guard let op = operation, let read = op.read, let c = state.loadedCardIndex else { return }
        let i = op.element
        state.cards[c].set(i, .buffered)
        state.cards[c].curves[i] = HeldCurve(
            counts: read.channels.map(\.counts), temperaturesDeciCelsius: read.channels.map(\.temperatureDeciCelsius),
            acquired: read.channels.count, channelsExpected: read.channels.count,
            channelMicroseconds: read.channelMicroseconds, darkCountsPerSecond: read.darkCountsPerSecond,
            heaterMaxDeciCelsius: read.heaterMaxDeciCelsius, crc32: CRC32ISOHDLC.curveChecksum(read.channels))
        if read.pmtOverrange { state.events |= ReaderEvents.pmtOverrange.rawValue }
        operation = nil
        state.operationInProgress = nil
        persist()
    }

    private mutating func finishMechanical(_ op: ActiveOperation) {
        switch op.kind {
        case .loading:
            if let clearAfter = op.jamClearAfterMs {
                // Jammed on the way in: the operator takes the card out and puts it back in front.
                state.loadedCardIndex = nil
                state.nextCardIndex -= 1
                latchFault(.jam, clearAfterMs: clearAfter)
            }
        case .ejecting: ejectLoadedCard()
        case .annealing: annealLoadedCard(seconds: Double(state.profile.annealMilliseconds) / 1000)
        case .heating: return
        }
        operation = nil
        state.operationInProgress = nil
        persist()
    }

    private mutating func ejectLoadedCard() {
        guard let c = state.loadedCardIndex else { return }
        for i in state.cards[c].curves.indices { state.cards[c].curves[i]?.counts = []; state.cards[c].curves[i]?.temperaturesDeciCelsius = [] }
        state.loadedCardIndex = nil
    }

    /// In-reader anneal: every element held at the anneal temperature; an element never read loses its
    /// signal unrecorded, so it becomes `interrupted`.
    private mutating func annealLoadedCard(seconds: Double) {
        guard let c = state.loadedCardIndex else { return }
        let kelvin = Double(state.profile.annealDeciCelsius) / 10 + 273.15
        for i in 0..<CardGeometry.elementsPerCard where state.cards[c].state(i) != .absent {
            state.cards[c].populations[i] = GlowCurveSynthesis.isothermal(state.cards[c].populations[i], kelvin: kelvin, seconds: seconds)
            if state.cards[c].state(i) == .notRead { state.cards[c].set(i, .interrupted) }
        }
    }

    /// Power came back: resolve what was running, mark the reboot.
    private mutating func recoverAfterRestart() {
        switch state.operationInProgress {
        case .ejecting?: ejectLoadedCard()
        case .annealing?: annealLoadedCard(seconds: Double(state.profile.annealMilliseconds) / 1000)
        case .loading?, .heating?, nil: break
        }
        state.operationInProgress = nil
        for c in state.cards.indices {
            for i in 0..<CardGeometry.elementsPerCard where state.cards[c].state(i) == .heating {
                state.cards[c].set(i, .interrupted)
            }
        }
        state.events |= ReaderEvents.powerOnReset.rawValue
    }

    // MARK: helpers

    var readerState: ReaderState {
        if let op = operation {
            switch op.kind {
            case .loading: return .loading
            case .heating: return .heating
            case .annealing: return .annealing
            case .ejecting: return .ejecting
            }
        }
        if persistingCauses != 0 { return .fault }
        return state.loadedCardIndex == nil ? .idle : .cardLoaded
    }

    /// The loaded card as STATUS shows it: none while it is still being loaded.
    var shownCardIndex: Int? {
        if operation?.kind == .loading { return nil }
        return state.loadedCardIndex
    }

    private var heaterKelvin: Double {
        guard let op = operation else { return physics.ambientKelvin }
        switch op.kind {
        case .heating:
            guard let p = op.profile else { return physics.ambientKelvin }
            return p.heaterKelvin(atSeconds: profileSeconds(op))
        case .annealing: return Double(state.profile.annealDeciCelsius) / 10 + 273.15
        case .loading, .ejecting: return physics.ambientKelvin
        }
    }

    func elementIndex(_ e: UInt8) -> Int? {
        (1...CardGeometry.elementsPerCard).contains(Int(e)) ? Int(e) - 1 : nil
    }

    private func bufferedElement(_ c: Int) -> Int? {
        (0..<CardGeometry.elementsPerCard).first { state.cards[c].state($0) == .buffered }
    }

    /// Profile time reached by a heating operation.
    private func profileSeconds(_ op: ActiveOperation) -> Double {
        guard let p = op.profile else { return 0 }
        if op.wallMilliseconds <= 0 { return p.totalSeconds }
        return Swift.min(1, now.milliseconds(since: op.start) / op.wallMilliseconds) * p.totalSeconds
    }

    func acquiredChannels(_ op: ActiveOperation) -> Int {
        guard let p = op.profile else { return 0 }
        if op.wallMilliseconds <= 0 || now.milliseconds(since: op.start) >= op.wallMilliseconds { return p.channels }
        let t = profileSeconds(op) - p.preheatSeconds
        guard t > 0 else { return 0 }
        return Swift.min(p.channels, Int((t / p.channelSeconds).rounded(.down)))
    }

    private func elementWallMilliseconds(_ p: HeatingProfile) -> Double {
        switch effectivePace {
        case .realTime, .scenario: p.totalSeconds * 1000
        case let .elementMilliseconds(ms): ms
        }
    }

    /// Wall time of a mechanical operation whose real duration is `real`.
    private func wallMilliseconds(real: Double) -> Double {
        switch effectivePace {
        case .realTime, .scenario: return real
        case let .elementMilliseconds(ms):
            let element = HeatingProfile(state.profile).totalSeconds * 1000
            return element > 0 ? real * ms / element : 0
        }
    }

    private var effectivePace: Pace {
        if case .scenario = pace { return scenario.elementMilliseconds.map { .elementMilliseconds($0) } ?? .realTime }
        return pace
    }

    mutating func persist() {
        guard let path = statePath else { return }
        do { try StateFile.store(state, path: path); persistenceProblem = nil } catch { persistenceProblem = error }
    }

    private static func freshCards(_ scenario: Scenario, _ physics: ReaderPhysics) -> [CardRecord] {
        scenario.cards.map { card in
            let present = card.presentElements
            return CardRecord(
                elementStates: (0..<CardGeometry.elementsPerCard).map { present.contains($0 + 1) ? ElementState.notRead.rawValue : ElementState.absent.rawValue },
                populations: (0..<CardGeometry.elementsPerCard).map { i in
                    present.contains(i + 1) ? CardIrradiation.populations(card: card, element: i, scenario: scenario, physics: physics)
                        : LiFMgTi.peaks.map { _ in 0 }
                },
                readCounts: Array(repeating: 0, count: CardGeometry.elementsPerCard),
                curves: Array(repeating: nil, count: CardGeometry.elementsPerCard))
        }
    }

    /// FNV-1a over the scenario's canonical JSON: a state file only fits the scenario it was made from.
    static func fingerprint(_ scenario: Scenario) -> UInt64 {
        var scenario = scenario
        scenario.elementMilliseconds = nil  // pacing is not part of the magazine
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(scenario) else { return 0 }
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in data { h = (h ^ UInt64(b)) &* 0x0000_0100_0000_01B3 }
        return h
    }
}
