/// A flag on a dose: something the physicist should see. One type for every flag a dose can carry:
/// the dose algorithm's, the glow-curve screen's (``glow(_:)``), the evaluation workflow's and the
/// physicist's review.
///
/// ``code`` is what the store keeps (a JSON array of codes per dose version) and what lists, CSV and
/// documents show. The codes are the strings stored since the first release: never change one, or
/// existing databases would read it as ``unknown(_:)``. A new case needs a code (``Named``) and a
/// decision in the review routing (`ReviewPolicy.reason(for:)`); exhaustive switches make the compiler
/// ask for both.
public enum DoseFlag: Sendable, Hashable, CustomStringConvertible {
    // MARK: the dose algorithm
    case deepElementLost
    case shallowElementLost
    /// A filtered element's readout was cut off: the pattern check and any fallback lack it.
    case filteredElementLost
    case hp10FromFilteredElements
    case hp10NotAssessable
    case hp007NotAssessable
    case belowDetectionLimit
    case elementOutOfPattern
    case noBackgroundCorrection
    /// The shallow element reads more than the photon pattern allows: a beta component (or a
    /// contaminated shallow element). Hp(0.07) includes it.
    case betaComponent
    /// Above the linear range of the phosphor: the non-linearity correction was applied.
    case nonLinearityCorrected
    /// The card's storage temperature could not be read from its glow curve (peaks 2–3 below noise,
    /// or a ratio outside the plausible storage range): the 20 °C fading model was applied. Set only on
    /// a dose above the detection limit (docs/thermal-history.md).
    case thermalHistoryNotEstimated

    // MARK: the evaluation workflow
    /// The card's anneal date is unknown: no fading correction.
    case annealDateUnknown
    /// A stored glow curve could not be read as a curve: the element counts as lost.
    case glowCurveInvalid
    /// An element correction coefficient past its validity was applied.
    case elementCorrectionExpired
    /// A neutron card: its algorithm is not implemented, so no dose is computed for it.
    case neutronAlgorithmNotAvailable
    /// The batch's reader QC failed its limits (`ReaderQCCheck`).
    case readerQCFailed

    // MARK: the physicist's review
    /// A version written by `tld review --correct`.
    case correctedByPhysicist
    /// A version written by `tld review --reject`.
    case rejectedByPhysicist

    // MARK: the glow-curve quality screen
    /// A glow-curve quality finding on one of the card's elements; code `glow-<code>`.
    case glow(GlowFlagCode)

    /// A code this build does not know (written by a newer version, or by hand): kept and shown as
    /// stored, never dropped.
    case unknown(String)

    /// The stable stored code, e.g. `deep-element-lost` or `glow-spike`.
    public var code: String {
        switch coded {
        case let .named(named): named.rawValue
        case let .glow(g): Self.glowPrefix + g.rawValue
        case let .unknown(code): code
        }
    }

    /// The flag of a stored code; a code this build does not know is ``unknown(_:)``.
    public init(code: String) {
        if let named = Named(rawValue: code) {
            self.init(named)
        } else if code.hasPrefix(Self.glowPrefix), let g = GlowFlagCode(rawValue: String(code.dropFirst(Self.glowPrefix.count))) {
            self = .glow(g)
        } else {
            self = .unknown(code)
        }
    }

    public var description: String { code }

    /// Whether this build knows the flag (false only for ``unknown(_:)``).
    public var isKnown: Bool {
        if case .unknown = self { false } else { true }
    }

    /// Every flag this build knows, glow flags included.
    public static let allKnown: [DoseFlag] = Named.allCases.map(DoseFlag.init) + GlowFlagCode.allCases.map(DoseFlag.glow)

    static let glowPrefix = "glow-"

