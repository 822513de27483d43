import Foundation

/// A monitoring level crossed by one person in one period, quarter or calendar year: the `levelCase`
/// table. The person is the national ID's look-up hash (never the name), so a person working for two
/// customers has one case per level and span. A case closes only when its investigation is complete
/// (and its authority notification, if any, is marked sent): SQLite triggers enforce both.
public struct LevelCase: Sendable, Hashable, Codable {
    public typealias ID = RecordID<LevelCase>

    public var id: ID?
    public var personLookup: Data
    public var kind: CaseKind
    /// "2026-10-01..2026-10-31" (a period), "2026-Q4" (a calendar quarter) or "2026" (a calendar year).
    public var periodKey: String
    /// The customer whose dose crossed the level.
    public var customerID: String
    public var wearerID: Wearer.ID
    /// The dose whose evaluation or release crossed the level.
    public var doseID: DoseResult.ID
    /// The period dose or the running sum that crossed it.
    public var valueMilliSievert: Double
    public var levelMilliSievert: Double
    public var openedOn: CalendarDay
    public var openedAt: Date
    public var deadline: CalendarDay
    public var closedAt: Date?
    public var closedBy: String?

    public init(id: ID? = nil, personLookup: Data, kind: CaseKind, periodKey: String, customerID: String, wearerID: Wearer.ID,
                doseID: DoseResult.ID, valueMilliSievert: Double, levelMilliSievert: Double, openedOn: CalendarDay, openedAt: Date,
                deadline: CalendarDay, closedAt: Date? = nil, closedBy: String? = nil) {
        self.id = id
        self.personLookup = personLookup
        self.kind = kind
        self.periodKey = periodKey
        self.customerID = customerID
        self.wearerID = wearerID
        self.doseID = doseID
        self.valueMilliSievert = valueMilliSievert
        self.levelMilliSievert = levelMilliSievert
        self.openedOn = openedOn
        self.openedAt = openedAt
        self.deadline = deadline
        self.closedAt = closedAt
        self.closedBy = closedBy
    }

    public var isOpen: Bool { closedAt == nil }
}
