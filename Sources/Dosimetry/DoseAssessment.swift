/// The radiation the element pattern of a card points to.
public enum RadiationType: String, Sendable, Hashable, Codable {
    case photon
    case beta
    /// Photons and a beta component.
    case mixed
    /// Too little signal or too few elements to tell.
    case unknown
}

/// A card's assessed dose.
public struct DoseAssessment: Sendable, Hashable {
    public var cardID: String
    /// nil when not assessable (see flags).
    public var hp10: MilliSievert?
    public var hp007: MilliSievert?
    /// Standard uncertainties (k = 1) of the two quantities.
    public var hp10Uncertainty: MilliSievert?
    public var hp007Uncertainty: MilliSievert?
    public var detectionLimit: MilliSievert
    /// Where the detection limit came from: the controls' scatter or the period-length table.
    public var detectionLimitBasis: DetectionLimit.Basis
    public var flags: [DoseFlag]
    /// Human-readable notes (radiation type and energy found, which element was out of pattern, …).
    public var remarks: [String]
    public var fadingFactor: Double
    public var radiationType: RadiationType
    /// Effective photon energy of the matched pattern, keV (nil without a photon component).
    public var effectiveEnergyKiloElectronVolt: Double?
    /// The reference field whose pattern matched best, e.g. "N-80 0°" or "N-80–N-100 60°".
    public var matchedPattern: String?
    /// Element numbers the doses were computed from.
    public var elementsUsed: [Int]

    public init(
        cardID: String, hp10: MilliSievert?, hp007: MilliSievert?, hp10Uncertainty: MilliSievert? = nil,
        hp007Uncertainty: MilliSievert? = nil, detectionLimit: MilliSievert, detectionLimitBasis: DetectionLimit.Basis = .periodLength, flags: [DoseFlag], remarks: [String],
        fadingFactor: Double, radiationType: RadiationType = .unknown, effectiveEnergyKiloElectronVolt: Double? = nil,
        matchedPattern: String? = nil, elementsUsed: [Int] = []
    ) {
        self.cardID = cardID
        self.hp10 = hp10
        self.hp007 = hp007
        self.hp10Uncertainty = hp10Uncertainty
        self.hp007Uncertainty = hp007Uncertainty
        self.detectionLimit = detectionLimit
        self.detectionLimitBasis = detectionLimitBasis
        self.flags = flags
        self.remarks = remarks
        self.fadingFactor = fadingFactor
        self.radiationType = radiationType
        self.effectiveEnergyKiloElectronVolt = effectiveEnergyKiloElectronVolt
        self.matchedPattern = matchedPattern
        self.elementsUsed = elementsUsed
    }
}
