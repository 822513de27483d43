/// A reader → host reply (PROTOCOL.md 5). `ERROR` and `NAK` may answer any request.
public enum Reply: Sendable, Hashable {
    case hello(version: UInt8, readerMaxVersion: UInt8)
    case identify(ReaderIdentity)
    case status(ReaderStatus)
    case qc(QCMeasurement)
    case profile(TimeTemperatureProfile, for: MessageType)
    case eventsCleared(ReaderEvents)
    /// LOAD_NEXT, ANNEAL or EJECT accepted; follow with STATUS.
    case started(MessageType)
    case readStarted(ReadStarted)
    case curveInfo(CurveInfo)
    case chunk(CurveChunk)
    case released(element: UInt8, state: ElementState)
    case aborted(ReaderState)
    case error(ReaderErrorCode, detail: String)
    /// An ERROR reply whose code this host does not know.
    case unknownError(code: UInt16, detail: String)
    case nak(NakReason)

    public var typeCode: UInt8 {
        switch self {
        case .hello: MessageType.hello.replyType
        case .identify: MessageType.identify.replyType
        case .status: MessageType.status.replyType
        case .qc: MessageType.qc.replyType
        case let .profile(_, t): t.replyType
        case .eventsCleared: MessageType.clearEvents.replyType
        case let .started(t): t.replyType
        case .readStarted: MessageType.readElement.replyType
        case .curveInfo: MessageType.getCurveInfo.replyType
        case .chunk: MessageType.getChunk.replyType
        case .released: MessageType.releaseElement.replyType
        case .aborted: MessageType.abort.replyType
        case .error, .unknownError: MessageType.error
        case .nak: MessageType.nak
        }
    }

    public func payload() -> [UInt8] {
        var w = ByteWriter()
        switch self {
        case let .hello(v, m): w.u8(v); w.u8(m)
        case let .identify(id):
            w.string(id.model); w.string(id.firmware); w.string(id.serial); w.u8(id.elementsPerCard); w.u16(id.maxChannels)
        case let .status(s):
            w.u8(s.state.rawValue); w.u32(s.events.rawValue); w.u16(s.magazineRemaining); w.string(s.cardID)
            w.u8(UInt8(s.elementStates.count))
            for e in s.elementStates { w.u8(e.rawValue) }
            w.i16(s.heaterDeciCelsius)
        case let .qc(q):
            w.u32(q.pmtDarkCountsPerSecond); w.u32(q.referenceLightCounts); w.u16(q.highVoltageVolts); w.i16(q.heaterDeciCelsius)
        case let .profile(p, _): p.encode(into: &w)
        case let .eventsCleared(e): w.u32(e.rawValue)
        case .started: break
        case let .readStarted(r): w.u8(r.element); w.u16(r.channels); w.u32(r.expectedMilliseconds)
        case let .curveInfo(c):
            w.u8(c.element); w.u8(c.state.rawValue); w.u16(c.channels); w.u32(c.channelMicroseconds)
            w.u32(c.pmtDarkCountsPerSecond); w.i16(c.heaterMaxDeciCelsius); w.u32(c.curveCRC32)
        case let .chunk(c):
            w.u8(c.element); w.u16(c.firstChannel); w.u8(UInt8(c.channels.count))
            for ch in c.channels { w.u32(ch.counts); w.i16(ch.temperatureDeciCelsius) }
        case let .released(e, s): w.u8(e); w.u8(s.rawValue)
        case let .aborted(s): w.u8(s.rawValue)
        case let .error(code, detail): w.u16(code.rawValue); w.string(detail)
        case let .unknownError(code, detail): w.u16(code); w.string(detail)
        case let .nak(r): w.u8(r.rawValue)
        }
        return w.bytes
    }

    public func frame(sequence: UInt8) -> Frame {
        Frame(sequence: sequence, type: typeCode, payload: payload())
    }

