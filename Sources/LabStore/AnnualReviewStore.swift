import Foundation

/// What a customer's annual review reads, as set queries (docs/dose-records.md, "Annual review"):
/// the dose records of all its wearers over the review's five years in one read, and the arrival
/// inspections of its issues in one year. Asking per worker (a dose record each) made the review of
/// 500 workers × 10 years of monthly periods take 2.3 s; the issue's target is < 1 s.
public protocol AnnualReviewStore: CaseStore {
    /// The dose record, as ``DoseRecordStore/doseRecord(nationalIDLookup:)`` gives it but only the
    /// periods ending in `from...through`, of every person with a wearer row at the customer, by
    /// look-up hash (their periods at every customer). A person without such periods is absent.
    func doseRecords(wearersOf customerID: String, periodEndFrom from: CalendarDay, through: CalendarDay) throws(LabStoreError) -> [Data: [DoseRecordPeriod]]
    /// The customer's arrival inspections of the issues whose period ended in `from...through`, by
    /// issue (the last inspection of an issue wins), as ``EvaluationStore/arrivalInspections(customerID:)``
    /// gives them for those issues.
    func arrivalInspections(customerID: String, periodEndFrom from: CalendarDay, through: CalendarDay) throws(LabStoreError) -> [CardIssue.ID: CardInspection]
}
