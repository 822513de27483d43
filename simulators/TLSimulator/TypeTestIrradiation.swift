/// The irradiation facility of a type test: a magazine of cards irradiated in reference fields at
/// known conventional true doses, with the lab's S-Cs calibration dosimeters and unirradiated
/// controls. The facility states the true dose the way a calibration laboratory does: the quantity
/// the field is set up for — Hp(10, α) for photons (Hp(0.07, α) follows from the conversion
/// coefficients of ``RadiationQuality``), Hp(0.07, α) for beta (Hp(10) is then not stated: 0).
public enum TypeTestIrradiation {
    /// One reference field: a quality at an angle of incidence.
    public struct Field: Sendable, Hashable {
        public var quality: String
        public var angleDegrees: Double
        public init(quality: String, angleDegrees: Double) {
            self.quality = quality
            self.angleDegrees = angleDegrees
        }
    }

    /// Every supported quality at 0° and 60°.
    public static var referenceFields: [Field] {
        RadiationQuality.supported.flatMap { q in [0.0, 60].map { Field(quality: q.name, angleDegrees: $0) } }
    }

    /// The magazine's card IDs: 8 digits with the Luhn check digit, from a 7-digit body.
    public static func cardID(_ number: Int) -> String {
        let body = String(number)
        return body + String(CardID.luhnCheckDigit(body))
    }

    /// A scenario of the type test.
    /// - Parameters:
    ///   - fields: reference fields to irradiate in.
    ///   - dosesMilliSievert: conventional true doses per field (Hp(10) photons, Hp(0.07) beta).
    ///   - cardsPerPoint: cards per field and dose.
    ///   - calibrationCards: S-Cs calibration dosimeters at `calibrationMilliSievert`, 0°.
    ///   - controls: unirradiated control cards.
    ///   - daysSinceAnneal: wear period (calibration cards follow the 8 + 8-day protocol: 16 days).
    ///   - firstCardNumber: 7-digit body of the first card ID (another value gives other cards,
    ///     hence other element sensitivities).
    public static func scenario(
        fields: [Field], dosesMilliSievert: [Double], cardsPerPoint: Int = 1, calibrationCards: Int = 10,
        calibrationMilliSievert: Double = 2, controls: Int = 3, daysSinceAnneal: Double = 30,
        backgroundNanoSievertPerHour: Double = 80, seed: UInt64 = 4037, firstCardNumber: Int = 2_000_000
    ) throws(ScenarioError) -> Scenario {
        var cards: [ScenarioCard] = []
        var number = firstCardNumber
        func next() -> String { defer { number += 1 }; return cardID(number) }
        for _ in 0..<calibrationCards {
            cards.append(ScenarioCard(
                id: next(), role: .calibration, hp10MilliSievert: calibrationMilliSievert,
                hp007MilliSievert: calibrationMilliSievert, quality: "S-Cs", daysSinceAnneal: 16))
        }
        for _ in 0..<controls {
            cards.append(ScenarioCard(id: next(), role: .control, hp10MilliSievert: 0, hp007MilliSievert: 0, quality: "S-Cs", daysSinceAnneal: daysSinceAnneal))
        }
        for field in fields {
            guard let q = RadiationQuality.named(field.quality) else {
                throw .unsupportedQuality(card: "type test", quality: field.quality, supported: RadiationQuality.supported.map(\.name))
            }
            for dose in dosesMilliSievert {
                let (hp10, hp007): (Double, Double)
                switch q.kind {
                case .photon:
                    guard let h = q.conversionCoefficients(angleDegrees: field.angleDegrees) else {
                        throw .invalidValue(card: nil, field: "angleDegrees", reason: "\(field.angleDegrees)° is outside 0–60°")
                    }
                    (hp10, hp007) = (dose, dose * h.hp007 / h.hp10)
                case .beta:
                    (hp10, hp007) = (0, dose)
                }
                for _ in 0..<cardsPerPoint {
                    cards.append(ScenarioCard(
                        id: next(), role: .worker, hp10MilliSievert: hp10, hp007MilliSievert: hp007, quality: q.name,
                        daysSinceAnneal: daysSinceAnneal, angleDegrees: field.angleDegrees))
                }
            }
        }
        let scenario = Scenario(
            seed: seed, reader: ReaderDescription(model: "TLR-6600S", serial: "TT\(seed)", firmware: "1.4.2"),
            elementMilliseconds: 0, storageCelsius: 20, backgroundNanoSievertPerHour: backgroundNanoSievertPerHour, cards: cards)
        try scenario.validate()
        return scenario
    }
}
