import Foundation

/// What the simulated reader holds and how its cards were irradiated: a JSON file of format 1
/// (see simulators/scenarios/README.md). Decoded with Foundation's `JSONDecoder` and validated
/// (Luhn card IDs, supported radiation qualities, non-negative doses).
public struct Scenario: Sendable, Hashable, Codable {
    public var format: Int
    /// Seed of every random draw (sensitivities, noise, counts).
    public var seed: UInt64
    public var reader: ReaderDescription
    /// Wall time of one element read in fast mode: 0 = instant, absent = real time (the profile's).
    public var elementMilliseconds: Double?
    /// Storage temperature of the cards during the wear period (drives fading).
    public var storageCelsius: Double
    /// Natural background, ambient dose equivalent rate H*(10), applied to every card for its
    /// whole `daysSinceAnneal`.
    public var backgroundNanoSievertPerHour: Double
    /// The magazine, in loading order.
    public var cards: [ScenarioCard]
    /// Faults to inject, replayed identically on every run (absent = a reader that never fails).
    public var faults: [ScenarioFault]?

    public init(
        format: Int = 1, seed: UInt64, reader: ReaderDescription, elementMilliseconds: Double?,
        storageCelsius: Double, backgroundNanoSievertPerHour: Double, cards: [ScenarioCard],
        faults: [ScenarioFault]? = nil
    ) {
        self.format = format; self.seed = seed; self.reader = reader
        self.elementMilliseconds = elementMilliseconds; self.storageCelsius = storageCelsius
        self.backgroundNanoSievertPerHour = backgroundNanoSievertPerHour; self.cards = cards
        self.faults = faults
    }

    /// The built-in example shipment (about 50 cards), `Resources/builtin-shipment.json`.
    public static func builtin() throws(ScenarioError) -> Scenario {
        guard let url = Bundle.module.url(forResource: "builtin-shipment", withExtension: "json") else {
            throw .builtinMissing
        }
        return try load(path: url.path)
    }

    /// Reads and validates a scenario file.
    public static func load(path: String) throws(ScenarioError) -> Scenario {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw .unreadable(path: path, reason: "\(error.localizedDescription)")
        }
        return try Scenario(json: data)
    }

    /// Decodes and validates scenario JSON.
    public init(json: Data) throws(ScenarioError) {
        let decoded: Scenario
        do { decoded = try JSONDecoder().decode(Scenario.self, from: json) } catch let error as ScenarioError {
            throw error
        } catch let DecodingError.dataCorrupted(context) {
            throw .malformed(reason: Self.describe(context))
        } catch let DecodingError.keyNotFound(key, context) {
            throw .malformed(reason: "missing field '\(key.stringValue)' at \(Self.path(context))")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw .malformed(reason: Self.describe(context))
        } catch {
            throw .malformed(reason: "\(error)")
        }
        try decoded.validate()
        self = decoded
    }

    /// Checks what JSON decoding cannot: format, unique IDs, qualities, ranges.
    public func validate() throws(ScenarioError) {
        guard format == 1 else { throw .unsupportedFormat(format) }
        if let ms = elementMilliseconds, !(ms >= 0 && ms.isFinite) {
            throw .invalidValue(card: nil, field: "elementMilliseconds", reason: "must be 0 or more")
        }
        guard storageCelsius > -50 && storageCelsius < 80 else {
            throw .invalidValue(card: nil, field: "storageCelsius", reason: "must be between -50 and 80 °C")
        }
        guard backgroundNanoSievertPerHour >= 0 && backgroundNanoSievertPerHour < 1e6 else {
            throw .invalidValue(card: nil, field: "backgroundNanoSievertPerHour", reason: "must be 0 or more")
        }
        // IDENTIFY sends model, firmware and serial as protocol strings: 1…64 UTF-8 bytes here (PROTOCOL.md:
        // "a u8 byte count followed by that many UTF-8 bytes (at most 64)"); the lab finds a resumed batch
        // by the serial, so it must not be empty, and it names a USB device, so printable ASCII only.
        for (field, value) in [("reader.model", reader.model), ("reader.firmware", reader.firmware), ("reader.serial", reader.serial)] {
            guard (1...64).contains(value.utf8.count),
                  !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw .invalidValue(card: nil, field: field, reason: "must be 1 to 64 bytes of text without control characters")
            }
        }
        guard reader.serial.unicodeScalars.allSatisfy({ $0.isASCII && (0x21...0x7E).contains($0.value) }) else {
            throw .invalidValue(card: nil, field: "reader.serial", reason: "must be printable ASCII without spaces")
        }
        guard cards.count <= Int(UInt16.max) else {
            throw .invalidValue(card: nil, field: "cards", reason: "holds more cards than a magazine counter can report")
        }
        var seen = Set<String>()
        for card in cards {
            guard seen.insert(card.id).inserted else { throw .duplicateCardID(card.id) }
            try card.validate()
        }
        for (i, fault) in (faults ?? []).enumerated() { try fault.validate(self, index: i) }
    }

    private static func path(_ c: DecodingError.Context) -> String {
        c.codingPath.isEmpty ? "top level" : c.codingPath.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
    }
    private static func describe(_ c: DecodingError.Context) -> String {
        if let underlying = c.underlyingError as? ScenarioError { return underlying.description }
        return "\(c.debugDescription) (at \(path(c)))"
    }
}

