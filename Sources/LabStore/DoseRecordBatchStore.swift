import Foundation

/// The dose records of many persons in one read, for documents that print each person's running sums
/// (the result list's year-to-date and lifetime columns), and who released a customer's doses (the
/// result list's signature line). A per-person query for 2 000 wearers would be 2 000 reads.
///
/// ```swift
/// let records = try store.doseRecords(nationalIDLookups: wearers.map(\.nationalIDLookup))
/// let lifetime = DoseRecordSums.summary(records[lookup] ?? [], window: .lifetime)
/// ```
public protocol DoseRecordBatchStore: DoseRecordStore {
    /// Each person's dose record, as ``DoseRecordStore/doseRecord(nationalIDLookup:)`` gives it, by
    /// look-up hash. A person without a wearer row or without periods is absent.
    func doseRecords(nationalIDLookups: [Data]) throws(LabStoreError) -> [Data: [DoseRecordPeriod]]
    /// Who released the current released doses of the customer's issues whose period ended between
    /// `from` and `to` (inclusive), with how many doses each, most first (the `who` of the dose's
    /// first audit entry in state `released`).
    func releasers(customerID: String, from: CalendarDay, to: CalendarDay) throws(LabStoreError) -> [(who: String, doses: Int)]
}
