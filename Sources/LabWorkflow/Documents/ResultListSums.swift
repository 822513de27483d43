import Foundation
import LabReports
import LabStore

/// Result list v2 (issue 13 item 7): each line gets the person's calendar-year-to-date and lifetime
/// Hp(10)/Hp(0.07) from their dose record — every customer, found by the national ID's look-up hash —
/// and the list its responsible physicist. The records of all the list's persons are read in one
/// batch (``DoseRecordBatchStore``), never per line.
public struct ResultListSums: Sendable {
    let store: any DoseRecordBatchStore

    public init(store: any DoseRecordBatchStore) { self.store = store }

    /// A result list line that names an enrolment but whose sums cannot be computed.
    public enum Failure: Error, Sendable, Hashable, CustomStringConvertible {
        /// The line's enrolment is not one of the customer's (or its wearer is not): the list does not
        /// belong to this customer's data.
        case unknownEnrolment(enrolmentNumber: String, cardID: String)
        /// The line's period end is not a calendar day.
        case badPeriodEnd(String, cardID: String)

        public var description: String {
            switch self {
            case let .unknownEnrolment(number, card):
                "result list line of card \(card) names enrolment \(number), which is not an enrolment of a wearer of this customer: its year-to-date and lifetime sums cannot be computed"
            case let .badPeriodEnd(end, card):
                "result list line of card \(card) has period end \(end), which is not a date (YYYY-MM-DD): its sums cannot be computed"
            }
        }
    }

    /// Sets ``ResultList/Row/sums`` of every line whose enrolment belongs to a wearer of `customerID`
    /// (a line of a person known by name only, on a handed-over card, has no enrolment number and none).
    /// Throws ``Failure`` for a line that names an enrolment that is not the customer's.
    public func annotate(_ list: inout ResultList, customerID: String) throws {
        try annotate(&list, wearers: store.wearers(customerID: customerID), enrolments: store.enrolments(customerID: customerID))
    }

    /// ``annotate(_:customerID:)`` with the customer's wearers and enrolments already read.
    ///
    /// The line's dosimeter type, which decides what is summed, is the typed type of the line's
    /// enrolment, never read back from the printed name (issue 14: kinds are types): a type known for
    /// every enrolled line by construction. A line that names an enrolment not found here cannot occur
    /// for a list built by ``ReportBuilder`` from the same enrolments; if it does, the list and the
    /// data disagree, and the run fails with ``Failure`` rather than sending the customer and the
    /// authority a signed list whose line silently lacks the sums the other lines have.
    func annotate(_ list: inout ResultList, wearers: [Wearer], enrolments: [Enrolment]) throws {
        let lookupOfWearer = Dictionary(wearers.compactMap { w in w.id.map { ($0, w.nationalIDLookup) } }, uniquingKeysWith: { a, _ in a })
        // Per enrolment number: the person's look-up hash and the typed dosimeter type of the line.
        let lineOfEnrolment: [String: (lookup: Data, type: DosimeterType)] = Dictionary(
            enrolments.compactMap { e in lookupOfWearer[e.wearerID].map { (e.number, ($0, e.dosimeterType)) } },
            uniquingKeysWith: { a, _ in a })
        let needed = Set(list.rows.compactMap { lineOfEnrolment[$0.enrolmentNumber]?.lookup })
        let records = try store.doseRecords(nationalIDLookups: Array(needed))
        for i in list.rows.indices {
            let row = list.rows[i]
            // The person a handed-over card was given to, known by name only: no record to sum.
            if row.enrolmentNumber.isEmpty { continue }
            guard let line = lineOfEnrolment[row.enrolmentNumber] else {
                throw Failure.unknownEnrolment(enrolmentNumber: row.enrolmentNumber, cardID: row.cardID)
            }
            guard let end = try? CalendarDay(parsing: row.periodEnd) else { throw Failure.badPeriodEnd(row.periodEnd, cardID: row.cardID) }
            list.rows[i].sums = Self.sums(records[line.lookup] ?? [], type: line.type, through: end)
        }
    }

    /// The sums printed on a line of dosimeter `type` whose period ends `end` (docs/dose-records.md):
    /// the periods ended in `end`'s calendar year up to and including `end`, and every period ended by
    /// `end`. Hp(10) of a whole-body or neutron line is the person's (whole-body + neutron); a shoulder
    /// line's is the shoulder cards'; a finger line has none. Hp(0.07) is the line's type's. A dose
    /// below the detection limit counts 0, an assigned one its value (marked), an open period 0 (the
    /// sum is then a lower bound). Periods handed over to someone else are not this person's.
    public static func sums(_ periods: [DoseRecordPeriod], type: DosimeterType, through end: CalendarDay) -> PersonDoseSums {
        let hp10Types: Set<DosimeterType> = switch type {
        case .wholeBody, .neutron: [.wholeBody, .neutron]
        case .shoulder: [.shoulder]
        case .finger: []
        }
        func sum(_ from: CalendarDay?) -> PersonDoseSums.Sum {
            var hp10 = 0.0, hp007 = 0.0, assigned = false, open = 0
            for p in periods where p.status != .handedOver && p.periodEnd <= end && (from.map { p.periodEnd >= $0 } ?? true) {
                let inHp10 = hp10Types.contains(p.dosimeterType), inHp007 = p.dosimeterType == type
                guard inHp10 || inHp007 else { continue }
                if inHp10 { hp10 += p.countedHp10MilliSievert }
                if inHp007 { hp007 += p.countedHp007MilliSievert }
                if p.status == .assigned { assigned = true }
                if p.status.isOpen { open += 1 }
            }
            return .init(hp10MilliSievert: type == .finger ? nil : hp10, hp007MilliSievert: hp007, includesAssigned: assigned, openPeriods: open)
        }
        let january = (try? CalendarDay(year: end.year, month: 1, day: 1)) ?? end
        return PersonDoseSums(year: end.year, yearToDate: sum(january), lifetime: sum(nil))
    }

    /// The physicist who signs the list: `given` (from `tld results --physicist`) if any; else the one
    /// person who released its doses, not counting automatic releases (`system:…`); nil (a blank line
    /// to sign by hand) when none or several did. Also returns everyone who released, most doses first.
    public func physicist(customerID: String, from: CalendarDay, to: CalendarDay, given: String?) throws -> (name: String?, releasedBy: [String]) {
        let releasers = try store.releasers(customerID: customerID, from: from, to: to).map(\.who)
        let people = releasers.filter { !$0.hasPrefix("system:") }
        if let given { return (given, releasers) }
        return (people.count == 1 ? people[0] : nil, releasers)
    }
}
