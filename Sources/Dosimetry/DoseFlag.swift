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
    /// The shallow element reads more than the photon pattern allows: a beta component (or a
    /// contaminated shallow element). Hp(0.07) includes it.
    case betaComponent = "beta-component"
    /// Above the linear range of the phosphor: the non-linearity correction was applied.
    case nonLinearityCorrected = "non-linearity-corrected"
    /// The card's storage temperature could not be read from its glow curve (peaks 2–3 below noise,
    /// or a ratio outside the plausible storage range): the 20 °C fading model was applied. Set only on
    /// a dose above the detection limit (docs/thermal-history.md).
    case thermalHistoryNotEstimated = "thermal-history-not-estimated"
}