    /// The flags without a payload, by their stored codes. The two exhaustive switches below tie it to
    /// the cases above: a new case does not compile until it has a code here (``coded``), and then it is in
    /// ``allKnown`` and reads back from the store.
    enum Named: String, CaseIterable {
        case deepElementLost = "deep-element-lost"
        case shallowElementLost = "shallow-element-lost"
        case filteredElementLost = "filtered-element-lost"
        case hp10FromFilteredElements = "hp10-from-filtered-elements"
        case hp10NotAssessable = "hp10-not-assessable"
        case hp007NotAssessable = "hp007-not-assessable"
        case belowDetectionLimit = "below-detection-limit"
        case elementOutOfPattern = "element-out-of-pattern"
        case noBackgroundCorrection = "no-background-correction"
        case betaComponent = "beta-component"
        case nonLinearityCorrected = "non-linearity-corrected"
        case thermalHistoryNotEstimated = "thermal-history-not-estimated"
        case annealDateUnknown = "anneal-date-unknown"
        case glowCurveInvalid = "glow-curve-invalid"
        case elementCorrectionExpired = "element-correction-expired"
        case neutronAlgorithmNotAvailable = "neutron-algorithm-not-available"
        case readerQCFailed = "reader-qc-failed"
        case correctedByPhysicist = "corrected-by-physicist"
        case rejectedByPhysicist = "rejected-by-physicist"
    }

    /// The flag as what its code is made of.
    enum Coded { case named(Named), glow(GlowFlagCode), unknown(String) }

    var coded: Coded {
        switch self {
        case .deepElementLost: .named(.deepElementLost)
        case .shallowElementLost: .named(.shallowElementLost)
        case .filteredElementLost: .named(.filteredElementLost)
        case .hp10FromFilteredElements: .named(.hp10FromFilteredElements)
        case .hp10NotAssessable: .named(.hp10NotAssessable)
        case .hp007NotAssessable: .named(.hp007NotAssessable)
        case .belowDetectionLimit: .named(.belowDetectionLimit)
        case .elementOutOfPattern: .named(.elementOutOfPattern)
        case .noBackgroundCorrection: .named(.noBackgroundCorrection)
        case .betaComponent: .named(.betaComponent)
        case .nonLinearityCorrected: .named(.nonLinearityCorrected)
        case .thermalHistoryNotEstimated: .named(.thermalHistoryNotEstimated)
        case .annealDateUnknown: .named(.annealDateUnknown)
        case .glowCurveInvalid: .named(.glowCurveInvalid)
        case .elementCorrectionExpired: .named(.elementCorrectionExpired)
        case .neutronAlgorithmNotAvailable: .named(.neutronAlgorithmNotAvailable)
        case .readerQCFailed: .named(.readerQCFailed)
        case .correctedByPhysicist: .named(.correctedByPhysicist)
        case .rejectedByPhysicist: .named(.rejectedByPhysicist)
        case let .glow(g): .glow(g)
        case let .unknown(code): .unknown(code)
        }
    }

    init(_ named: Named) {
        switch named {
        case .deepElementLost: self = .deepElementLost
        case .shallowElementLost: self = .shallowElementLost
        case .filteredElementLost: self = .filteredElementLost
        case .hp10FromFilteredElements: self = .hp10FromFilteredElements
        case .hp10NotAssessable: self = .hp10NotAssessable
        case .hp007NotAssessable: self = .hp007NotAssessable
        case .belowDetectionLimit: self = .belowDetectionLimit
        case .elementOutOfPattern: self = .elementOutOfPattern
        case .noBackgroundCorrection: self = .noBackgroundCorrection
        case .betaComponent: self = .betaComponent
        case .nonLinearityCorrected: self = .nonLinearityCorrected
        case .thermalHistoryNotEstimated: self = .thermalHistoryNotEstimated
        case .annealDateUnknown: self = .annealDateUnknown
        case .glowCurveInvalid: self = .glowCurveInvalid
        case .elementCorrectionExpired: self = .elementCorrectionExpired
        case .neutronAlgorithmNotAvailable: self = .neutronAlgorithmNotAvailable
        case .readerQCFailed: self = .readerQCFailed
        case .correctedByPhysicist: self = .correctedByPhysicist
        case .rejectedByPhysicist: self = .rejectedByPhysicist
        }
    }
}
