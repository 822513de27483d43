/// How long a person's monitoring records are kept (Czech monitoring-programme template §9, DOMAIN.md
/// §4): "až do doby, kdy pracovník dosáhne, nebo by dosáhl 75 let věku, nejméně však 30 let po ukončení
/// činnosti" — until the worker is (or would be) 75 years old, and at least 30 years after the work
/// ended. The work's end is taken as the end of the last monitored period. The same rule guards every
/// delete of a wearer or enrolment in the database (migration `v9-records`).
public enum RetentionRule {
    /// The day from which the person's records may be deleted; nil without a birth date (then never).
    public static func retentionDate(birthDate: CalendarDay?, lastPeriodEnd: CalendarDay?) -> CalendarDay? {
        guard let birthDate else { return nil }
        let age75 = birthDate.adding(months: 75 * 12)
        guard let lastPeriodEnd else { return age75 }
        return max(age75, lastPeriodEnd.adding(months: 30 * 12))
    }
}

/// What the retention report needs of one person (by national-ID look-up hash).
public struct PersonRetention: Sendable, Hashable {
    public var lookup: [UInt8]
    /// The person's wearer rows: (wearer, customer, name), by id.
    public var wearers: [(id: Wearer.ID, customerID: String, name: String)]
    public var birthDate: CalendarDay?
    public var firstPeriodStart: CalendarDay?
    public var lastPeriodEnd: CalendarDay?
    public var periods: Int

    public init(lookup: [UInt8], wearers: [(id: Wearer.ID, customerID: String, name: String)], birthDate: CalendarDay?,
                firstPeriodStart: CalendarDay?, lastPeriodEnd: CalendarDay?, periods: Int) {
        self.lookup = lookup
        self.wearers = wearers
        self.birthDate = birthDate
        self.firstPeriodStart = firstPeriodStart
        self.lastPeriodEnd = lastPeriodEnd
        self.periods = periods
    }

    public var retentionDate: CalendarDay? { RetentionRule.retentionDate(birthDate: birthDate, lastPeriodEnd: lastPeriodEnd) }

    public static func == (a: Self, b: Self) -> Bool {
        a.lookup == b.lookup && a.wearers.map(\.id) == b.wearers.map(\.id) && a.birthDate == b.birthDate
            && a.firstPeriodStart == b.firstPeriodStart && a.lastPeriodEnd == b.lastPeriodEnd && a.periods == b.periods
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(lookup) }
}
