/// Message type codes (PROTOCOL.md 5). A reply's type is the request's with bit 7 set.
public enum MessageType: UInt8, Sendable, Hashable, CaseIterable {
    case hello = 0x01, identify = 0x02, status = 0x03, qc = 0x04, setProfile = 0x05, getProfile = 0x06
    case clearEvents = 0x07
    case loadNext = 0x10, readElement = 0x11, getCurveInfo = 0x12, getChunk = 0x13, releaseElement = 0x14
    case anneal = 0x15, eject = 0x16, abort = 0x17

    public var replyType: UInt8 { rawValue | 0x80 }
    public static let error: UInt8 = 0xFE
    public static let nak: UInt8 = 0xFF
}

/// Reader state in a STATUS reply (PROTOCOL.md 5.1).
public enum ReaderState: UInt8, Sendable, Hashable, CaseIterable {
    case idle = 0, loading = 1, cardLoaded = 2, heating = 3, annealing = 4, ejecting = 5, fault = 6
}

/// State of one element of the loaded card (PROTOCOL.md 5.1).
public enum ElementState: UInt8, Sendable, Hashable, CaseIterable {
    /// Never heated: the dose signal is intact.
    case notRead = 0
    case heating = 1
    /// Curve complete and held by the reader until RELEASE_ELEMENT.
    case buffered = 2
    /// Read, and the host confirmed it stored the curve.
    case released = 3
    /// Heating was cut off: the curve is incomplete and the signal is gone.
    case interrupted = 4
    /// No pellet in this position.
    case absent = 5
}

/// Latched reader events (PROTOCOL.md 5.1).
public struct ReaderEvents: OptionSet, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let heaterFault = ReaderEvents(rawValue: 1 << 0)
    public static let highVoltageFault = ReaderEvents(rawValue: 1 << 1)
    public static let doorOpen = ReaderEvents(rawValue: 1 << 2)
    public static let jam = ReaderEvents(rawValue: 1 << 3)
    public static let magazineEmpty = ReaderEvents(rawValue: 1 << 4)
    public static let noCard = ReaderEvents(rawValue: 1 << 5)
    public static let temperatureDeviation = ReaderEvents(rawValue: 1 << 6)
    public static let powerOnReset = ReaderEvents(rawValue: 1 << 7)
    public static let pmtOverrange = ReaderEvents(rawValue: 1 << 8)

    static let names: [(ReaderEvents, String)] = [
        (.heaterFault, "heater fault"), (.highVoltageFault, "high-voltage fault"), (.doorOpen, "door open"),
        (.jam, "jam"), (.magazineEmpty, "magazine empty"), (.noCard, "no card"),
        (.temperatureDeviation, "temperature deviation"), (.powerOnReset, "power-on reset"),
        (.pmtOverrange, "PMT over-range"),
    ]
    /// Events that stop a read and need the operator.
    public static let faults: ReaderEvents = [.heaterFault, .highVoltageFault, .doorOpen, .jam]

    public var description: String {
        let parts = Self.names.filter { contains($0.0) }.map(\.1)
        return parts.isEmpty ? "none" : parts.joined(separator: ", ")
    }
}

/// ERROR reply codes (PROTOCOL.md 5.5).
public enum ReaderErrorCode: UInt16, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    case unknownCommand = 0x0001, badPayload = 0x0002, notInitialised = 0x0003, unsupportedVersion = 0x0004
    case busy = 0x0005, invalidState = 0x0006
    case noCard = 0x0010, magazineEmpty = 0x0011, jam = 0x0012, doorOpen = 0x0013, heaterFault = 0x0014
    case highVoltageFault = 0x0015, elementOutOfRange = 0x0016, elementAlreadyRead = 0x0017
    case unreleasedData = 0x0018, notYetAvailable = 0x0019, elementAbsent = 0x001A

    public var description: String {
        switch self {
        case .unknownCommand: "unknown command"
        case .badPayload: "bad payload"
        case .notInitialised: "session not initialised (no HELLO, or the reader rebooted)"
        case .unsupportedVersion: "no common protocol version"
        case .busy: "reader busy"
        case .invalidState: "not allowed in the reader's current state"
        case .noCard: "no card in the reading position"
        case .magazineEmpty: "magazine empty"
        case .jam: "card transport jammed"
        case .doorOpen: "reader door open"
        case .heaterFault: "heater fault"
        case .highVoltageFault: "PMT high-voltage fault"
        case .elementOutOfRange: "element number not on this card"
        case .elementAlreadyRead: "element already read (its signal was taken)"
        case .unreleasedData: "an element's curve is buffered and not yet released"
        case .notYetAvailable: "channel not acquired yet"
        case .elementAbsent: "no pellet in that position"
        }
    }
}

