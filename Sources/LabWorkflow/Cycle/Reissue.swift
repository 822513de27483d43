import Foundation
import LabStore
import Logging

/// Reissue: assigns available (zeroed, inspected) cards to the next period of each active enrolment
/// of a customer and sends them in one shipment (one packing slip).
public struct Reissue: Sendable {
    let store: any LabRecordStore
    let logger: Logger

    public init(store: any LabRecordStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// What a reissue would send, and what it cannot.
    public struct Plan: Sendable, Hashable {
        public var requests: [IssueRequest]
        /// Enrolment numbers for which no available card of the type was left.
        public var shortOfCards: [String]
    }

    /// The periods still to send for an enrolment on `dispatchDay`: the first period(s) of a new
    /// enrolment (DOMAIN.md §2), else the period after the last one issued; only periods that start
    /// within the enrolment and at most `horizonDays` after dispatch (cards go out shortly before
    /// their period, in step with the 15-day notice for changes), and that have no card yet.
    public static func periodsToSend(
        enrolment: Enrolment, issued: [CardIssue], dispatchDay: CalendarDay, horizonDays: Int = 14
    ) -> [WearPeriod] {
        let schedule = enrolment.schedule
        let candidates: [WearPeriod]
        if let last = issued.max(by: { $0.periodStart < $1.periodStart }) {
            candidates = [schedule.next(after: schedule.period(containing: last.periodStart))]
        } else {
            candidates = schedule.firstPeriods(startDate: enrolment.startDate, orderedOn: enrolment.orderedOn)
        }
        let have = Set(issued.map(\.periodStart))
        return candidates.filter { p in
            !have.contains(p.start) && enrolment.isActive(on: p.start)
                && p.start <= dispatchDay.adding(days: horizonDays)
        }
    }

    /// Plans the next periods of every active enrolment of the customer with cards in stock, lowest
    /// card number first.
    public func plan(customerID: String, dispatchDay: CalendarDay) throws -> Plan {
        let enrolments = try store.enrolments(customerID: customerID)
        let issues = Dictionary(grouping: try store.issues(customerID: customerID), by: \.enrolmentID)
        var stock = Dictionary(grouping: try store.cards(state: .available), by: \.dosimeterType).mapValues { $0.map(\.id) }
        var requests: [IssueRequest] = []
        var short: [String] = []
        for e in enrolments {
            guard let id = e.id else { continue }
            for p in Self.periodsToSend(enrolment: e, issued: issues[id] ?? [], dispatchDay: dispatchDay) {
                guard var cards = stock[e.dosimeterType], !cards.isEmpty else { short.append(e.number); continue }
                requests.append(IssueRequest(cardID: cards.removeFirst(), enrolmentID: id, periodStart: p.start, periodEnd: p.end))
                stock[e.dosimeterType] = cards
            }
        }
        return Plan(requests: requests, shortOfCards: short)
    }

    /// Plans and issues in one transaction. Returns nil when there is nothing to send.
    public func run(customerID: String, dispatchDay: CalendarDay) throws -> (shipment: Shipment?, plan: Plan) {
        let plan = try plan(customerID: customerID, dispatchDay: dispatchDay)
        guard !plan.requests.isEmpty else { return (nil, plan) }
        let shipment = try store.issueCards(plan.requests, customerID: customerID, dispatchedOn: dispatchDay)
        if !plan.shortOfCards.isEmpty {
            logger.warning("not enough cards in stock", metadata: ["enrolments": "\(plan.shortOfCards.joined(separator: ","))"])
        }
        return (shipment, plan)
    }
}
