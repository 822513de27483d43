import Foundation

/// A person's running dose sums printed next to a period's dose on a customer document: the calendar
/// year to date and the lifetime, both up to and including that period (docs/dose-records.md).
public struct PersonDoseSums: Sendable, Hashable, Codable {
    /// One sum, with what the reader must know about it.
    public struct Sum: Sendable, Hashable, Codable {
        /// nil for a finger dosimeter (Hp(0.07) only).
        public var hp10MilliSievert: Double?
        public var hp007MilliSievert: Double
        /// An assigned dose is part of the sum (printed with "*").
        public var includesAssigned: Bool
        /// Periods still without a dose (not returned, not released): the sum is a lower bound (printed with "+").
        public var openPeriods: Int

        public init(hp10MilliSievert: Double?, hp007MilliSievert: Double, includesAssigned: Bool = false, openPeriods: Int = 0) {
            self.hp10MilliSievert = hp10MilliSievert
            self.hp007MilliSievert = hp007MilliSievert
            self.includesAssigned = includesAssigned
            self.openPeriods = openPeriods
        }

        /// A value as printed: "1.23", with "*" when an assigned dose is in it and "+" when it is a
        /// lower bound; "—" without one.
        public func printed(_ value: Double?) -> String {
            guard let value else { return "—" }
            return String(format: "%.2f", value) + (includesAssigned ? "*" : "") + (openPeriods > 0 ? "+" : "")
        }

        /// The CSV remark on the sum: "includes assigned dose; 2 open periods".
        public var note: String {
            var out: [String] = []
            if includesAssigned { out.append("includes an assigned dose") }
            if openPeriods > 0 { out.append("\(openPeriods) open period\(openPeriods == 1 ? "" : "s")") }
            return out.joined(separator: ", ")
        }
    }

    /// The calendar year summed (the year of the period's end).
    public var year: Int
    public var yearToDate: Sum
    public var lifetime: Sum

    public init(year: Int, yearToDate: Sum, lifetime: Sum) {
        self.year = year
        self.yearToDate = yearToDate
        self.lifetime = lifetime
    }
}
