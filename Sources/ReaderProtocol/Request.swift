/// A host → reader request (PROTOCOL.md 5).
public enum Request: Sendable, Hashable {
    case hello(minVersion: UInt8, maxVersion: UInt8)
    case identify
    case status
    case qc
    case setProfile(TimeTemperatureProfile)
    case getProfile
    case clearEvents(ReaderEvents)
    case loadNext
    /// Heat an element. `reread` allows heating an already-read element to measure its residual.
    case readElement(UInt8, reread: Bool = false)
    case getCurveInfo(element: UInt8)
    case getChunk(element: UInt8, firstChannel: UInt16, maxChannels: UInt8)
    case releaseElement(UInt8)
    case anneal
    case eject
    case abort

    public var messageType: MessageType {
        switch self {
        case .hello: .hello
        case .identify: .identify
        case .status: .status
        case .qc: .qc
        case .setProfile: .setProfile
        case .getProfile: .getProfile
        case .clearEvents: .clearEvents
        case .loadNext: .loadNext
        case .readElement: .readElement
        case .getCurveInfo: .getCurveInfo
        case .getChunk: .getChunk
        case .releaseElement: .releaseElement
        case .anneal: .anneal
        case .eject: .eject
        case .abort: .abort
        }
    }

    public func payload() -> [UInt8] {
        var w = ByteWriter()
        switch self {
        case let .hello(lo, hi): w.u8(lo); w.u8(hi)
        case .identify, .status, .qc, .getProfile, .loadNext, .anneal, .eject, .abort: break
        case let .setProfile(p): p.encode(into: &w)
        case let .clearEvents(mask): w.u32(mask.rawValue)
        case let .readElement(e, reread): w.u8(e); w.u8(reread ? 1 : 0)
        case let .getCurveInfo(e), let .releaseElement(e): w.u8(e)
        case let .getChunk(e, first, maxCh): w.u8(e); w.u16(first); w.u8(maxCh)
        }
        return w.bytes
    }

    public func frame(sequence: UInt8) -> Frame {
        Frame(sequence: sequence, type: messageType.rawValue, payload: payload())
    }

    /// Parses a request frame (the reader's side).
    public init(frame: Frame) throws(PayloadError) {
        guard let type = MessageType(rawValue: frame.type) else { throw .unknownMessageType(frame.type) }
        var r = ByteReader(frame.payload)
        switch type {
        case .hello: self = .hello(minVersion: try r.u8("minVersion"), maxVersion: try r.u8("maxVersion"))
        case .identify: self = .identify
        case .status: self = .status
        case .qc: self = .qc
        case .setProfile: self = .setProfile(try TimeTemperatureProfile.decode(from: &r))
        case .getProfile: self = .getProfile
        case .clearEvents: self = .clearEvents(ReaderEvents(rawValue: try r.u32("mask")))
        case .loadNext: self = .loadNext
        case .readElement:
            let e = try r.u8("element")
            let flags = try r.u8("flags")
            guard flags & ~1 == 0 else { throw .outOfRange(field: "flags", value: Int(flags)) }
            self = .readElement(e, reread: flags & 1 != 0)
        case .getCurveInfo: self = .getCurveInfo(element: try r.u8("element"))
        case .getChunk:
            let e = try r.u8("element")
            let first = try r.u16("firstChannel")
            let maxCh = try r.u8("maxChannels")
            guard maxCh >= 1 && Int(maxCh) <= ProtocolLimits.maxChunkChannels else {
                throw .outOfRange(field: "maxChannels", value: Int(maxCh))
            }
            self = .getChunk(element: e, firstChannel: first, maxChannels: maxCh)
        case .releaseElement: self = .releaseElement(try r.u8("element"))
        case .anneal: self = .anneal
        case .eject: self = .eject
        case .abort: self = .abort
        }
        try r.finish("\(type)")
    }
}
