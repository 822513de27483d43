/// The measured input of one card: the net signal of each element position, or why there is none.
public struct CardSignals: Sendable, Hashable {
    public enum Element: Sendable, Hashable {
        case measured(NetSignal)
        /// The element's readout was cut off: its signal is gone.
        case lost(reason: String)
        /// No pellet in this position.
        case absent
    }
    public var cardID: String
    public var elements: [Int: Element]
    /// Days from the card's last anneal to this readout.
    public var daysFromAnneal: Days
    /// Element correction coefficients (relative sensitivity) by element number; missing = 1.
    public var elementCorrection: [Int: Double]
    public init(cardID: String, elements: [Int: Element], daysFromAnneal: Days, elementCorrection: [Int: Double] = [:]) {
        self.cardID = cardID
        self.elements = elements
        self.daysFromAnneal = daysFromAnneal
        self.elementCorrection = elementCorrection
    }
}

/// A flag on a dose: something the physicist should see. Raw values are stored.
public enum DoseFlag: String, Sendable, Hashable, Codable, CaseIterable {
    case deepElementLost = "deep-element-lost"
    case shallowElementLost = "shallow-element-lost"
    /// A filtered element's readout was cut off: the pattern check and any fallback lack it.
    case filteredElementLost = "filtered-element-lost"
    case hp10FromFilteredElements = "hp10-from-filtered-elements"
    case hp10NotAssessable = "hp10-not-assessable"
    case hp007NotAssessable = "hp007-not-assessable"
    case belowDetectionLimit = "below-detection-limit"
    case elementOutOfPattern = "element-out-of-pattern"
    case noBackgroundCorrection = "no-background-correction"
}

/// A card's assessed dose.
public struct DoseAssessment: Sendable, Hashable {
    public var cardID: String
    /// nil when not assessable (see flags).
    public var hp10: MilliSievert?
    public var hp007: MilliSievert?
    public var detectionLimit: MilliSievert
    public var flags: [DoseFlag]
    /// Human-readable notes (which element was out of pattern, etc.).
    public var remarks: [String]
    public var fadingFactor: Double
}

/// Settings of the dose algorithm (version 1, photon fields; see docs/dose-algorithm.md).
public struct DoseAlgorithm: Sendable, Hashable {
    public static let identifier = "tld-photon-v1"
    public var cardType: CardType
    public var fading: FadingModel
    /// Tolerance for the filtered elements against the deep one (Hp(10) units) before an element is
    /// called out of pattern.
    public var patternTolerance: Double
    public init(cardType: CardType = .wholeBody, fading: FadingModel = .lifMgTiDefault, patternTolerance: Double = 0.25) {
        self.cardType = cardType
        self.fading = fading
        self.patternTolerance = patternTolerance
    }

    /// Detection limit by period length: 0.03 / 0.04 / 0.08 mSv for 2-week / 4-week / 3-month periods,
    /// as seen in service practice (Mirion, Netherlands; ../shared/notes/tl-physics.md).
    public func detectionLimit(daysFromAnneal: Days) -> MilliSievert {
        switch daysFromAnneal.value {
        case ..<21: MilliSievert(0.03)
        case ..<46: MilliSievert(0.04)
        default: MilliSievert(0.08)
        }
    }

    /// Fading- and ECC-corrected net counts of a role's element, or why there are none.
    func corrected(_ card: CardSignals, _ role: ElementRole) -> (value: Double?, lost: Bool) {
        guard let pos = cardType.position(for: role), let e = card.elements[pos.number] else { return (nil, false) }
        switch e {
        case let .measured(s):
            let ecc = card.elementCorrection[pos.number] ?? 1
            return (s.netCounts * ecc / fading.factor(daysFromAnnealToReadout: card.daysFromAnneal), false)
        case .lost: return (nil, true)
        case .absent: return (nil, false)
        }
    }

