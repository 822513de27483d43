import Foundation

/// The calibration role in the lab's store contract: the history of calibration values (reader
/// calibration factors, element correction coefficients), each appended, never changed; the value in
/// force at a date is the latest `validFrom` not after it. ``DoseStore`` refines it.
public protocol CalibrationStore: Sendable {
    // MARK: Calibration

    /// Appends a calibration value (stamped `createdAt` with the store's clock).
    func saveCalibration(_ record: CalibrationRecord) throws(LabStoreError) -> CalibrationRecord

    /// The full history of a kind of calibration for a subject, by `validFrom` then `createdAt`.
    func calibrations(kind: CalibrationKind, subject: String) throws(LabStoreError) -> [CalibrationRecord]

    /// The value in force at `date`: latest `validFrom` not after it, latest `createdAt` on a tie.
    func calibration(
        kind: CalibrationKind, subject: String, at date: Date
    ) throws(LabStoreError) -> CalibrationRecord?
}