    /// Parses a reply frame (the host's side).
    public init(frame: Frame) throws(PayloadError) {
        var r = ByteReader(frame.payload)
        if frame.type == MessageType.nak {
            let raw = try r.u8("reason")
            guard let reason = NakReason(rawValue: raw) else { throw .outOfRange(field: "reason", value: Int(raw)) }
            self = .nak(reason)
        } else if frame.type == MessageType.error {
            let code = try r.u16("code")
            let detail = try r.string("detail")
            self = ReaderErrorCode(rawValue: code).map { .error($0, detail: detail) } ?? .unknownError(code: code, detail: detail)
        } else {
            guard frame.type & 0x80 != 0, let type = MessageType(rawValue: frame.type & 0x7F) else {
                throw .unknownMessageType(frame.type)
            }
            switch type {
            case .hello: self = .hello(version: try r.u8("version"), readerMaxVersion: try r.u8("readerMaxVersion"))
            case .identify:
                self = .identify(ReaderIdentity(
                    model: try r.string("model"), firmware: try r.string("firmware"), serial: try r.string("serial"),
                    elementsPerCard: try r.u8("elementsPerCard"), maxChannels: try r.u16("maxChannels")))
            case .status:
                let state = try Self.enumValue(ReaderState.self, try r.u8("state"), "state")
                let events = ReaderEvents(rawValue: try r.u32("events"))
                let magazine = try r.u16("magazineRemaining")
                let card = try r.string("cardID")
                let n = Int(try r.u8("elementCount"))
                var states: [ElementState] = []
                for _ in 0..<n { states.append(try Self.enumValue(ElementState.self, try r.u8("elementState"), "elementState")) }
                self = .status(ReaderStatus(
                    state: state, events: events, magazineRemaining: magazine, cardID: card,
                    elementStates: states, heaterDeciCelsius: try r.i16("heater")))
            case .qc:
                self = .qc(QCMeasurement(
                    pmtDarkCountsPerSecond: try r.u32("pmtDark"), referenceLightCounts: try r.u32("referenceLight"),
                    highVoltageVolts: try r.u16("hv"), heaterDeciCelsius: try r.i16("heater")))
            case .setProfile, .getProfile: self = .profile(try TimeTemperatureProfile.decode(from: &r), for: type)
            case .clearEvents: self = .eventsCleared(ReaderEvents(rawValue: try r.u32("events")))
            case .loadNext, .anneal, .eject: self = .started(type)
            case .readElement:
                self = .readStarted(ReadStarted(
                    element: try r.u8("element"), channels: try r.u16("channels"),
                    expectedMilliseconds: try r.u32("expectedMs")))
            case .getCurveInfo:
                self = .curveInfo(CurveInfo(
                    element: try r.u8("element"),
                    state: try Self.enumValue(ElementState.self, try r.u8("state"), "state"),
                    channels: try r.u16("channels"), channelMicroseconds: try r.u32("channelUs"),
                    pmtDarkCountsPerSecond: try r.u32("pmtDark"), heaterMaxDeciCelsius: try r.i16("heaterMax"),
                    curveCRC32: try r.u32("curveCRC32")))
            case .getChunk:
                let e = try r.u8("element")
                let first = try r.u16("firstChannel")
                let n = Int(try r.u8("count"))
                var channels: [CurveChannel] = []
                channels.reserveCapacity(n)
                for _ in 0..<n {
                    channels.append(CurveChannel(counts: try r.u32("counts"), temperatureDeciCelsius: try r.i16("temperature")))
                }
                self = .chunk(CurveChunk(element: e, firstChannel: first, channels: channels))
            case .releaseElement:
                self = .released(element: try r.u8("element"),
                                 state: try Self.enumValue(ElementState.self, try r.u8("state"), "state"))
            case .abort: self = .aborted(try Self.enumValue(ReaderState.self, try r.u8("state"), "state"))
            }
        }
        try r.finish("reply 0x\(hex(frame.type))")
    }

    private static func enumValue<E: RawRepresentable>(_: E.Type, _ raw: UInt8, _ field: String) throws(PayloadError) -> E
    where E.RawValue == UInt8 {
        guard let v = E(rawValue: raw) else { throw .outOfRange(field: field, value: Int(raw)) }
        return v
    }
}
