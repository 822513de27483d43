import Foundation

/// Two desks exporting the same periods at once: each works out what to send before its export is
/// recorded, so the second may be about to send again what the first just sent. The store checks, in
/// the transaction that records the export (after the other export committed), that every record is
/// still new: an original of a period with nothing sent yet, or the correction of the record last
/// sent for its period and person. Otherwise nothing is recorded (the command removes its file) and
/// the desk runs the export again, which then sends only what is still new.
public enum RegistryExportConflict {
    public static let message = "another registry export recorded some of these periods meanwhile; nothing was written: run the export again"

    /// Refuses `records` unless each one follows the latest record sent for its period and person
    /// (`latest`: the records of those periods that no record corrects).
    public static func check(_ records: [RegistryLogRecord], latest: [RegistryLogRecord]) throws(LabStoreError) {
        var last: [String: Int64] = [:]
        func key(_ r: RegistryLogRecord) -> String { "\(r.issueID.rawValue):" + r.personLookup.base64EncodedString() }
        for r in latest { last[key(r)] = r.id }
        for r in records where r.correctsID != last[key(r)] {
            throw .constraintViolation(operation: "record a registry export", message: message)
        }
    }
}