/// What the simulated reader reports in IDENTIFY.
public struct ReaderDescription: Sendable, Hashable, Codable {
    public var model: String
    public var serial: String
    public var firmware: String
    public init(model: String, serial: String, firmware: String) {
        self.model = model; self.serial = serial; self.firmware = firmware
    }
}

/// What a card is for in the shipment.
public enum CardRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// Worn by a worker: the true dose is hidden from the lab.
    case worker
    /// Irradiated by the lab to a known dose.
    case calibration
    /// Travelled unirradiated with the shipment: natural background only.
    case control
}

/// One card of the magazine with its (true) irradiation history.
public struct ScenarioCard: Sendable, Hashable, Codable {
    /// 8 decimal digits, the last a Luhn check digit (validated when the scenario is loaded, see ``CardID``).
    public var id: String
    public var role: CardRole
    /// True personal dose equivalent Hp(10) from the radiation field (without natural background).
    public var hp10MilliSievert: Double
    /// True personal dose equivalent Hp(0.07) from the radiation field (without natural background).
    public var hp007MilliSievert: Double
    /// Radiation quality name, e.g. "S-Cs" (ISO 4037-1); see ``RadiationQuality/supported``.
    public var quality: String
    /// Days from the card's anneal to its readout; dose and background accrue uniformly over them.
    public var daysSinceAnneal: Double
    /// Element positions holding a pellet (1-based); absent ones read `absent`. Nil = all four.
    public var elements: [Int]?
    /// Angle of incidence of the field on the card (degrees from the normal, 0–60); nil = 0°.
    /// The true doses are Hp(10, α) and Hp(0.07, α) at this angle.
    public var angleDegrees: Double?
    /// Storage temperature of this card during its `daysSinceAnneal` (°C); nil = the scenario's
    /// `storageCelsius`. Lets one magazine hold cards that came back from warm and cool places next to
    /// the lab's own calibration dosimeters.
    public var storageCelsius: Double?

    public init(
        id: String, role: CardRole, hp10MilliSievert: Double, hp007MilliSievert: Double, quality: String,
        daysSinceAnneal: Double, elements: [Int]? = nil, angleDegrees: Double? = nil, storageCelsius: Double? = nil
    ) {
        self.id = id; self.role = role; self.hp10MilliSievert = hp10MilliSievert
        self.hp007MilliSievert = hp007MilliSievert; self.quality = quality
        self.daysSinceAnneal = daysSinceAnneal; self.elements = elements
        self.angleDegrees = angleDegrees
        self.storageCelsius = storageCelsius
    }

    /// Element positions present (1-based).
    public var presentElements: Set<Int> { Set(elements ?? Array(1...CardGeometry.elementsPerCard)) }

    func validate() throws(ScenarioError) {
        let name = id
        _ = try CardID(id)
        guard RadiationQuality.named(quality) != nil else {
            throw .unsupportedQuality(card: name, quality: quality, supported: RadiationQuality.supported.map(\.name))
        }
        guard hp10MilliSievert >= 0 && hp10MilliSievert.isFinite && hp10MilliSievert <= 1e4 else {
            throw .invalidValue(card: name, field: "hp10MilliSievert", reason: "must be between 0 and 10 000 mSv")
        }
        guard hp007MilliSievert >= 0 && hp007MilliSievert.isFinite && hp007MilliSievert <= 1e4 else {
            throw .invalidValue(card: name, field: "hp007MilliSievert", reason: "must be between 0 and 10 000 mSv")
        }
        guard daysSinceAnneal > 0 && daysSinceAnneal <= 3650 else {
            throw .invalidValue(card: name, field: "daysSinceAnneal", reason: "must be above 0 and at most 3650 days")
        }
        if let c = storageCelsius, !(c > -50 && c < 80) {
            throw .invalidValue(card: name, field: "storageCelsius", reason: "must be between -50 and 80 °C")
        }
        if let a = angleDegrees, !RadiationQuality.angleRange.contains(a) {
            throw .invalidValue(card: name, field: "angleDegrees", reason: "must be between 0 and 60 degrees")
        }
        if let e = elements {
            guard !e.isEmpty, Set(e).count == e.count, e.allSatisfy({ (1...CardGeometry.elementsPerCard).contains($0) }) else {
                throw .invalidValue(card: name, field: "elements", reason: "must list one to four distinct positions 1–4")
            }
        }
    }
}
