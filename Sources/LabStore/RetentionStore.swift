/// The store side of retention: every person with what decides their retention date.
public protocol RetentionStore: DoseRecordStore {
    /// Every person (wearer rows grouped by national-ID look-up hash), with their birth date and
    /// their monitored periods (their own and those worn on a card handed over to them).
    func personRetention() throws(LabStoreError) -> [PersonRetention]
}
