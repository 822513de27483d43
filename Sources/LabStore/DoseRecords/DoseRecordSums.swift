/// Sums over a person's dose record: per calendar quarter, calendar year, the last five calendar years
/// and the lifetime (docs/dose-records.md). Pure: a function of the periods only.
///
/// Conventions:
/// - A period counts in the quarter and year in which it **ends**. A period is evaluated as a whole
///   and never split: the Czech programme sums the monitoring periods ("sečtením v jednotlivých
///   monitorovacích obdobích", §8), and the Danish 3-month cards run 15 Jan–14 Apr etc. (seed 004,
///   footnote 5), across calendar quarters.
/// - Measured and assigned doses count with their value; a dose below the detection limit counts as 0;
///   periods without a dose (not returned, pending, no valid result, handed over) count as 0 and are
///   counted as open, so the sum is known to be a lower bound.
/// - Sums are per dosimeter type; the person's Hp(10) is whole-body + neutron (a shoulder card is a
///   second body dosimeter, a finger card measures the extremity: neither is added to it).
public enum DoseRecordSums {
    /// A calendar quarter, 1…4.
    public struct Quarter: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
        public var year: Int
        public var quarter: Int
        public init(year: Int, quarter: Int) {
            self.year = year
            self.quarter = quarter
        }
        public init(containing day: CalendarDay) { self.init(year: day.year, quarter: (day.month - 1) / 3 + 1) }
        public var first: CalendarDay { (try? CalendarDay(year: year, month: (quarter - 1) * 3 + 1, day: 1)) ?? CalendarDay(daysSinceEpoch: 0) }
        public var last: CalendarDay { first.adding(months: 2).lastDayOfMonth }
        public var description: String { "\(year)-Q\(quarter)" }
        public static func < (a: Quarter, b: Quarter) -> Bool { (a.year, a.quarter) < (b.year, b.quarter) }
    }

    /// What a sum covers.
    public enum Window: Sendable, Hashable, CustomStringConvertible {
        case quarter(Quarter)
        case year(Int)
        /// The five calendar years ending with this one (the five-year limit of Directive
        /// 2013/59/Euratom Art. 9(2): 100 mSv in five consecutive years).
        case fiveYears(endingWith: Int)
        case lifetime

        /// The periods' ends it covers, inclusive.
        public var days: ClosedRange<CalendarDay>? {
            func day(_ y: Int, _ m: Int, _ d: Int) -> CalendarDay { (try? CalendarDay(year: y, month: m, day: d)) ?? CalendarDay(daysSinceEpoch: 0) }
            switch self {
            case let .quarter(q): return q.first...q.last
            case let .year(y): return day(y, 1, 1)...day(y, 12, 31)
            case let .fiveYears(y): return day(y - 4, 1, 1)...day(y, 12, 31)
            case .lifetime: return nil
            }
        }

        public var description: String {
            switch self {
            case let .quarter(q): "quarter \(q)"
            case let .year(y): "year \(y)"
            case let .fiveYears(y): "5 years \(y - 4)–\(y)"
            case .lifetime: "lifetime"
            }
        }
    }

    /// The sums of one dosimeter type (or all) over a window.
    public struct Totals: Sendable, Hashable, Codable {
        public var hp10MilliSievert: Double = 0
        public var hp007MilliSievert: Double = 0
        public var periods = 0
        public var measured = 0
        public var belowDetectionLimit = 0
        public var assigned = 0
        /// Periods still without a dose (not returned, pending, no valid result).
        public var open = 0
        public init() {}

        mutating func add(_ p: DoseRecordPeriod) {
            periods += 1
            hp10MilliSievert += p.countedHp10MilliSievert
            hp007MilliSievert += p.countedHp007MilliSievert
            switch p.status {
            case .measured: measured += 1
            case .belowDetectionLimit: belowDetectionLimit += 1
            case .assigned: assigned += 1
            case .notReturned, .pending, .noValidResult: open += 1
            case .handedOver: break
            }
        }
    }

    /// A window's sums.
    public struct Summary: Sendable, Hashable {
        public var window: Window
        public var byType: [DosimeterType: Totals]
        /// The person's Hp(10): whole-body + neutron.
        public var personalHp10MilliSievert: Double {
            (byType[.wholeBody]?.hp10MilliSievert ?? 0) + (byType[.neutron]?.hp10MilliSievert ?? 0)
        }
        /// Periods still without a dose in the window, all types.
        public var open: Int { byType.values.reduce(0) { $0 + $1.open } }
    }

    /// The person's sums over `window`. Periods handed over to someone else are not counted.
    public static func summary(_ periods: [DoseRecordPeriod], window: Window) -> Summary {
        var byType: [DosimeterType: Totals] = [:]
        let days = window.days
        for p in periods where p.status != .handedOver && (days?.contains(p.periodEnd) ?? true) {
            byType[p.dosimeterType, default: Totals()].add(p)
        }
        return Summary(window: window, byType: byType)
    }

    /// The person's Hp(10) (whole-body + neutron) summed over the periods ending between `from` and
    /// `through` inclusive — e.g. the calendar year to date, for the 15 mSv notification.
    public static func personalHp10(_ periods: [DoseRecordPeriod], from: CalendarDay, through: CalendarDay) -> Double {
        summary(periods.filter { $0.periodEnd >= from && $0.periodEnd <= through }, window: .lifetime).personalHp10MilliSievert
    }

    /// The standard sums on `asOf`: its quarter, its calendar year, the five years ending with it, lifetime.
    public static func standard(_ periods: [DoseRecordPeriod], asOf: CalendarDay) -> [Summary] {
        [.quarter(Quarter(containing: asOf)), .year(asOf.year), .fiveYears(endingWith: asOf.year), .lifetime]
            .map { summary(periods, window: $0) }
    }

    /// Every quarter with a period, oldest first, with its sums.
    public static func quarters(_ periods: [DoseRecordPeriod]) -> [Summary] {
        Set(periods.map { Quarter(containing: $0.periodEnd) }).sorted().map { summary(periods, window: .quarter($0)) }
    }

    /// Every calendar year with a period, oldest first, with its sums.
    public static func years(_ periods: [DoseRecordPeriod]) -> [Summary] {
        Set(periods.map(\.periodEnd.year)).sorted().map { summary(periods, window: .year($0)) }
    }
}
