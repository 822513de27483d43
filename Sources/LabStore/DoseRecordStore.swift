import Foundation

/// The store side of a person's dose record (issue 13): every period of a person across customers,
/// found by the national ID's look-up hash (never by name), and the doses assigned to periods whose
/// dosimeter gave none.
///
/// ```swift
/// let lookup = try protector.lookup("010180-1001")
/// let periods = try store.doseRecord(nationalIDLookup: lookup)
/// let year = DoseRecordSums.summary(periods, window: .year(2027))
/// ```
public protocol DoseRecordStore: LabRecordStore {
    /// The wearer rows of one person (one per customer they are a wearer at), by id.
    func wearers(nationalIDLookup: Data) throws(LabStoreError) -> [Wearer]
    /// Every period of the person, by period end, period start, then issue: the periods of their
    /// enrolments (a card they handed over as ``DoseRecordStatus/handedOver``) and the periods they
    /// wore on a card handed over to them.
    func doseRecord(nationalIDLookup: Data) throws(LabStoreError) -> [DoseRecordPeriod]
    /// The wearer who wore the issue's card (the card's wearer, or the person it was handed over to);
    /// nil when it was handed over to a person known by name only. Their `nationalIDLookup` finds
    /// their whole record.
    func wornBy(issueID: CardIssue.ID) throws(LabStoreError) -> Wearer?

    /// Stores an assigned dose (``AssignedDose``); the database refuses one for a period with a
    /// measured dose, a second one that does not replace the first, and a "lost" dosimeter that came back.
    func assignDose(_ dose: AssignedDose) throws(LabStoreError) -> AssignedDose
    /// The current assigned dose of each issue that has one (a replaced one is not current).
    func currentAssignedDoses(issueIDs: [CardIssue.ID]) throws(LabStoreError) -> [CardIssue.ID: AssignedDose]
}
