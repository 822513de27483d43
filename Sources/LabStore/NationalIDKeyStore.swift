import Foundation

/// What the store keeps about the national-ID key: its check value, and the sealed IDs a key
/// rotation must re-seal. See ``NationalIDKeyring``.
public protocol NationalIDKeyStore: Sendable {
    /// The stored key check value, or nil before the first key was recorded.
    func nationalIDKeyCheck() throws(LabStoreError) -> Data?
    /// Records `value` as the key check value when none is stored yet, and returns the stored value
    /// (which differs from `value` when another key was recorded first).
    func recordNationalIDKeyCheck(_ value: Data) throws(LabStoreError) -> Data
    /// How many sealed national IDs the database holds (wearers).
    func sealedNationalIDCount() throws(LabStoreError) -> Int
    /// One stored sealed ID, to test a key against a database that has no check value yet.
    func someSealedNationalID() throws(LabStoreError) -> ProtectedNationalID?
    /// Re-seals every stored national ID and its look-up hash with `reseal` and replaces the check
    /// value `expectedCheck` by `newCheck`, all in one transaction: either every ID is under the new key
    /// and the check value is the new key's, or nothing changed. Returns the number of IDs re-sealed.
    func resealNationalIDs(
        expectedCheck: Data, newCheck: Data, reseal: (ProtectedNationalID) throws -> ProtectedNationalID
    ) throws(LabStoreError) -> Int
}
