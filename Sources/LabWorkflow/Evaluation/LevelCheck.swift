import Foundation
import LabStore
import Logging

/// The check every evaluation, release and correction runs on a wearer's dose: the period dose and
/// the person's running sums (calendar quarter, calendar year) against the customer's monitoring
/// levels in force on the last day of the period, and against the regulator's notification thresholds
/// (docs/levels-and-cases.md).
///
/// A level crossed opens a case (one per person, kind and period; a re-run finds it). A notifiable case
/// raises its authority notification on the day the dose that crossed it is *released*: a dose still
/// under review may yet be corrected or rejected, so the authority is told only of released results,
/// and on that same day (seeds/003 section 8: "without delay", "also during the year").
public struct LevelCheck: Sendable {
    let store: any CaseStore
    let logger: Logger
    let now: @Sendable () -> Date

    public init(store: any CaseStore, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.logger = logger
        self.now = now
    }

    /// What one check did.
    public struct Outcome: Sendable, Hashable {
        public var openedCases: [LevelCase] = []
        public var raisedNotifications: [AuthorityNotification] = []

        public mutating func add(_ other: Outcome) {
            openedCases += other.openedCases
            raisedNotifications += other.raisedNotifications
        }
    }

    /// Checks each dose (wearers' current doses; others are skipped).
    @discardableResult
    public func check(doses: [DoseResult.ID]) throws -> Outcome {
        var out = Outcome()
        for id in doses { out.add(try check(dose: id)) }
        return out
    }

    /// Checks the released doses whose check never ran (a command killed between a release and its
    /// check); release, review, `tld cases` and `tld notifications` call it first.
    @discardableResult
    public func catchUp() throws -> Outcome {
        try check(doses: store.releasedDosesNotChecked())
    }

    @discardableResult
    public func check(dose id: DoseResult.ID) throws -> Outcome {
        let out = try checkLevels(dose: id)
        // A released dose is final: its check is recorded once done (catchUp finds those without).
        if try store.dose(id: id)?.state == .released { try store.markLevelsChecked(dose: id) }
        return out
    }

    func checkLevels(dose id: DoseResult.ID) throws -> Outcome {
        var out = Outcome()
        guard let dose = try store.dose(id: id), dose.isCurrent, let hp10 = dose.hp10MilliSievert,
              let person = try store.dosePerson(dose: id),
              person.dosimeterType == .wholeBody || person.dosimeterType == .neutron else { return out }
        let levels = try store.levels(customerID: person.customerID, on: person.periodEnd)
        let (year, quarter) = Self.yearAndQuarter(person.periodEnd)
        let q = try Self.quarterRange(year: year, quarter: quarter)
        let y = try Self.quarterRange(year: year, quarter: 1).lowerBound...Self.quarterRange(year: year, quarter: 4).upperBound
        // Running sums: the periods ending from the start of the quarter (year) through this period's
        // end, so a check run again later gives the same sums for this dose.
        let quarterSum = try store.personHp10Sum(personLookup: person.personLookup, from: q.lowerBound, through: min(q.upperBound, person.periodEnd), including: id)
        let yearSum = try store.personHp10Sum(personLookup: person.personLookup, from: y.lowerBound, through: min(y.upperBound, person.periodEnd), including: id)
        let at = now()
        // The lab's calendar is UTC (tld's today()).
        let today = CalendarDay(utcDayOf: at)
        for kind in CaseKind.allCases {
            let (value, key): (Double, String) = switch kind.span {
            case .period: (hp10, "\(person.periodStart)..\(person.periodEnd)")
            case .quarter: (quarterSum, "\(year)-Q\(quarter)")
            case .year: (yearSum, "\(year)")
            }
            let level = kind.level(levels)
            guard Self.exceeds(value, level) else { continue }
            let opened = try store.openCase(LevelCase(
                personLookup: person.personLookup, kind: kind, periodKey: key, customerID: person.customerID, wearerID: person.wearerID,
                doseID: id, valueMilliSievert: value, levelMilliSievert: level, openedOn: today, openedAt: at,
                deadline: today.adding(days: kind.deadlineDays)))
            // A correction of the dose that opened the case (a newer version of the same card's dose):
            // the open case follows it, so its documents show the released value.
            if !opened.isNew, opened.levelCase.isOpen, opened.levelCase.doseID != id, let caseID = opened.levelCase.id,
               let first = try store.dose(id: opened.levelCase.doseID), first.batchID == dose.batchID, first.cardID == dose.cardID,
               first.version < dose.version {
                try store.updateCaseDose(caseID: caseID, doseID: id, valueMilliSievert: value)
            }
            if opened.isNew {
                out.openedCases.append(opened.levelCase)
                logger.notice("case opened", metadata: ["case": "\(opened.levelCase.id?.rawValue ?? 0)", "kind": "\(kind.rawValue)"])
            }
            guard kind.isNotifiable, dose.state == .released, let caseID = opened.levelCase.id else { continue }
            let raised = try store.raiseNotification(caseID: caseID, on: today)
            if raised.isNew {
                out.raisedNotifications.append(raised.notification)
                logger.notice("authority notification raised", metadata: ["report": "\(raised.notification.reportNumber)"])
            }
        }
        return out
    }

    /// Whether a dose is above a level, compared at 0.1 µSv (the registry file's 4 decimals): twenty
    /// periods of 0.05 mSv make 1 mSv, which is not above a 1 mSv level, although their binary
    /// floating-point sum is 1.0000000000000002 (issue 13's test year found it).
    public static func exceeds(_ value: Double, _ level: Double) -> Bool {
        (value * 10_000).rounded() > (level * 10_000).rounded()
    }

    /// The calendar year and quarter (1–4) of a day.
    public static func yearAndQuarter(_ day: CalendarDay) -> (year: Int, quarter: Int) {
        (day.year, (day.month - 1) / 3 + 1)
    }

    /// The first and last day of a calendar quarter.
    public static func quarterRange(year: Int, quarter: Int) throws -> ClosedRange<CalendarDay> {
        let first = try CalendarDay(year: year, month: (quarter - 1) * 3 + 1, day: 1)
        let next = quarter == 4 ? try CalendarDay(year: year + 1, month: 1, day: 1) : try CalendarDay(year: year, month: quarter * 3 + 1, day: 1)
        return first...next.adding(days: -1)
    }
}
