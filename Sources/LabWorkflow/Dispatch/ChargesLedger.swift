import LabReports
import LabStore

/// Why charges could not be brought up to date. Each case says one thing.
public enum ChargesError: Error, Sendable, Hashable, CustomStringConvertible {
    /// No compensation amount in force on a card's last on-time return date.
    case noCompensationAmount(type: DosimeterType, day: CalendarDay, cardID: String)

    public var description: String {
        switch self {
        case let .noCompensationAmount(type, day, card):
            "no compensation amount for \(type.displayName) cards in force on \(day) (card \(card)): set one with "
                + "tld prices set --type … --from … --compensation …; no charge was recorded"
        }
    }
}

/// The charges ledger (DOMAIN.md §3). Cards sent are recorded by the dispatch itself; compensations
/// are recorded by ``recordDue(on:)`` on the day they fall due, and stay: "Erstatningsbeløbet for
/// manglende dosimetre tilbagebetales ikke selv om dosimetret er hjemkommet efter fristen" (seeds/004).
public struct ChargesLedger: Sendable {
    let store: any DispatchStore

    public init(store: any DispatchStore) { self.store = store }

    /// Records every compensation due on or before `day` that is not in the ledger yet:
    /// - a card not back by its last on-time return date (three months after its period ended) is
    ///   charged the day after, whether or not it came back later;
    /// - a card damaged by the customer (retired on arrival, or found damaged on arrival and retired
    ///   after its readout) is charged on its arrival day;
    /// both at the compensation amount in force on the last on-time return date. Idempotent.
    @discardableResult
    public func recordDue(on day: CalendarDay) throws -> [Charge] {
        var due: [Charge] = []
        // One read per type and price day, not per card (a round trip each on PostgreSQL).
        var amounts: [String: CompensationPrice?] = [:]
        for customer in try store.customers() {
            var lookup = EnrolmentLookup(store: store)
            for issue in try store.issues(customerID: customer.id) where issue.periodEnd < day {
                guard let issueID = issue.id else { continue }
                let lastOnTime = ReturnDeadlines.compensationDue(periodEnd: issue.periodEnd)
                var kind: ChargeKind?
                var dueOn = day
                var note = ""
                if day > lastOnTime, issue.arrivedOn.map({ $0 > lastOnTime }) ?? true {
                    kind = .notReturned
                    dueOn = lastOnTime.adding(days: 1)
                    note = issue.arrivedOn.map { "returned late on \($0)" } ?? "not returned"
                } else if let arrived = issue.arrivedOn, arrived <= day, let damage = try damageByCustomer(issue) {
                    kind = .damaged
                    dueOn = arrived
                    note = damage
                }
                guard let kind else { continue }
                let (enrolment, _) = try lookup.enrolment(issue.enrolmentID)
                let key = "\(enrolment.dosimeterType.rawValue) \(lastOnTime)"
                if amounts[key] == nil { amounts[key] = .some(try store.compensationPrice(of: enrolment.dosimeterType, on: lastOnTime)) }
                guard let amount = amounts[key] ?? nil else {
                    throw ChargesError.noCompensationAmount(type: enrolment.dosimeterType, day: lastOnTime, cardID: issue.cardID)
                }
                due.append(Charge(customerID: customer.id, kind: kind, issueID: issueID, cardID: issue.cardID,
                                  dosimeterType: enrolment.dosimeterType, dueOn: dueOn, priceDay: lastOnTime,
                                  amountMinorUnits: amount.amountMinorUnits, currency: amount.currency, note: note))
            }
        }
        return try store.recordCharges(due)
    }

    /// The damage the customer caused, when the arrival inspection found it and the card was retired
    /// (on arrival, or after a manual-QA readout); nil otherwise. The same rule as ``OverdueCards``.
    func damageByCustomer(_ issue: CardIssue) throws -> String? {
        guard let arrival = try store.inspections(cardID: issue.cardID).last(where: { $0.issueID == issue.id && $0.stage == .arrival })
        else { return nil }
        let state = try store.card(id: issue.cardID)?.state
        let retiredLater = arrival.outcome != .retire && !arrival.damages.isEmpty && state == .retired
        guard arrival.outcome == .retire || retiredLater else { return nil }
        let damage = arrival.damages.map(\.description).joined(separator: ", ")
        return (damage.isEmpty ? "retired on arrival" : damage) + (arrival.remark.isEmpty ? "" : "; \(arrival.remark)")
    }

    /// The ledger rows due between `from` and `to` as a statement, for one customer or all.
    public func statement(customerID: String?, from: CalendarDay?, to: CalendarDay?, asOf: CalendarDay) throws -> ChargeStatement {
        if let customerID, try store.customer(id: customerID) == nil { throw LabStoreError.customerNotFound(customerID) }
        var lookup = EnrolmentLookup(store: store)
        var rows: [ChargeStatement.Row] = []
        var currency = "DKK"
        // Each customer's issues in one read, not one per charge.
        var issuesOf: [String: [CardIssue.ID: CardIssue]] = [:]
        for c in try store.charges(customerID: customerID, from: from, to: to) {
            if issuesOf[c.customerID] == nil {
                issuesOf[c.customerID] = Dictionary(try store.issues(customerID: c.customerID).compactMap { i in i.id.map { ($0, i) } },
                                                    uniquingKeysWith: { a, _ in a })
            }
            guard let issue = try issuesOf[c.customerID]?[c.issueID] ?? store.issue(id: c.issueID) else {
                throw LabStoreError.issueNotFound(c.issueID.rawValue)
            }
            let (enrolment, wearer) = try lookup.enrolment(issue.enrolmentID)
            currency = c.currency
            rows.append(ChargeStatement.Row(
                customer: c.customerID, dueOn: c.dueOn.description, kind: c.kind.displayName, card: c.cardID, enrolment: enrolment.number,
                wearer: wearer.name, dosimeterType: DispatchDocuments.typeCode(c.dosimeterType), periodStart: issue.periodStart.description,
                periodEnd: issue.periodEnd.description, priceDay: c.priceDay.description, amountMinorUnits: c.amountMinorUnits,
                currency: c.currency, free: c.free, note: c.note))
        }
        return ChargeStatement(asOf: asOf.description, rows: rows, currency: currency)
    }
}
