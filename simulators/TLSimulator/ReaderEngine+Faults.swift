import ReaderProtocol

/// A heater fault or reboot waiting for the READ_ELEMENT it strikes, then scheduled on that heating.
struct ArmedFault: Sendable {
    var kind: FaultKind
    var index: Int
    /// Share of the curve acquired when it strikes.
    var fraction: Double
    var milliseconds: Double?
    var clearAfterMs: Double
    var strikesAt: SimulatedInstant = .zero

    func scheduled(start: SimulatedInstant, wallMilliseconds: Double) -> ArmedFault {
        var f = self
        f.strikesAt = start.advanced(byMilliseconds: fraction * wallMilliseconds)
        return f
    }
}

/// The engine's fault-injection state that lives only while it runs (fired faults are kept in the
/// state file, in ``FaultProgress``).
struct FaultRuntime: Sendable {
    struct DelayedBytes: Sendable { var due: SimulatedInstant; var bytes: [UInt8] }

    var armedHeatingFault: ArmedFault?
    /// The next LOAD_NEXT jams; how long the jam stays (ms).
    var armedJam: Double?
    var armedJamIndex: Int?
    /// Reboots so far (a request during which the reader rebooted gets no reply).
    var boots = 0
    /// The reader hears nothing before this instant (stall, booting).
    var deafUntil: SimulatedInstant?
    /// Fault causes still present: event bit → until when.
    var causes: [UInt32: SimulatedInstant] = [:]
    var pendingOutput: [DelayedBytes] = []
    /// Set by an `unplug` fault until the pty server takes it.
    var unplugMilliseconds: Double?

    mutating func rebooted(now: SimulatedInstant, bootMilliseconds: Double) {
        boots += 1
        deafUntil = now.advanced(byMilliseconds: bootMilliseconds)
        pendingOutput = []
        armedHeatingFault = nil
        armedJam = nil
    }
}

extension ReaderEngine {
    // MARK: public hooks for servers

    /// Reply bytes whose (fault-injected) delay has run out by ``now``; empty otherwise. Servers call it
    /// between requests; ``receive(_:now:)`` also sends them first.
    public mutating func takeDueOutput() -> [UInt8] {
        guard !faultRuntime.pendingOutput.isEmpty else { return [] }
        var out: [UInt8] = []
        faultRuntime.pendingOutput.removeAll { item in
            guard item.due <= now else { return false }
            out += item.bytes
            return true
        }
        return out
    }

    /// An `unplug` fault fired: how many milliseconds the cable stays out. Returns it once.
    public mutating func takeUnplugRequest() -> Double? {
        defer { faultRuntime.unplugMilliseconds = nil }
        return faultRuntime.unplugMilliseconds
    }

    // MARK: engine hooks

    /// While stalled or booting, incoming bytes are lost; when that ends, the receiver starts afresh.
    mutating func isDeaf(_ bytes: [UInt8]) -> Bool {
        guard let until = faultRuntime.deafUntil else { return false }
        if now < until { return true }
        faultRuntime.deafUntil = nil
        decoder.reset()
        return false
    }

    /// Event bits whose cause is still present (CLEAR_EVENTS leaves them latched).
    var persistingCauses: UInt32 {
        faultRuntime.causes.reduce(0) { bits, cause in cause.value > now ? bits | cause.key : bits }
    }

    /// LOAD_NEXT, READ_ELEMENT and ANNEAL are refused while a fault event is latched.
    var faultRefusal: Reply? {
        let latched = ReaderEvents(rawValue: state.events).intersection(.faults)
        guard !latched.isEmpty else { return nil }
        let detail = "\(latched) latched; fix it, then CLEAR_EVENTS"  // ≤ 64 bytes (a protocol str)
        if latched.contains(.heaterFault) { return .error(.heaterFault, detail: detail) }
        if latched.contains(.highVoltageFault) { return .error(.highVoltageFault, detail: detail) }
        if latched.contains(.doorOpen) { return .error(.doorOpen, detail: detail) }
        return .error(.jam, detail: detail)
    }

    mutating func latchFault(_ event: ReaderEvents, clearAfterMs: Double) {
        state.events |= event.rawValue
        faultRuntime.causes[event.rawValue] = now.advanced(byMilliseconds: clearAfterMs)
        persist()
    }

