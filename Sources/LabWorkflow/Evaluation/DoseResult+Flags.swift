import Dosimetry
import LabStore

extension DoseResult {
    /// The dose's flags, typed. The store keeps their codes (``DoseFlag/code``); a code this build does
    /// not know reads as ``DoseFlag/unknown(_:)`` and is shown as stored, never dropped.
    public var doseFlags: [DoseFlag] { flags.map(DoseFlag.init(code:)) }
}
