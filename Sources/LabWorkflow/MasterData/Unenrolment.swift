import Foundation
import LabStore

/// Unsubscribing a wearer (DOMAIN.md §2): by the enrolment number **and** the person's name, with
/// the wanted last day; the notice must arrive 15 days before the next period starts
/// (``PeriodSchedule/unsubscribeDeadline(forPeriodStarting:)``: by the 15th of the previous month for
/// cards changed on the 1st, by the 1st of the month for cards changed on the 15th).
///
/// A card covers a whole period, so the enrolment ends at the end of the period holding the wanted
/// last day. When the notice arrives after the deadline of the next period, that period's card is
/// sent (and charged) anyway and the enrolment ends with it; a notice later still keeps every
/// period whose deadline it missed.
public struct Unenrolment: Sendable, Hashable {
    /// The wanted last day of monitoring.
    public var wantedLastDay: CalendarDay
    /// The day the notice arrived.
    public var receivedOn: CalendarDay
    /// The last day the enrolment covers, after the deadline rule.
    public var effectiveEnd: CalendarDay
    /// The first period the notice came in time for (no card is sent for it).
    public var firstPeriodNotSent: WearPeriod
    /// Its deadline.
    public var deadline: CalendarDay
    /// Periods after the wanted one still sent because the notice came after their deadline.
    public var extraPeriods: [WearPeriod]

    /// Applies the deadline rule for `schedule`.
    public static func decide(schedule: PeriodSchedule, wantedLastDay: CalendarDay, receivedOn: CalendarDay) -> Unenrolment {
        let wanted = schedule.period(containing: wantedLastDay)
        var end = wanted.end
        var candidate = schedule.next(after: wanted)
        var extra: [WearPeriod] = []
        var deadline = PeriodSchedule.unsubscribeDeadline(forPeriodStarting: candidate.start)
        while receivedOn > deadline {
            extra.append(candidate)
            end = candidate.end
            candidate = schedule.next(after: candidate)
            deadline = PeriodSchedule.unsubscribeDeadline(forPeriodStarting: candidate.start)
        }
        return Unenrolment(wantedLastDay: wantedLastDay, receivedOn: receivedOn, effectiveEnd: end,
                           firstPeriodNotSent: candidate, deadline: deadline, extraPeriods: extra)
    }

    /// What the lab tells the customer, e.g. "received 2027-02-20, after the deadline 2027-02-15 for
    /// the period starting 2027-03-01: the enrolment ends 2027-03-31, one more card is sent".
    public var message: String {
        if let late = extraPeriods.first {
            let lateDeadline = PeriodSchedule.unsubscribeDeadline(forPeriodStarting: late.start)
            let cards = extraPeriods.count == 1 ? "one more card is sent" : "\(extraPeriods.count) more cards are sent"
            return "received \(receivedOn), after the deadline \(lateDeadline) for the period starting \(late.start): "
                + "the enrolment ends \(effectiveEnd), \(cards)"
        }
        return "received \(receivedOn), by the deadline \(deadline) for the period starting \(firstPeriodNotSent.start): "
            + "the enrolment ends \(effectiveEnd), no card is sent for that period"
    }

    /// Whether `given` names the same person as `recorded`: letters compared without case,
    /// accents kept (Ø is not O), spaces collapsed, and "Last, First" read as "First Last".
    public static func sameName(_ given: String, _ recorded: String) -> Bool {
        func words(_ name: String) -> [String] {
            var text = name.precomposedStringWithCanonicalMapping.lowercased()
            let parts = text.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2 { text = parts[1] + " " + parts[0] }
            return text.split(whereSeparator: \.isWhitespace).map(String.init)
        }
        let g = words(given)
        return !g.isEmpty && g == words(recorded)
    }
}

/// Why an unenrolment was refused.
public enum UnenrolmentError: Error, Sendable, Hashable, CustomStringConvertible {
    case noSuchEnrolment(String)
    /// The name does not match the enrolment's wearer. The recorded name is not revealed.
    case nameMismatch(number: String)
    case endsBeforeStart(number: String, start: CalendarDay, end: CalendarDay)
    case alreadyEnded(number: String, end: CalendarDay)

    public var description: String {
        switch self {
        case let .noSuchEnrolment(n): "no enrolment \(n)"
        case let .nameMismatch(n): "the name given is not the name of the wearer of \(n): nothing changed (check the enrolment number and the name)"
        case let .endsBeforeStart(n, s, e): "\(n) starts \(s): an end on \(e) would be before it starts; nothing changed"
        case let .alreadyEnded(n, e): "\(n) already ends \(e), earlier than this notice would; nothing changed"
        }
    }
}

extension Unenrolment {
    /// Checks the number and name, applies the deadline rule and stores the end date.
    public static func apply(
        number: String, name: String, wantedLastDay: CalendarDay, receivedOn: CalendarDay,
        store: any LabRecordStore & MasterDataStore
    ) throws -> (enrolment: Enrolment, decision: Unenrolment) {
        guard var enrolment = try store.enrolment(number: number) else { throw UnenrolmentError.noSuchEnrolment(number) }
        guard let wearer = try store.wearer(id: enrolment.wearerID), sameName(name, wearer.name) else {
            throw UnenrolmentError.nameMismatch(number: number)
        }
        let decision = decide(schedule: enrolment.schedule, wantedLastDay: wantedLastDay, receivedOn: receivedOn)
        guard decision.effectiveEnd >= enrolment.startDate else {
            throw UnenrolmentError.endsBeforeStart(number: number, start: enrolment.startDate, end: decision.effectiveEnd)
        }
        if let end = enrolment.endDate, end <= decision.effectiveEnd {
            throw UnenrolmentError.alreadyEnded(number: number, end: end)
        }
        enrolment.endDate = decision.effectiveEnd
        return (try store.updateEnrolment(enrolment), decision)
    }
}