    /// Indices of the faults that fire on this executed request (their match counters move on).
    mutating func faultsFiring(_ frame: Frame) -> [Int] {
        guard let faults = scenario.faults, var progress = state.faultProgress,
              let type = MessageType(rawValue: frame.type) else { return [] }
        let element: Int?
        switch try? Request(frame: frame) {
        case let .readElement(e, _)?, let .getCurveInfo(e)?, let .releaseElement(e)?, let .getChunk(e, _, _)?: element = Int(e)
        default: element = nil
        }
        let card: String?
        if type == .loadNext {
            card = state.nextCardIndex < scenario.cards.count ? scenario.cards[state.nextCardIndex].id : nil
            progress.loads += 1
        } else {
            card = state.loadedCardIndex.map { scenario.cards[$0].id }
        }
        var firing: [Int] = []
        for (i, fault) in faults.enumerated() where !progress.fired[i] {
            let t = fault.at ?? FaultTrigger()
            let request = t.request.flatMap { FaultTrigger.requestNames[$0] } ?? (t.load != nil ? .loadNext : fault.kind.defaultRequest)
            guard request == nil || request == type, t.card == nil || t.card == card, t.element == nil || t.element == element,
                  t.load == nil || (type == .loadNext && progress.loads == t.load) else { continue }
            progress.matches[i] += 1
            if progress.matches[i] == (t.occurrence ?? 1) {
                progress.fired[i] = true
                firing.append(i)
            }
        }
        state.faultProgress = progress
        if !firing.isEmpty { persist() }
        return firing
    }

    /// Faults that act before the request runs. Returns the reply (none) when the request is lost.
    mutating func faultsBeforeExecution(_ firing: [Int], type: UInt8) -> [UInt8]? {
        guard let faults = scenario.faults else { return nil }
        for i in firing {
            let f = faults[i]
            let clearAfter = f.clearAfterMs ?? 0
            switch f.kind {
            case .stall:
                faultRuntime.deafUntil = now.advanced(byMilliseconds: f.ms ?? 1000)
                return []
            case .hvFault, .doorOpen:
                if let event = f.kind.latchedEvent { latchFault(event, clearAfterMs: clearAfter) }
            case .heaterFault, .reboot:
                if type == MessageType.readElement.rawValue {
                    faultRuntime.armedHeatingFault = ArmedFault(
                        kind: f.kind, index: i, fraction: f.fraction ?? 0.5, milliseconds: f.ms, clearAfterMs: clearAfter)
                } else if f.kind == .heaterFault {
                    latchFault(.heaterFault, clearAfterMs: clearAfter)
                }
            case .jam:
                if type == MessageType.loadNext.rawValue {
                    faultRuntime.armedJam = clearAfter
                    faultRuntime.armedJamIndex = i
                } else {
                    latchFault(.jam, clearAfterMs: clearAfter)
                }
            default: break
            }
        }
        return nil
    }

    /// Faults that act on the executed request's reply.
    mutating func faultsAfterExecution(_ firing: [Int], type: UInt8, reply: [UInt8]) -> [UInt8] {
        guard let faults = scenario.faults else { return reply }
        // A heater fault or jam armed for a request that was refused (e.g. busy) waits for the next one.
        if let armed = faultRuntime.armedHeatingFault { unfire(armed.index) }
        if faultRuntime.armedJam != nil, let i = faultRuntime.armedJamIndex { unfire(i) }
        faultRuntime.armedHeatingFault = nil
        faultRuntime.armedJam = nil
        faultRuntime.armedJamIndex = nil
        var out = reply
        for i in firing {
            let f = faults[i]
            switch f.kind {
            case .reboot where type != MessageType.readElement.rawValue:
                powerCycle(bootMilliseconds: f.ms ?? 300)
                return []
            case .unplug:
                faultRuntime.unplugMilliseconds = f.ms ?? 1000
                out = []
            case .corruptReply:
                guard out.count > 1 else { break }
                let at = min(f.byte ?? out.count / 2, out.count - 2)  // never the delimiter
                out[at] = out[at] ^ 0x01 == 0 ? out[at] ^ 0x02 : out[at] ^ 0x01
            case .dropReply:
                out = []
            case .duplicateReply:
                out += out
            case .delayReply:
                faultRuntime.pendingOutput.append(.init(due: now.advanced(byMilliseconds: f.ms ?? 1000), bytes: out))
                out = []
            case .garbage:
                var g = SplitMix64.stream(seed: scenario.seed, keys: [0x6A5B_A6E, UInt64(i)])
                out = (0..<(f.bytes ?? 16)).map { _ in UInt8(truncatingIfNeeded: g.next()) } + out
            default: break
            }
        }
        return out
    }

    private mutating func unfire(_ i: Int) {
        guard var progress = state.faultProgress, progress.fired.indices.contains(i) else { return }
        progress.fired[i] = false
        progress.matches[i] -= 1
        state.faultProgress = progress
    }

    /// A heater fault or reboot scheduled on the running heating strikes now.
    mutating func strikeDuringHeating(_ op: ActiveOperation, _ fault: ArmedFault) {
        switch fault.kind {
        case .reboot:
            powerCycle(bootMilliseconds: fault.milliseconds ?? 300)
        default:
            let channels = op.profile?.channels ?? 0
            // The channel where it strikes follows from `fraction` alone, so replays give the same curve.
            let n = max(0, min(channels - 1, Int((fault.fraction * Double(channels)).rounded(.down))))
            interruptHeatingNow(channels: n)
            latchFault(.heaterFault, clearAfterMs: fault.clearAfterMs)
        }
    }
}