/// Time-temperature profile (PROTOCOL.md 5.2). Wire units: tenths of °C, ms.
public struct TimeTemperatureProfile: Sendable, Hashable, Codable {
    public var preheatDeciCelsius: Int16
    public var preheatMilliseconds: UInt32
    public var rampDeciCelsiusPerSecond: UInt16
    public var maxDeciCelsius: Int16
    public var acquisitionMilliseconds: UInt32
    public var channels: UInt16
    public var annealDeciCelsius: Int16
    public var annealMilliseconds: UInt32

    public init(
        preheatDeciCelsius: Int16, preheatMilliseconds: UInt32, rampDeciCelsiusPerSecond: UInt16,
        maxDeciCelsius: Int16, acquisitionMilliseconds: UInt32, channels: UInt16,
        annealDeciCelsius: Int16, annealMilliseconds: UInt32
    ) {
        self.preheatDeciCelsius = preheatDeciCelsius
        self.preheatMilliseconds = preheatMilliseconds
        self.rampDeciCelsiusPerSecond = rampDeciCelsiusPerSecond
        self.maxDeciCelsius = maxDeciCelsius
        self.acquisitionMilliseconds = acquisitionMilliseconds
        self.channels = channels
        self.annealDeciCelsius = annealDeciCelsius
        self.annealMilliseconds = annealMilliseconds
    }

    /// The LiF:Mg,Ti default of PROTOCOL.md 5.2: 50 °C preheat, 10 °C/s to 300 °C, 200 channels.
    public static let lifMgTiDefault = TimeTemperatureProfile(
        preheatDeciCelsius: 500, preheatMilliseconds: 0, rampDeciCelsiusPerSecond: 100, maxDeciCelsius: 3000,
        acquisitionMilliseconds: 26_670, channels: 200, annealDeciCelsius: 3000, annealMilliseconds: 10_000)

    /// Why this profile is out of range, or nil when it is acceptable.
    public var validationProblem: String? {
        if channels == 0 || Int(channels) > ProtocolLimits.maxChannels { return "channels must be 1…4096" }
        if rampDeciCelsiusPerSecond == 0 { return "heating rate must be above 0" }
        if maxDeciCelsius <= preheatDeciCelsius { return "maximum temperature must be above the preheat" }
        if acquisitionMilliseconds == 0 { return "acquisition time must be above 0" }
        return nil
    }

    func encode(into w: inout ByteWriter) {
        w.i16(preheatDeciCelsius); w.u32(preheatMilliseconds); w.u16(rampDeciCelsiusPerSecond)
        w.i16(maxDeciCelsius); w.u32(acquisitionMilliseconds); w.u16(channels)
        w.i16(annealDeciCelsius); w.u32(annealMilliseconds)
    }

    static func decode(from r: inout ByteReader) throws(PayloadError) -> TimeTemperatureProfile {
        TimeTemperatureProfile(
            preheatDeciCelsius: try r.i16("preheat"), preheatMilliseconds: try r.u32("preheatMs"),
            rampDeciCelsiusPerSecond: try r.u16("ramp"), maxDeciCelsius: try r.i16("max"),
            acquisitionMilliseconds: try r.u32("acquisitionMs"), channels: try r.u16("channels"),
            annealDeciCelsius: try r.i16("anneal"), annealMilliseconds: try r.u32("annealMs"))
    }
}

