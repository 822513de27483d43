import Foundation

/// A subscription of one wearer to one dosimeter type and period length (DOMAIN.md §2): the
/// `enrolment` table. Its number `TILM-` + 8 digits is unique and printed on packing slips.
public struct Enrolment: Sendable, Hashable, Codable {
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
    /// The day of the month cards are changed: 1 or 15 (two-week periods use both; stored as 1).
    public var changeDay: Int
    /// For 3-month periods, the first month of the quarterly cycle: 1 = Jan/Apr/Jul/Oct,
    /// 2 = Feb/May/Aug/Nov, 3 = Mar/Jun/Sep/Dec (1 for other lengths).
    public var cycleMonth: Int

    public init(
        id: ID? = nil, number: String = "", wearerID: Wearer.ID, customerID: String,
        dosimeterType: DosimeterType, periodLength: PeriodLength, startDate: CalendarDay,
        endDate: CalendarDay? = nil, orderedOn: CalendarDay, handedOverFromIssueID: Int64? = nil,
        changeDay: Int? = nil, cycleMonth: Int? = nil
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
        self.changeDay = changeDay ?? Self.standardChangeDay(for: periodLength)
        self.cycleMonth = cycleMonth ?? 1
    }

    /// The lab's standard change day when none is given: 3-month cards change on the 15th (15 Jan,
    /// Apr, Jul, Oct: the seed's example, DOMAIN.md §1), the others on the 1st. The same as
    /// `PeriodSchedule.standard(for:length:)` in LabWorkflow (a test checks they agree).
    public static func standardChangeDay(for length: PeriodLength) -> Int {
        length == .threeMonths ? 15 : 1
    }

    /// Why the period fields cannot be stored together, or nil: the type's period lengths
    /// (DOMAIN.md §1), change day 1 or 15, cycle month 1–3.
    public static func periodProblem(type: DosimeterType, length: PeriodLength, changeDay: Int, cycleMonth: Int) -> String? {
        guard type.periodLengths.contains(length) else {
            let offered = type.periodLengths.map(\.rawValue).joined(separator: " or ")
            return "\(type.displayName) cards are not offered for \(length.rawValue) periods (only \(offered))"
        }
        guard changeDay == 1 || changeDay == 15 else { return "the change day is the 1st or the 15th, not \(changeDay)" }
        guard (1...3).contains(cycleMonth) else { return "the quarter cycle month is 1, 2 or 3, not \(cycleMonth)" }
        return nil
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
}

extension Enrolment {
    /// The same enrolment with the fields its period length ignores set to 1: two-week periods use
    /// both the 1st and the 15th, and only 3-month periods have a quarter cycle.
    public var normalisedSchedule: Enrolment {
        var e = self
        if periodLength == .twoWeeks { e.changeDay = 1 }
        if periodLength != .threeMonths { e.cycleMonth = 1 }
        return e
    }
}
