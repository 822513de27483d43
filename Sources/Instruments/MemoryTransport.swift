import ReaderProtocol

/// An in-memory connection between a host and a device, with fault injection for tests and for
/// running a simulated reader in-process.
///
/// Bytes written on one end are read on the other. Each direction is cut into frames at the 0x00
/// delimiter (PROTOCOL.md 2.3) so that a fault can hit "the n-th frame" or "the n-th frame of type t":
/// ```swift
/// let link = MemoryLink()
/// await link.inject(.drop, direction: .deviceToHost, on: .type(MessageType.loadNext.replyType))
/// let reader = TLReader(transport: link.host, logger: logger)
/// // a reader model serves link.device
/// ```
/// Every rule fires once. Lone delimiters (idle fill) pass untouched and are not counted as frames.
/// Read timeouts and delayed frames run on the link's clock: a test gives it a manual clock and lets
/// time pass without sleeping.
public struct MemoryLink: Sendable {
    /// The host's end (give it to ``TLReader``).
    public let host: MemoryTransport
    /// The device's end (give it to a reader model).
    public let device: MemoryTransport
    let core: MemoryLinkCore

    /// - Parameter clock: what read timeouts and ``Fault/delay(_:)`` are measured on.
    public init(clock: some Clock<Duration> = ContinuousClock()) {
        core = MemoryLinkCore(clock: AnyClock(clock))
        host = MemoryTransport(core: core, side: .host)
        device = MemoryTransport(core: core, side: .device)
    }

    /// Which way a frame travels.
    public enum Direction: Sendable, Hashable {
        case hostToDevice, deviceToHost
    }

    /// Which frame a fault hits.
    public enum FrameSelector: Sendable, Hashable {
        /// The n-th frame (1-based) sent in the direction since the link was made.
        case index(Int)
        /// The n-th frame (1-based) of the given frame type byte (e.g. `MessageType.status.replyType`),
        /// counted from the moment the rule was injected. When several rules select one frame, the
        /// earliest injected fires; the others still count it.
        case type(UInt8, occurrence: Int = 1)
    }

    /// What happens to the selected frame.
    public enum Fault: Sendable, Hashable {
        /// The frame is lost.
        case drop
        /// The byte at `offset` of the wire frame (COBS bytes, delimiter excluded; clamped to the
        /// frame) is XORed with `mask` (non-zero).
        case corrupt(offset: Int, mask: UInt8)
        /// The frame is delivered twice.
        case duplicate
        /// The frame is delivered after `delay`; later frames may overtake it.
        case delay(Duration)
        /// These bytes arrive just before the frame.
        case prependGarbage([UInt8])
        /// The frame is lost and the connection is cut: both ends' reads and writes throw
        /// ``TransportError/closed``.
        case cutConnection
    }

    /// Adds a fault rule for one frame.
    public func inject(_ fault: Fault, direction: Direction, on selector: FrameSelector) async {
        await core.addRule(fault, direction: direction, selector: selector)
    }

    /// Delivers raw bytes to one side at once, outside any frame (line noise).
    public func injectBytes(_ bytes: [UInt8], direction: Direction) async {
        await core.deliver(bytes, direction: direction)
    }

    /// Cuts the connection now (a pulled cable).
    public func cut() async { await core.close() }

    /// Frames sent so far in a direction (before faults), for assertions.
    public func frameCount(_ direction: Direction) async -> Int { await core.frameCount(direction) }

    /// Fault rules that have not fired yet.
    public func pendingFaults() async -> Int { await core.pendingRuleCount() }

    /// One end of the link.
    public enum End: Sendable, Hashable {
        case host, device
    }

    /// What a test waits for at one end (no time passes while it waits; see ``waitUntil(_:at:)``).
    public enum EndState: Sendable, Hashable {
        /// A read is waiting and nothing is there to read.
        case reading
        /// Bytes are there to read.
        case input
    }

    /// Returns once `end` is in `state` (at once when it already is): how a test on a manual clock
    /// knows, before it lets time pass, that the driver is waiting for a reply or that a late frame came.
    /// - Throws: `CancellationError` at once when the waiting task is cancelled (a test's time limit
    ///   stops the test there instead of hanging on it).
    public func waitUntil(_ state: EndState, at end: End) async throws {
        try await core.waitUntil(state, side: end == .host ? .host : .device)
    }
}

