import Foundation

extension DoseAudit {
    /// Every dose change names who made it and why (both backends check this before they write; the
    /// `doseAudit` table's NOT NULL/CHECK constraints refuse it again in the database).
    ///
    /// - Throws: ``LabStoreError/invalidRecord(_:)`` when `who` or `why` is empty or only spaces.
    public func validate() throws(LabStoreError) {
        guard !who.trimmingCharacters(in: .whitespaces).isEmpty,
              !why.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw .invalidRecord("a dose change needs who and why")
        }
    }
}
