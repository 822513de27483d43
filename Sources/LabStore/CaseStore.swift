import Foundation

/// The store side of monitoring-level cases, their investigations and authority notifications
/// (docs/levels-and-cases.md). Opening a case and raising a notification are idempotent: a re-run
/// finds the row a first run made (UNIQUE keys), so nothing is ever opened or raised twice.
public protocol CaseStore: EvaluationStore, DoseRecordStore {
    /// The person and period of a wearer's dose; nil for the lab's own dosimeters and unattributed cards.
    func dosePerson(dose: DoseResult.ID) throws(LabStoreError) -> DosePerson?
    /// A person's Hp(10) (whole-body + neutron, the person dose record's convention) over the periods
    /// ending in `from...through`: every released or assigned dose, plus `including` when it is
    /// current but not released yet.
    func personHp10Sum(personLookup: Data, from: CalendarDay, through: CalendarDay, including: DoseResult.ID?) throws(LabStoreError) -> Double

    /// The current version of every dose, oldest first (for `tld cases check`).
    func currentDoseIDs() throws(LabStoreError) -> [DoseResult.ID]

    /// Records that a released dose's level check has run.
    func markLevelsChecked(dose: DoseResult.ID) throws(LabStoreError)
    /// Current released doses whose level check has not run (a command killed in between), oldest first.
    func releasedDosesNotChecked() throws(LabStoreError) -> [DoseResult.ID]

    /// Inserts the case unless the person already has one of that kind for that period; returns the
    /// stored case and whether it is new.
    func openCase(_ levelCase: LevelCase) throws(LabStoreError) -> (levelCase: LevelCase, isNew: Bool)
    /// Points an open case at a newer version of the same card's dose (a correction), with its value.
    func updateCaseDose(caseID: LevelCase.ID, doseID: DoseResult.ID, valueMilliSievert: Double) throws(LabStoreError)
    /// Raises the case's notification unless it has one; returns it and whether it is new.
    func raiseNotification(caseID: LevelCase.ID, on day: CalendarDay) throws(LabStoreError) -> (notification: AuthorityNotification, isNew: Bool)

    func levelCase(id: LevelCase.ID) throws(LabStoreError) -> LevelCase?
    /// Cases, oldest deadline first; open ones only unless `includeClosed`.
    func levelCases(includeClosed: Bool, customerID: String?) throws(LabStoreError) -> [LevelCase]
    func investigation(caseID: LevelCase.ID) throws(LabStoreError) -> CaseInvestigation?
    /// Merges what `update` gives into the case's investigation record (an open case only).
    func recordInvestigation(_ update: CaseInvestigation) throws(LabStoreError) -> CaseInvestigation
    /// Closes a case; refused (by the database too) unless its investigation is complete and its
    /// notification, if any, is marked sent.
    func closeCase(id: LevelCase.ID, by who: String) throws(LabStoreError) -> LevelCase

    func notifications(unsentOnly: Bool) throws(LabStoreError) -> [AuthorityNotification]
    func notification(id: AuthorityNotification.ID) throws(LabStoreError) -> AuthorityNotification?
    func notification(caseID: LevelCase.ID) throws(LabStoreError) -> AuthorityNotification?
    func markNotificationSent(id: AuthorityNotification.ID, by who: String, how: NotificationChannel, at: Date) throws(LabStoreError) -> AuthorityNotification

    /// Records that the customer's annual review of `year` was written (the first time counts).
    func recordAnnualReview(customerID: String, year: Int, by who: String) throws(LabStoreError)
    /// When each customer's annual review of `year` was first written, by customer.
    func annualReviewsWritten(year: Int) throws(LabStoreError) -> [String: Date]
}
