import Foundation
import GRDB

/// A subscription of one wearer to one dosimeter type and period length (DOMAIN.md §2): the
/// `enrolment` table. Its number `TILM-` + 8 digits is unique and printed on packing slips.
public struct Enrolment: Sendable, Hashable, Codable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "enrolment"
    public typealias ID = RecordID<Enrolment>

    public var id: ID?
    /// `TILM-` followed by 8 digits; assigned by the store.
    public var number: String
    public var wearerID: Wearer.ID
    public var customerID: String
    public var dosimeterType: DosimeterType
    public var periodLength: PeriodLength
    /// The wanted start date (the first period may start earlier, DOMAIN.md §2).
    public var startDate: CalendarDay
    /// Last day covered, when the customer gave one or unsubscribed.
    public var endDate: CalendarDay?
    /// The day the order arrived.
    public var orderedOn: CalendarDay
    /// Set when the lab enrolled this person because a card was handed over to them.
    public var handedOverFromIssueID: Int64?

    public init(
        id: ID? = nil, number: String = "", wearerID: Wearer.ID, customerID: String,
        dosimeterType: DosimeterType, periodLength: PeriodLength, startDate: CalendarDay,
        endDate: CalendarDay? = nil, orderedOn: CalendarDay, handedOverFromIssueID: Int64? = nil
    ) {
        self.id = id
        self.number = number
        self.wearerID = wearerID
        self.customerID = customerID
        self.dosimeterType = dosimeterType
        self.periodLength = periodLength
        self.startDate = startDate
        self.endDate = endDate
        self.orderedOn = orderedOn
        self.handedOverFromIssueID = handedOverFromIssueID
    }

    /// Whether `number` has the form `TILM-` + 8 digits.
    public static func isValidNumber(_ number: String) -> Bool {
        number.hasPrefix("TILM-") && number.utf8.count == 13
            && number.utf8.dropFirst(5).allSatisfy { (0x30...0x39).contains($0) }
    }

    /// The enrolment number for a sequence value: `TILM-00000042`.
    public static func number(sequence: Int) -> String {
        let digits = String(sequence)
        return "TILM-" + String(repeating: "0", count: max(0, 8 - digits.count)) + digits
    }

    /// Whether the enrolment covers `day` (no end date = open-ended).
    public func isActive(on day: CalendarDay) -> Bool {
        endDate.map { day <= $0 } ?? true
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = ID(rawValue: inserted.rowID) }
}
