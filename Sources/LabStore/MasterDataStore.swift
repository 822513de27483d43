import Foundation

/// The lab's master data beyond the card cycle: customers with their full record and lab-assigned
/// numbers, wearers with birth dates, enrolment changes and look-ups by number, card stock, and the
/// import of an existing lab's data in one transaction.
public protocol MasterDataStore: Sendable {
    /// Inserts a new customer; with an empty `id` the store assigns the next `K-` number (`K-1001`
    /// on an empty database). Refuses a number already in use.
    func addCustomer(_ customer: Customer) throws(LabStoreError) -> Customer
    /// Replaces an existing customer's record.
    func updateCustomer(_ customer: Customer) throws(LabStoreError) -> Customer

    /// Inserts a wearer; refuses a national ID already recorded for this customer.
    func addWearer(customerID: String, name: String, nationalID: ProtectedNationalID, birthDate: CalendarDay?) throws(LabStoreError) -> Wearer
    /// Replaces an existing wearer's name, national ID and birth date.
    func updateWearer(_ wearer: Wearer) throws(LabStoreError) -> Wearer
    /// The customer's wearer with this look-up hash.
    func wearer(customerID: String, lookup: Data) throws(LabStoreError) -> Wearer?
    /// Every wearer, by customer then name.
    func allWearers() throws(LabStoreError) -> [Wearer]

    /// The enrolment with this `TILM-` number.
    func enrolment(number: String) throws(LabStoreError) -> Enrolment?
    /// Every enrolment, by number.
    func allEnrolments() throws(LabStoreError) -> [Enrolment]
    /// Replaces an existing enrolment's period fields and dates (its number, wearer and customer stay).
    func updateEnrolment(_ enrolment: Enrolment) throws(LabStoreError) -> Enrolment

    /// Every card, by number.
    func allCards() throws(LabStoreError) -> [Card]
    /// Takes a card out of service for good, with the reason.
    func retireCard(id: String, why: String) throws(LabStoreError) -> CardRetirement
    /// The card's retirements (at most one).
    func retirements(cardID: String) throws(LabStoreError) -> [CardRetirement]

    /// Writes a checked import in one transaction: customers by number, wearers by the national ID's
    /// look-up hash within their customer, enrolments by customer, wearer, type, period length and
    /// start date. What exists and is the same is left alone, so a second import changes nothing.
    func importMasterData(_ data: MasterDataImport) throws(LabStoreError) -> MasterDataImportSummary
}
