import Dosimetry
import LabStore

extension ReviewPolicy {
    /// The review reason a dose flag raises, nil for an informational flag. An exhaustive switch: a new
    /// ``DoseFlag`` (or ``GlowFlagCode``) does not compile until it is routed here (docs/evaluation.md).
    public static func reason(for flag: DoseFlag) -> ReviewReason? {
        switch flag {
        // A quantity rests on fewer elements than the algorithm uses, or on no background, or on no
        // fading correction: the physicist decides.
        case .deepElementLost, .shallowElementLost, .filteredElementLost, .hp10FromFilteredElements,
             .hp10NotAssessable, .hp007NotAssessable, .elementOutOfPattern, .noBackgroundCorrection,
             .annealDateUnknown, .glowCurveInvalid, .elementCorrectionExpired, .readerQCFailed:
            return .qualityFlags
        case .neutronAlgorithmNotAvailable:
            return .neutronNotEvaluated
        // Part of a correct dose (stated on it), or a version the physicist already wrote.
        case .belowDetectionLimit, .betaComponent, .nonLinearityCorrected, .thermalHistoryNotEstimated,
             .correctedByPhysicist, .rejectedByPhysicist:
            return nil
        case let .glow(code):
            switch code {
            // Faults that make the ROI integral itself doubtful.
            case .spike, .saturation, .peakShift, .darkCount:
                return .qualityFlags
            // Informational: the ROI excludes the low-temperature peaks, and the heater's glow is part
            // of the background the control dosimeters measure (docs/glow-flags.md). The fit's flags
            // and the residual check are not part of the batch screen.
            case .incandescence, .lowTemperaturePeak, .fomHigh, .implausibleParameter, .residualAfterAnneal:
                return nil
            }
        // A flag this build does not know: the physicist sees it rather than nobody.
        case .unknown:
            return .qualityFlags
        }
    }
}
