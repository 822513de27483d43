import GlowCurve

/// Which glow-curve quality finding a ``DoseFlag/glow(_:)`` flag records: the finding's kind without
/// its measurements (those go into the dose's remarks). Raw values are the codes of
/// `QualityFlag.code` (GlowCurve), stored on doses as `glow-<code>` (docs/glow-flags.md).
public enum GlowFlagCode: String, Sendable, Hashable, CaseIterable {
    case peakShift = "peak-shift"
    case spike = "spike"
    case fomHigh = "fom-high"
    case saturation = "saturation"
    case incandescence = "incandescence"
    case residualAfterAnneal = "residual-after-anneal"
    case lowTemperaturePeak = "low-temperature-peak"
    case implausibleParameter = "implausible-parameter"
    case darkCount = "dark-count"

    /// The code of a glow-curve finding. An exhaustive switch: a new `QualityFlag` case does not
    /// compile until it has a code here.
    public init(_ flag: QualityFlag) {
        switch flag {
        case .dosimetricPeakShifted: self = .peakShift
        case .spike: self = .spike
        case .figureOfMeritTooHigh: self = .fomHigh
        case .saturated: self = .saturation
        case .incandescence, .incandescenceAboveBlank: self = .incandescence
        case .residualSignalAfterAnneal: self = .residualAfterAnneal
        case .highLowTemperaturePeak: self = .lowTemperaturePeak
        case .implausibleParameter: self = .implausibleParameter
        case .darkCountsAboveBlank: self = .darkCount
        }
    }
}
