import LabReports
import LabStore

/// Finds the cards to chase on a given day (DOMAIN.md §3): not returned one month after the period
/// (reminder), not returned three months after it (compensation), damaged by the customer — retired on
/// arrival, or found damaged on arrival and retired after its readout (compensation). A card that comes
/// back late is read and reported as usual; a compensation once due stays on the list of its day (it is
/// not refunded), so the list is a statement for that day.
public struct OverdueCards: Sendable {
    let store: any LabRecordStore

    public init(store: any LabRecordStore) { self.store = store }

    /// The list for `day`, for one customer or all.
    public func list(on day: CalendarDay, customerID: String? = nil) throws -> OverdueList {
        let customers = try store.customers().filter { customerID == nil || $0.id == customerID }
        if let customerID, customers.isEmpty { throw LabStoreError.customerNotFound(customerID) }
        var rows: [OverdueList.Row] = []
        for customer in customers {
            var lookup = EnrolmentLookup(store: store)
            for issue in try store.issues(customerID: customer.id) where issue.periodEnd < day {
                let (e, w) = try lookup.enrolment(issue.enrolmentID)
                let wearer = w.name
                func row(_ stage: OverdueList.Stage, _ detail: String) -> OverdueList.Row {
                    OverdueList.Row(
                        customerNumber: customer.id, customerName: customer.name, wearerName: wearer, enrolmentNumber: e.number,
                        dosimeterType: e.dosimeterType.displayName, cardID: issue.cardID, periodStart: issue.periodStart.description,
                        periodEnd: issue.periodEnd.description, daysSincePeriodEnd: issue.periodEnd.days(to: day), stage: stage, detail: detail)
                }
                // Back on `day` only if it arrived by then: the list of a past day stays what it was on
                // that day, also after the card came back late.
                if issue.arrivedOn.map({ $0 > day }) ?? true {
                    let compensation = ReturnDeadlines.compensationDue(periodEnd: issue.periodEnd)
                    let reminder = ReturnDeadlines.reminderDue(periodEnd: issue.periodEnd)
                    if day > compensation {
                        rows.append(row(.compensationNotReturned, "due since \(compensation.adding(days: 1))"))
                    } else if day > reminder {
                        rows.append(row(.reminderDue, "due since \(reminder.adding(days: 1)); compensation after \(compensation)"))
                    }
                } else if let arrival = try store.inspections(cardID: issue.cardID)
                    .last(where: { $0.issueID == issue.id && $0.stage == .arrival }) {
                    // Damaged by the customer: retired on arrival, or found damaged on arrival and
                    // retired later (after a manual-QA readout). A card worn out in the lab is not charged.
                    let cardState = try store.card(id: issue.cardID)?.state
                    let retiredLater = arrival.outcome != .retire && !arrival.damages.isEmpty && cardState == .retired
                    guard arrival.outcome == .retire || retiredLater else { continue }
                    let damage = arrival.damages.map(\.description).joined(separator: ", ")
                    rows.append(row(.compensationDamaged, (damage.isEmpty ? "retired on arrival" : damage)
                        + (arrival.remark.isEmpty ? "" : "; \(arrival.remark)")
                        + (retiredLater ? "; retired after readout" : "")))
                }
            }
        }
        return OverdueList(date: day.description, rows: rows)
    }
}