    /// Per-role dose from the corrected counts (Hp(0.07) for the shallow role, Hp(10) otherwise).
    public func roleDoses(_ card: CardSignals, calibration: ReaderCalibration) -> [ElementRole: Double] {
        var out: [ElementRole: Double] = [:]
        for pos in cardType.elements {
            if let v = corrected(card, pos.role).value, let k = calibration.countsPerMilliSievert[pos.role], k > 0 {
                out[pos.role] = v / k
            }
        }
        return out
    }

    /// Hp(10) and Hp(0.07) of a card.
    /// - Parameter backgroundPerDay: natural/transport background (mSv per day since anneal) measured
    ///   with control dosimeters; subtracted from both quantities. nil = not corrected (flagged).
    public func assess(_ card: CardSignals, calibration: ReaderCalibration, backgroundPerDay: MilliSievert?) -> DoseAssessment {
        var flags: [DoseFlag] = []
        var remarks: [String] = []
        let doses = roleDoses(card, calibration: calibration)
        let bg = (backgroundPerDay?.value ?? 0) * card.daysFromAnneal.value
        if backgroundPerDay == nil { flags.append(.noBackgroundCorrection) }

        var hp10: Double? = doses[.deep]
        if corrected(card, .deep).lost { flags.append(.deepElementLost) }
        if corrected(card, .filteredLight).lost || corrected(card, .filteredHeavy).lost { flags.append(.filteredElementLost) }
        // Pattern check: for the photon fields of this version, the filtered elements read like the deep one.
        let filtered = [ElementRole.filteredLight, .filteredHeavy].compactMap { r in doses[r].map { (r, $0) } }
        if let deep = hp10, deep > 0.5 {
            for (role, d) in filtered where abs(d / deep - 1) > patternTolerance {
                flags.append(.elementOutOfPattern)
                let n = cardType.position(for: role)?.number ?? 0
                remarks.append("element \(n) (\(role.rawValue)) reads \(fmt(d / deep)) × the deep element")
            }
        }
        if hp10 == nil, filtered.count == 2 {
            let (a, b) = (filtered[0].1, filtered[1].1)
            if a > 0, b > 0, abs(a / b - 1) <= patternTolerance {
                hp10 = (a + b) / 2
                flags.append(.hp10FromFilteredElements)
                remarks.append("Hp(10) from the filtered elements: the deep element has no reading")
            }
        }
        if hp10 == nil { flags.append(.hp10NotAssessable) }

        var hp007 = doses[.shallow]
        if corrected(card, .shallow).lost { flags.append(.shallowElementLost) }
        if hp007 == nil { flags.append(.hp007NotAssessable) }
        hp10 = hp10.map { $0 - bg }
        hp007 = hp007.map { $0 - bg }

        let dl = detectionLimit(daysFromAnneal: card.daysFromAnneal)
        if let h = hp10, h < dl.value { flags.append(.belowDetectionLimit) }
        return DoseAssessment(
            cardID: card.cardID, hp10: hp10.map(MilliSievert.init), hp007: hp007.map(MilliSievert.init),
            detectionLimit: dl, flags: flags, remarks: remarks,
            fadingFactor: fading.factor(daysFromAnnealToReadout: card.daysFromAnneal))
    }

    /// Background dose per day since anneal from control dosimeters (unirradiated cards that travelled
    /// with the shipment): the mean of their Hp(10) per day. nil without usable controls.
    public func backgroundPerDay(controls: [CardSignals], calibration: ReaderCalibration) -> MilliSievert? {
        let rates = controls.compactMap { c -> Double? in
            guard c.daysFromAnneal.value > 0, let d = roleDoses(c, calibration: calibration)[.deep] else { return nil }
            return d / c.daysFromAnneal.value
        }
        guard !rates.isEmpty else { return nil }
        return MilliSievert(max(0, rates.reduce(0, +) / Double(rates.count)))
    }
}

/// Three significant decimals without Foundation.
func fmt(_ x: Double) -> String {
    let r = (x * 1000).rounded() / 1000
    return "\(r)"
}
