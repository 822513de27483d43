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
public struct MemoryLink: Sendable {
    /// The host's end (give it to ``TLReader``).
    public let host: MemoryTransport
    /// The device's end (give it to a reader model).
    public let device: MemoryTransport
    let core: MemoryLinkCore

    public init() {
        core = MemoryLinkCore()
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
actor MemoryLinkCore {
    private struct Rule {
        var fault: MemoryLink.Fault
        var direction: MemoryLink.Direction
        var selector: MemoryLink.FrameSelector
        var seenOfType = 0
    }
    private struct Waiter {
        let id: UInt64
        let maxCount: Int
        let continuation: CheckedContinuation<[UInt8], any Error>
    }

    private var inbox: [MemoryTransport.Side: [UInt8]] = [.host: [], .device: []]
    private var waiters: [MemoryTransport.Side: Waiter] = [:]
    private var assembling: [MemoryLink.Direction: [UInt8]] = [.hostToDevice: [], .deviceToHost: []]
    private var framesSent: [MemoryLink.Direction: Int] = [.hostToDevice: 0, .deviceToHost: 0]
    private var rules: [Rule] = []
    private var closed = false
    private var nextWaiterID: UInt64 = 0

    func addRule(_ fault: MemoryLink.Fault, direction: MemoryLink.Direction, selector: MemoryLink.FrameSelector) {
        rules.append(Rule(fault: fault, direction: direction, selector: selector))
    }

    func frameCount(_ direction: MemoryLink.Direction) -> Int { framesSent[direction, default: 0] }
    func pendingRuleCount() -> Int { rules.count }

    func write(_ bytes: [UInt8], from side: MemoryTransport.Side) throws {
        guard !closed else { throw TransportError.closed }
        let direction: MemoryLink.Direction = side == .host ? .hostToDevice : .deviceToHost
        for b in bytes {
            assembling[direction, default: []].append(b)
            guard b == 0 else { continue }
            let frame = assembling[direction] ?? []
            assembling[direction] = []
            if frame.count == 1 {  // a lone delimiter: idle fill
                deliver(frame, direction: direction)
            } else {
                route(frame, direction: direction)
            }
            if closed { return }
        }
    }

    private func route(_ frame: [UInt8], direction: MemoryLink.Direction) {
        framesSent[direction, default: 0] += 1
        let index = framesSent[direction, default: 0]
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
            Task { [weak self] in
                try? await Task.sleep(for: d)
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
        let side: MemoryTransport.Side = direction == .hostToDevice ? .device : .host
        inbox[side, default: []].append(contentsOf: bytes)
        if let waiter = waiters.removeValue(forKey: side) {
            waiter.continuation.resume(returning: take(side, waiter.maxCount))
        }
    }

    private func take(_ side: MemoryTransport.Side, _ maxCount: Int) -> [UInt8] {
        let pending = inbox[side] ?? []
        let n = min(max(1, maxCount), pending.count)
        inbox[side] = Array(pending.dropFirst(n))
        return Array(pending.prefix(n))
    }

    func read(side: MemoryTransport.Side, maxCount: Int, timeout: Duration) async throws -> [UInt8] {
        if !(inbox[side] ?? []).isEmpty { return take(side, maxCount) }
        guard !closed else { throw TransportError.closed }
        guard waiters[side] == nil else { throw TransportError.concurrentRead }
        nextWaiterID += 1
        let id = nextWaiterID
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (c: CheckedContinuation<[UInt8], any Error>) in
                waiters[side] = Waiter(id: id, maxCount: maxCount, continuation: c)
                Task { [weak self] in
                    try? await Task.sleep(for: timeout)
                    await self?.expire(side: side, id: id, with: nil)
                }
            }
        } onCancel: {
            Task { [weak self] in await self?.expire(side: side, id: id, with: CancellationError()) }
        }
    }

    private func expire(side: MemoryTransport.Side, id: UInt64, with error: (any Error)?) {
        guard let waiter = waiters[side], waiter.id == id else { return }
        waiters[side] = nil
        if let error { waiter.continuation.resume(throwing: error) } else { waiter.continuation.resume(returning: []) }
    }

    func close() {
        guard !closed else { return }
        closed = true
        for (_, waiter) in waiters { waiter.continuation.resume(throwing: TransportError.closed) }
        waiters = [:]
    }
}