/// One end of a ``MemoryLink``.
public struct MemoryTransport: ByteTransport {
    enum Side: Sendable { case host, device }
    let core: MemoryLinkCore
    let side: Side

    public func write(_ bytes: [UInt8]) async throws {
        try await core.write(bytes, from: side)
    }

    public func read(maxCount: Int, timeout: Duration) async throws -> [UInt8] {
        try await core.read(side: side, maxCount: maxCount, timeout: timeout)
    }

    public func close() async { await core.close() }
}

/// The shared state of a ``MemoryLink``: one inbox per side, frame assembly and fault rules.
///
/// Per exchange it does constant work besides copying the bytes: inboxes and frame assembly are plain
/// arrays (no per-byte dictionary look-ups), a frame's type is decoded only while fault rules are
/// pending, and read timeouts share one timer task per side instead of starting a sleeping task per
/// read (a readout makes tens of exchanges per card; a task and a timer per read cost more than the
/// exchange itself).
actor MemoryLinkCore {
    private let clock: AnyClock

    init(clock: AnyClock) { self.clock = clock }

    private struct Rule {
        var fault: MemoryLink.Fault
        var direction: MemoryLink.Direction
        var selector: MemoryLink.FrameSelector
        var seenOfType = 0
    }
    private struct Waiter {
        let id: UInt64
        let maxCount: Int
        let deadline: AnyClock.Instant
        let continuation: CheckedContinuation<[UInt8], any Error>
    }
    /// Bytes waiting for one side: `bytes[start...]` (consumed bytes are dropped lazily).
    private struct Inbox {
        var bytes: [UInt8] = []
        var start = 0
        var isEmpty: Bool { start >= bytes.count }

        mutating func append(_ new: some Collection<UInt8>) {
            if start > 0, start >= bytes.count {
                bytes.removeAll(keepingCapacity: true)
                start = 0
            }
            bytes.append(contentsOf: new)
        }

        mutating func take(_ maxCount: Int) -> [UInt8] {
            let n = min(max(1, maxCount), bytes.count - start)
            let out = Array(bytes[start..<(start + n)])
            start += n
            if start >= bytes.count {
                bytes.removeAll(keepingCapacity: true)
                start = 0
            }
            return out
        }
    }
    /// Per side: frames on their way to it, its pending read, and the deadline the side's timer task
    /// sleeps towards.
    private struct SideState {
        /// Bytes of a frame to this side still missing its delimiter.
        var assembling: [UInt8] = []
        /// Frames routed to this side so far.
        var framesIn = 0
        var inbox = Inbox()
        var waiter: Waiter?
        var timerDeadline: AnyClock.Instant?
        var timerGeneration: UInt64 = 0
        /// The timer task of `timerGeneration` (an older one is cancelled when a nearer deadline takes over).
        var timer: Task<Void, Never>?
    }

    private var hostSide = SideState()
    private var deviceSide = SideState()
    /// Tests waiting for a side to reach a state (``MemoryLink/waitUntil(_:at:)``).
    private var stateWatchers: [StateWatcher] = []
    private var nextWatcherID: UInt64 = 0
    private struct StateWatcher {
        let id: UInt64
        let side: MemoryTransport.Side
        let state: MemoryLink.EndState
        let continuation: CheckedContinuation<Void, any Error>
    }

    private func isIn(_ state: MemoryLink.EndState, _ side: MemoryTransport.Side) -> Bool {
        withSide(side) { s in
            switch state {
            case .reading: s.waiter != nil && s.inbox.isEmpty
            case .input: !s.inbox.isEmpty
            }
        }
    }

    func waitUntil(_ state: MemoryLink.EndState, side: MemoryTransport.Side) async throws {
        if isIn(state, side) { return }
        nextWatcherID += 1
        let id = nextWatcherID
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<Void, any Error>) in
                if Task.isCancelled {
                    c.resume(throwing: CancellationError())
                } else if closed {
                    c.resume()
                } else {
                    stateWatchers.append(StateWatcher(id: id, side: side, state: state, continuation: c))
                }
            }
        } onCancel: {
            Task { [weak self] in await self?.endWatch(id) }
        }
    }

    private func endWatch(_ id: UInt64) {
        guard let i = stateWatchers.firstIndex(where: { $0.id == id }) else { return }
        stateWatchers.remove(at: i).continuation.resume(throwing: CancellationError())
    }

    /// Wakes the watchers whose state was reached.
    private func notifyWatchers() {
        guard !stateWatchers.isEmpty else { return }
        var waiting: [StateWatcher] = []
        for w in stateWatchers {
            if isIn(w.state, w.side) { w.continuation.resume() } else { waiting.append(w) }
        }
        stateWatchers = waiting
    }
    private var rules: [Rule] = []
    private var closed = false
    private var nextWaiterID: UInt64 = 0

    /// The side a direction delivers to.
    private static func receiver(_ direction: MemoryLink.Direction) -> MemoryTransport.Side {
        direction == .hostToDevice ? .device : .host
    }

    private func withSide<T>(_ side: MemoryTransport.Side, _ body: (inout SideState) -> T) -> T {
        switch side {
        case .host: body(&hostSide)
        case .device: body(&deviceSide)
        }
    }

    func addRule(_ fault: MemoryLink.Fault, direction: MemoryLink.Direction, selector: MemoryLink.FrameSelector) {
        rules.append(Rule(fault: fault, direction: direction, selector: selector))
    }

    func frameCount(_ direction: MemoryLink.Direction) -> Int {
        withSide(Self.receiver(direction)) { $0.framesIn }
    }

    func pendingRuleCount() -> Int { rules.count }

    func write(_ bytes: [UInt8], from side: MemoryTransport.Side) throws {
        guard !closed else { throw TransportError.closed }
        let direction: MemoryLink.Direction = side == .host ? .hostToDevice : .deviceToHost
        var rest = bytes[...]
        while let zero = rest.firstIndex(of: 0) {
            let piece = rest[...zero]
            rest = rest[(zero + 1)...]
            var frame = withSide(Self.receiver(direction)) { s in
                s.assembling.append(contentsOf: piece)
                defer { s.assembling.removeAll(keepingCapacity: true) }
                return s.assembling
            }
            if frame.count == 1 {  // a lone delimiter: idle fill
                deliver(frame, direction: direction)
            } else {
                route(frame, direction: direction)
            }
            frame = []
            if closed { return }
        }
        if !rest.isEmpty { withSide(Self.receiver(direction)) { $0.assembling.append(contentsOf: rest) } }
    }

    private func route(_ frame: [UInt8], direction: MemoryLink.Direction) {
        let index = withSide(Self.receiver(direction)) { s in
            s.framesIn += 1
            return s.framesIn
        }
        guard !rules.isEmpty else {
            deliver(frame, direction: direction)
            return
        }
        let type = Self.frameType(frame)
        var chosenIndex: Int?
        for i in rules.indices where rules[i].direction == direction {
            var fires = false
            switch rules[i].selector {
            case let .index(n):
                fires = n == index
            case let .type(t, occurrence):
                if type == t {
                    rules[i].seenOfType += 1
                    fires = rules[i].seenOfType == occurrence
                }
            }
            if fires && chosenIndex == nil { chosenIndex = i }
        }
        let chosen = chosenIndex.map { rules.remove(at: $0).fault }
        switch chosen {
        case nil: deliver(frame, direction: direction)
        case .drop?: break
        case let .corrupt(offset, mask)?:
            var damaged = frame
            let at = max(0, min(offset, frame.count - 2))
            damaged[at] ^= mask
            deliver(damaged, direction: direction)
        case .duplicate?:
            deliver(frame, direction: direction)
            deliver(frame, direction: direction)
        case let .delay(d)?:
            let clock = clock
            let due = clock.now.advanced(by: d)
            Task { [weak self] in
                try? await clock.sleep(until: due)
                await self?.deliver(frame, direction: direction)
            }
        case let .prependGarbage(garbage)?:
            deliver(garbage + frame, direction: direction)
        case .cutConnection?:
            close()
        }
    }

    /// The type byte of a wire frame, when it decodes (used only to select faults).
    private static func frameType(_ wire: [UInt8]) -> UInt8? {
        guard let raw = try? COBS.decode(wire.dropLast()), raw.count >= 3 else { return nil }
        return raw[2]
    }

    func deliver(_ bytes: [UInt8], direction: MemoryLink.Direction) {
        guard !closed, !bytes.isEmpty else { return }
        let side = Self.receiver(direction)
        let woken: (CheckedContinuation<[UInt8], any Error>, [UInt8])? = withSide(side) { s in
            s.inbox.append(bytes)
            guard let waiter = s.waiter else { return nil }
            s.waiter = nil
            return (waiter.continuation, s.inbox.take(waiter.maxCount))
        }
        if let woken { woken.0.resume(returning: woken.1) }
        notifyWatchers()
    }

    func read(side: MemoryTransport.Side, maxCount: Int, timeout: Duration) async throws -> [UInt8] {
        if let ready = withSide(side, { s in s.inbox.isEmpty ? nil : s.inbox.take(maxCount) }) { return ready }
        guard !closed else { throw TransportError.closed }
        guard withSide(side, { $0.waiter == nil }) else { throw TransportError.concurrentRead }
        nextWaiterID += 1
        let id = nextWaiterID
        let deadline = clock.now.advanced(by: timeout)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<[UInt8], any Error>) in
                let startTimer: UInt64? = withSide(side) { s in
                    s.waiter = Waiter(id: id, maxCount: maxCount, deadline: deadline, continuation: c)
                    // The side's timer already wakes at or before this deadline: it will see this waiter.
                    if let pending = s.timerDeadline, pending <= deadline { return nil }
                    s.timerGeneration &+= 1
                    s.timerDeadline = deadline
                    return s.timerGeneration
                }
                if let generation = startTimer {
                    let clock = clock
                    let timer = Task { [weak self] in
                        var next: AnyClock.Instant? = deadline
                        while let wake = next {
                            // Cancelled: a nearer deadline's timer took over, or the link closed.
                            do { try await clock.sleep(until: wake) } catch { return }
                            next = await self?.timerFired(side: side, generation: generation)
                        }
                    }
                    withSide(side) { s in
                        if s.timerGeneration == generation {
                            s.timer?.cancel()
                            s.timer = timer
                        } else {
                            timer.cancel()
                        }
                    }
                }
                notifyWatchers()
            }
        } onCancel: {
            Task { [weak self] in await self?.expire(side: side, id: id, with: CancellationError()) }
        }
    }

    /// The side's timer woke: ends the pending read if its deadline passed. Returns when to wake next,
    /// or nil when this timer is done (no read pending, or a newer timer with an earlier deadline took over).
    private func timerFired(side: MemoryTransport.Side, generation: UInt64) -> AnyClock.Instant? {
        let now = clock.now
        let expired: Waiter? = withSide(side) { s in
            guard s.timerGeneration == generation else { return nil }
            guard let waiter = s.waiter, waiter.deadline <= now else { return nil }
            s.waiter = nil
            return waiter
        }
        expired?.continuation.resume(returning: [])
        return withSide(side) { s in
            guard s.timerGeneration == generation else { return nil }
            guard let waiter = s.waiter else {
                s.timerDeadline = nil
                s.timer = nil
                return nil
            }
            s.timerDeadline = waiter.deadline
            return waiter.deadline
        }
    }

    private func expire(side: MemoryTransport.Side, id: UInt64, with error: any Error) {
        let waiter: Waiter? = withSide(side) { s in
            guard let w = s.waiter, w.id == id else { return nil }
            s.waiter = nil
            return w
        }
        waiter?.continuation.resume(throwing: error)
    }

    func close() {
        guard !closed else { return }
        closed = true
        for side in [MemoryTransport.Side.host, .device] {
            let waiter = withSide(side) { s in
                defer {
                    s.waiter = nil
                    s.timer?.cancel()
                    s.timer = nil
                    s.timerDeadline = nil
                }
                return s.waiter
            }
            waiter?.continuation.resume(throwing: TransportError.closed)
        }
        // A closed link reaches no other state: let the tests that wait see the closed link.
        let watchers = stateWatchers
        stateWatchers = []
        for w in watchers { w.continuation.resume() }
    }
}
