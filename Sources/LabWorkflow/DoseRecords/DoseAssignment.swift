import LabStore

/// Why a dose cannot be assigned; each case says one thing.
public enum DoseAssignmentError: Error, Sendable, Hashable, CustomStringConvertible {
    case noIssue(Int64)
    case periodNotEnded(issue: Int64, end: CalendarDay)
    case measured(issue: Int64)
    case notReadYet(issue: Int64)
    case lostButReturned(issue: Int64)
    case noColleague(Int64)
    case colleagueElsewhere(wearer: Int64, customer: String)
    case samePerson(wearer: Int64)
    case noColleagueDose(wearer: Int64, start: CalendarDay, end: CalendarDay)
    case badValue(String)

    public var description: String {
        switch self {
        case let .noIssue(id): "no issue \(id) (see the issue column of tld history)"
        case let .periodNotEnded(id, end): "issue \(id): its period ends \(end); a dose is assigned only after the period"
        case let .measured(id): "issue \(id): the dosimeter has a measured dose; nothing to assign"
        case let .notReadYet(id): "issue \(id): the card came back and is not read (or its dose not decided) yet: read it, or reject its dose on review, first"
        case let .lostButReturned(id): "issue \(id): the card came back, so it is not lost or unreturned (use --reason unreadable)"
        case let .noColleague(w): "no wearer \(w)"
        case let .colleagueElsewhere(w, c): "wearer \(w) is not a wearer of \(c): method (c) takes a colleague at the same workplace"
        case let .samePerson(w): "wearer \(w) is the person the dose is for"
        case let .noColleagueDose(w, s, e): "wearer \(w) has no released dose of the same dosimeter type for the period \(s)–\(e)"
        case let .badValue(why): why
        }
    }
}

/// Assigns a dose to a period whose dosimeter gave none (lost, not returned, unreadable): method (c)
/// of the Czech monitoring programme — the dose of a named colleague, or the highest of a group, in the
/// same period at the same customer — or a notional dose a physicist enters (docs/dose-records.md).
public struct DoseAssignment: Sendable {
    let store: any DoseRecordStore

    public init(store: any DoseRecordStore) { self.store = store }

    /// The reason recorded when none is given: not returned, else unreadable.
    func checkedIssue(_ issueID: CardIssue.ID, reason: AssignedDose.Reason?, today: CalendarDay) throws -> (CardIssue, AssignedDose.Reason) {
        guard let issue = try store.issue(id: issueID) else { throw DoseAssignmentError.noIssue(issueID.rawValue) }
        guard issue.periodEnd < today else { throw DoseAssignmentError.periodNotEnded(issue: issueID.rawValue, end: issue.periodEnd) }
        if issue.returnID == nil { return (issue, reason ?? .notReturned) }
        if reason == .lost || reason == .notReturned { throw DoseAssignmentError.lostButReturned(issue: issueID.rawValue) }
        if let batch = issue.batchID {
            let dose = try store.currentDoses(batch: batch).first { $0.cardID == issue.cardID }
            if let dose, dose.hp10MilliSievert != nil || dose.hp007MilliSievert != nil { throw DoseAssignmentError.measured(issue: issueID.rawValue) }
            if let dose, dose.state != .released { throw DoseAssignmentError.notReadYet(issue: issueID.rawValue) }
            return (issue, .unreadable)
        }
        let retired = try store.inspections(cardID: issue.cardID).contains { $0.issueID == issue.id && $0.stage == .arrival && $0.outcome == .retire }
        guard retired else { throw DoseAssignmentError.notReadYet(issue: issueID.rawValue) }
        return (issue, .unreadable)
    }

    /// Method (c): the highest dose of the colleagues' periods with the same start, end and dosimeter
    /// type at the issue's customer (a dose below the detection limit is taken as 0).
    public func fromColleagues(
        issueID: CardIssue.ID, colleagues: [Wearer.ID], who: String, why: String, reason: AssignedDose.Reason? = nil,
        replaces: AssignedDose.ID? = nil, today: CalendarDay
    ) throws -> AssignedDose {
        let (issue, reason) = try checkedIssue(issueID, reason: reason, today: today)
        guard let enrolment = try store.enrolment(id: issue.enrolmentID) else { throw DoseAssignmentError.noIssue(issueID.rawValue) }
        let owner = try store.wearer(id: enrolment.wearerID)
        var best: (hp10: Double?, hp007: Double?) = (nil, nil)
        var sources: [CardIssue.ID] = []
        for id in colleagues {
            guard let colleague = try store.wearer(id: id) else { throw DoseAssignmentError.noColleague(id.rawValue) }
            guard colleague.customerID == issue.customerID else {
                throw DoseAssignmentError.colleagueElsewhere(wearer: id.rawValue, customer: issue.customerID)
            }
            guard colleague.nationalIDLookup != owner?.nationalIDLookup else { throw DoseAssignmentError.samePerson(wearer: id.rawValue) }
            let period = try store.doseRecord(nationalIDLookup: colleague.nationalIDLookup).first {
                $0.customerID == issue.customerID && $0.periodStart == issue.periodStart && $0.periodEnd == issue.periodEnd
                    && $0.dosimeterType == enrolment.dosimeterType && ($0.status == .measured || $0.status == .belowDetectionLimit)
            }
            guard let period else {
                throw DoseAssignmentError.noColleagueDose(wearer: id.rawValue, start: issue.periodStart, end: issue.periodEnd)
            }
            sources.append(period.issueID)
            let hp10 = period.hp10MilliSievert.map { _ in period.countedHp10MilliSievert }
            let hp007 = period.hp007MilliSievert.map { _ in period.countedHp007MilliSievert }
            best.hp10 = [best.hp10, hp10].compactMap { $0 }.max()
            best.hp007 = [best.hp007, hp007].compactMap { $0 }.max()
        }
        return try store.assignDose(AssignedDose(
            issueID: issueID, method: .colleague, reason: reason, hp10MilliSievert: best.hp10, hp007MilliSievert: best.hp007,
            sourceIssues: sources, who: who, why: why, replacesID: replaces))
    }

    /// A notional dose: Hp(10) (not for a finger card) and Hp(0.07), which defaults to the Hp(10) given.
    public func notional(
        issueID: CardIssue.ID, hp10MilliSievert: Double?, hp007MilliSievert: Double?, who: String, why: String,
        reason: AssignedDose.Reason? = nil, replaces: AssignedDose.ID? = nil, today: CalendarDay
    ) throws -> AssignedDose {
        for v in [hp10MilliSievert, hp007MilliSievert].compactMap({ $0 }) where !(v.isFinite && v >= 0 && v <= 10_000) {
            throw DoseAssignmentError.badValue("a notional dose is 0–10000 mSv, not \(v)")
        }
        let (issue, reason) = try checkedIssue(issueID, reason: reason, today: today)
        let type = try store.enrolment(id: issue.enrolmentID)?.dosimeterType
        let hp10 = type == .finger ? nil : hp10MilliSievert
        let hp007 = hp007MilliSievert ?? hp10MilliSievert
        guard hp10 != nil || hp007 != nil else { throw DoseAssignmentError.badValue("give the notional dose") }
        return try store.assignDose(AssignedDose(
            issueID: issueID, method: .notional, reason: reason, hp10MilliSievert: hp10, hp007MilliSievert: hp007,
            who: who, why: why, replacesID: replaces))
    }
}
