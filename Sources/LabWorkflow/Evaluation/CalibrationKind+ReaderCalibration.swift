import Dosimetry
import LabStore

extension CalibrationKind {
    /// A reader calibration value: net counts per mSv of the element with `role` (subject: the reader
    /// serial; stored as `countsPerMilliSievert/<role>`, docs/dose-algorithm.md). The one place this
    /// kind is spelled.
    public static func countsPerMilliSievert(_ role: ElementRole) -> CalibrationKind {
        CalibrationKind(rawValue: "countsPerMilliSievert/\(role.rawValue)")
    }
}