public struct ReaderIdentity: Sendable, Hashable {
    public var model: String
    public var firmware: String
    public var serial: String
    public var elementsPerCard: UInt8
    public var maxChannels: UInt16
    public init(model: String, firmware: String, serial: String, elementsPerCard: UInt8, maxChannels: UInt16) {
        self.model = model; self.firmware = firmware; self.serial = serial
        self.elementsPerCard = elementsPerCard; self.maxChannels = maxChannels
    }
}

public struct ReaderStatus: Sendable, Hashable {
    public var state: ReaderState
    public var events: ReaderEvents
    public var magazineRemaining: UInt16
    /// Empty when no card is loaded.
    public var cardID: String
    public var elementStates: [ElementState]
    public var heaterDeciCelsius: Int16
    public init(
        state: ReaderState, events: ReaderEvents, magazineRemaining: UInt16, cardID: String,
        elementStates: [ElementState], heaterDeciCelsius: Int16
    ) {
        self.state = state; self.events = events; self.magazineRemaining = magazineRemaining
        self.cardID = cardID; self.elementStates = elementStates; self.heaterDeciCelsius = heaterDeciCelsius
    }
}

public struct QCMeasurement: Sendable, Hashable {
    public var pmtDarkCountsPerSecond: UInt32
    public var referenceLightCounts: UInt32
    public var highVoltageVolts: UInt16
    public var heaterDeciCelsius: Int16
    public init(pmtDarkCountsPerSecond: UInt32, referenceLightCounts: UInt32, highVoltageVolts: UInt16, heaterDeciCelsius: Int16) {
        self.pmtDarkCountsPerSecond = pmtDarkCountsPerSecond; self.referenceLightCounts = referenceLightCounts
        self.highVoltageVolts = highVoltageVolts; self.heaterDeciCelsius = heaterDeciCelsius
    }
}

public struct ReadStarted: Sendable, Hashable {
    public var element: UInt8
    public var channels: UInt16
    public var expectedMilliseconds: UInt32
    public init(element: UInt8, channels: UInt16, expectedMilliseconds: UInt32) {
        self.element = element; self.channels = channels; self.expectedMilliseconds = expectedMilliseconds
    }
}

public struct CurveInfo: Sendable, Hashable {
    public var element: UInt8
    public var state: ElementState
    public var channels: UInt16
    public var channelMicroseconds: UInt32
    public var pmtDarkCountsPerSecond: UInt32
    public var heaterMaxDeciCelsius: Int16
    public var curveCRC32: UInt32
    public init(
        element: UInt8, state: ElementState, channels: UInt16, channelMicroseconds: UInt32,
        pmtDarkCountsPerSecond: UInt32, heaterMaxDeciCelsius: Int16, curveCRC32: UInt32
    ) {
        self.element = element; self.state = state; self.channels = channels
        self.channelMicroseconds = channelMicroseconds; self.pmtDarkCountsPerSecond = pmtDarkCountsPerSecond
        self.heaterMaxDeciCelsius = heaterMaxDeciCelsius; self.curveCRC32 = curveCRC32
    }
}

/// One channel of a glow curve on the wire.
public struct CurveChannel: Sendable, Hashable {
    public var counts: UInt32
    public var temperatureDeciCelsius: Int16
    public init(counts: UInt32, temperatureDeciCelsius: Int16) {
        self.counts = counts; self.temperatureDeciCelsius = temperatureDeciCelsius
    }
}

public struct CurveChunk: Sendable, Hashable {
    public var element: UInt8
    public var firstChannel: UInt16
    public var channels: [CurveChannel]
    public init(element: UInt8, firstChannel: UInt16, channels: [CurveChannel]) {
        self.element = element; self.firstChannel = firstChannel; self.channels = channels
    }
}
