import Foundation
import LabReports
import LabStore
import LabStoreSQLite
import Logging
import Testing
@testable import LabWorkflow

/// A lab with one customer, stock cards and prices; enrolments are added by each test.
struct DispatchLab {
    let store: SQLiteLabStore
    let protector: NationalIDProtector
    var customer = "K-3003"

    init(wholeBodyStock: Int = 10, fingerStock: Int = 0) throws {
        store = try SQLiteLabStore.inMemory(logger: WorkflowFixture.logger)
        protector = try NationalIDProtector(masterKey: Data(repeating: 0x22, count: 32))
        _ = try store.saveCustomer(Customer(id: customer, name: "Vestklinik"))
        try store.savePrice(CardPrice(dosimeterType: .wholeBody, validFrom: day("2026-01-01"), priceMinorUnits: 12_500))
        try store.savePrice(CardPrice(dosimeterType: .wholeBody, validFrom: day("2027-04-01"), priceMinorUnits: 13_000))
        try store.savePrice(CardPrice(dosimeterType: .finger, validFrom: day("2026-01-01"), priceMinorUnits: 9_950))
        try store.saveCompensationPrice(CompensationPrice(dosimeterType: .wholeBody, validFrom: day("2026-01-01"), amountMinorUnits: 40_000))
        try store.saveCompensationPrice(CompensationPrice(dosimeterType: .wholeBody, validFrom: day("2027-06-01"), amountMinorUnits: 45_000))
        try store.addCards((0..<wholeBodyStock).map { Card(id: "W\(500 + $0)", dosimeterType: .wholeBody, stateChangedAt: Date()) }
                           + (0..<fingerStock).map { Card(id: "F\(500 + $0)", dosimeterType: .finger, stateChangedAt: Date()) })
    }

    /// A wearer and a whole-body enrolment.
    @discardableResult
    func enrol(_ name: String, id: String, length: PeriodLength = .oneMonth, type: DosimeterType = .wholeBody, start: String,
               ordered: String, end: String? = nil) throws -> Enrolment {
        let w = try store.addWearer(customerID: customer, name: name, nationalID: try protector.protect(id))
        return try store.enrol(Enrolment(wearerID: try #require(w.id), customerID: customer, dosimeterType: type, periodLength: length,
                                         startDate: day(start), endDate: end.map(day), orderedOn: day(ordered)))
    }

    func run(_ date: String, _ policy: DispatchPolicy = DispatchPolicy()) throws -> DispatchRun.Report {
        try DispatchRun(store: store, policy: policy, logger: WorkflowFixture.logger).run(on: day(date))
    }

    func periods(_ e: Enrolment) throws -> [String] {
        try store.issues(customerID: customer).filter { $0.enrolmentID == e.id }.map { "\($0.periodStart)…\($0.periodEnd)" }
    }
}

@Suite("Dispatch: cards before their period, first cards in 5 working days, stock, idempotent")
struct DispatchTests {
    @Test("a running enrolment's next card goes out 5 working days before its period, not earlier; only available cards")
    func beforePeriodStart() throws {
        let lab = try DispatchLab()
        let e = try lab.enrol("Jensen, Mette", id: "010180-1111", start: "2027-02-01", ordered: "2027-01-10")
        #expect(try lab.run("2027-01-11").sent.map(\.period.description) == ["2027-02-01–2027-02-28"])
        // 2027-03-01 is a Monday: 5 working days before is Monday 2027-02-22.
        #expect(DispatchPolicy().sendDay(for: WearPeriod(start: day("2027-03-01"), end: day("2027-03-31"))) == day("2027-02-22"))
        #expect(try lab.run("2027-02-19").sent.isEmpty)
        let sent = try lab.run("2027-02-22").sent
        #expect(sent.map(\.period.start) == [day("2027-03-01")])
        #expect(sent.allSatisfy { !$0.late })
        #expect(try lab.periods(e) == ["2027-02-01…2027-02-28", "2027-03-01…2027-03-31"])
        // The cards came from stock (available), lowest number first, and are issued now.
        #expect(try lab.store.card(id: "W500")?.state == .issued && lab.store.card(id: "W501")?.state == .issued)
    }

    @Test("lead time over Easter 2027: Maundy Thursday, Good Friday and Easter Monday are not working days")
    func easter2027() throws {
        #expect(HolidayCalendar.easterSunday(year: 2027) == day("2027-03-28"))
        let april = WearPeriod(start: day("2027-04-01"), end: day("2027-04-30"))
        // 31 Mar, 30 Mar, (29, 28, 27, 26, 25 off), 24, 23, 22 Mar.
        #expect(DispatchPolicy().sendDay(for: april) == day("2027-03-22"))
        #expect(DispatchPolicy(holidays: .none).sendDay(for: april) == day("2027-03-25"))
        let lab = try DispatchLab()
        let e = try lab.enrol("Hansen, Kirsten", id: "060670-6666", start: "2027-03-01", ordered: "2027-02-10")
        _ = try lab.run("2027-02-10")
        #expect(try lab.run("2027-03-19").sent.isEmpty)
        #expect(try lab.run("2027-03-22").sent.map(\.period.start) == [day("2027-04-01")])
        #expect(try lab.periods(e).count == 2)
    }

    @Test("the send day never comes before the last day to unsubscribe from the period (15 days before it)")
    func notBeforeUnsubscribeDeadline() {
        let p = WearPeriod(start: day("2027-04-01"), end: day("2027-04-30"))
        #expect(DispatchPolicy(leadWorkingDays: 20).sendDay(for: p) == day("2027-03-16"))
    }

    @Test("a new enrolment's first card at once; at risk of the 5-working-day deadline when there is no stock")
    func firstCardWithinFiveWorkingDays() throws {
        // Ordered Wednesday 24 March 2027: 25, 26 and 29 March are holidays, so the deadline is Monday 5 April.
        #expect(ReturnDeadlines.dispatchDeadline(orderedOn: day("2027-03-24")) == day("2027-04-05"))
        let lab = try DispatchLab(wholeBodyStock: 0, fingerStock: 1)
        let e = try lab.enrol("Berg, Bo", id: "040490-4444", start: "2027-04-01", ordered: "2027-03-24")
        #expect(try lab.run("2027-03-23").atRisk.isEmpty, "not ordered yet on the 23rd")
        let report = try lab.run("2027-03-24")
        #expect(report.sent.isEmpty && report.unsent.count == 1)
        let risk = try #require(report.atRisk.first)
        #expect(risk.enrolmentNumber == e.number && risk.deadline == day("2027-04-05") && risk.workingDaysLeft == 5)
        #expect(report.forecast.first { $0.dosimeterType == .wholeBody }?.shortBy == 1)
        // Cards arrive: the first card goes the same day.
        try lab.store.addCards([Card(id: "W900", dosimeterType: .wholeBody, stateChangedAt: Date())])
        let next = try lab.run("2027-03-26")
        #expect(next.sent.map(\.reason) == [.firstCard] && next.atRisk.isEmpty)
        #expect(try lab.periods(e) == ["2027-04-01…2027-04-30"])
    }

    @Test("a first period cut short: the next period's card goes too; charged unless the lab waives it, then marked free")
    func firstPeriodCutShort() throws {
        for waive in [false, true] {
            let lab = try DispatchLab()
            // Ordered on the 20th for a period 1st–31st: 12 usable days (≤ 14), so April's card goes too.
            let e = try lab.enrol("Ærø, Else", id: "050505-0001", start: "2027-03-20", ordered: "2027-03-20")
            let report = try lab.run("2027-03-22", DispatchPolicy(freeShortFirstCard: waive))
            #expect(report.sent.map(\.reason) == [.firstCard, .afterShortFirstPeriod])
            #expect(try lab.periods(e) == ["2027-03-01…2027-03-31", "2027-04-01…2027-04-30"])
            let shipment = try #require(report.shipments.first)
            let slip = try DispatchDocuments(store: lab.store, protector: lab.protector).packingSlip(shipment: shipment)
            #expect(slip.sections[0].rows.map(\.free) == [waive, false])
            #expect(slip.totalMinorUnits == (waive ? 12_500 : 25_000))
            #expect(slip.text().contains("free") == waive)
        }
    }

    @Test("a period already over is never sent; the one running is sent late; the next waits for its send day")
    func noPastPeriod() throws {
        let lab = try DispatchLab()
        let e = try lab.enrol("Nielsen, Peter", id: "050565-5555", start: "2026-12-01", ordered: "2026-11-20")
        _ = try lab.run("2026-11-20")
        let report = try lab.run("2027-03-10")
        #expect(report.missed.map(\.period.start) == [day("2027-01-01"), day("2027-02-01")])
        #expect(report.sent.map(\.period.start) == [day("2027-03-01")] && report.sent[0].late)
        #expect(try lab.periods(e) == ["2026-12-01…2026-12-31", "2027-03-01…2027-03-31"])
        // A first card whose wanted start lies so far back that its period is over: the running period.
        let old = try lab.enrol("Old, Start", id: "121288-0002", start: "2026-10-05", ordered: "2027-03-10")
        _ = try lab.run("2027-03-10")
        #expect(try lab.periods(old) == ["2027-03-01…2027-03-31"])
    }

    @Test("an enrolment's end date is honoured: no card for a period after it")
    func endDate() throws {
        let lab = try DispatchLab()
        let e = try lab.enrol("Petersen, Ole", id: "070777-7777", start: "2027-02-01", ordered: "2027-01-10", end: "2027-03-31")
        _ = try lab.run("2027-01-11")
        _ = try lab.run("2027-02-22")
        #expect(try lab.run("2027-03-22").sent.isEmpty)
        #expect(try lab.run("2027-04-20").sent.isEmpty)
        #expect(try lab.periods(e) == ["2027-02-01…2027-02-28", "2027-03-01…2027-03-31"])
    }

    @Test("run twice on a day: nothing is sent twice")
    func idempotent() throws {
        let lab = try DispatchLab()
        for (i, name) in ["A", "B", "C"].enumerated() {
            try lab.enrol("Person \(name)", id: "01018\(i)-111\(i)", start: "2027-02-01", ordered: "2027-01-10")
        }
        let first = try lab.run("2027-01-11")
        #expect(first.sent.count == 3 && first.shipments.count == 1)
        let second = try lab.run("2027-01-11")
        #expect(second.sent.isEmpty && second.shipments.isEmpty)
        #expect(try lab.store.issues(customerID: lab.customer).count == 3)
        #expect(try lab.store.shipments(dispatchedOn: day("2027-01-11")).count == 1)
        // The database refuses a second card for the same enrolment and period.
        let e = try #require(try lab.store.enrolments(customerID: lab.customer).first?.id)
        #expect(throws: LabStoreError.self) {
            try lab.store.dispatch([DispatchLine(request: IssueRequest(cardID: "W509", enrolmentID: e, periodStart: day("2027-02-01"),
                                                                       periodEnd: day("2027-02-28")), priceMinorUnits: 12_500)],
                                   customerID: lab.customer, dispatchedOn: day("2027-01-11"))
        }
        #expect(try lab.store.card(id: "W509")?.state == .available, "the refused shipment left nothing behind")
    }

    @Test("a stock shortage is forecast before it happens")
    func shortageForecast() throws {
        let lab = try DispatchLab(wholeBodyStock: 4)
        for i in 0..<3 { try lab.enrol("Person \(i)", id: "01018\(i)-111\(i)", start: "2027-02-01", ordered: "2027-01-10") }
        let report = try lab.run("2027-01-11", DispatchPolicy(forecastDays: 45))
        #expect(report.sent.count == 3 && report.unsent.isEmpty)
        let wb = try #require(report.forecast.first { $0.dosimeterType == .wholeBody })
        // 1 card left; March's three cards go out on 2027-02-22: short by 2 from that day.
        #expect(wb.available == 1 && wb.needed == 3 && wb.shortBy == 2 && wb.firstShortDay == day("2027-02-22"))
    }

    @Test("no price in force: nothing is dispatched, with a clear reason")
    func noPrice() throws {
        let lab = try DispatchLab(fingerStock: 2)
        try lab.enrol("Finger, Fie", id: "010190-0000", type: .finger, start: "2025-12-01", ordered: "2025-11-20")
        #expect(throws: DispatchError.noPrice(type: .finger, day: day("2025-11-20"))) { try lab.run("2025-11-20") }
        #expect(try lab.store.issues(customerID: lab.customer).isEmpty)
    }

    @Test("dispatch charges the price in force on the dispatch day")
    func priceOfDispatchDay() throws {
        let lab = try DispatchLab()
        try lab.enrol("Jensen, Mette", id: "010180-1111", start: "2027-03-01", ordered: "2027-02-10")
        _ = try lab.run("2027-02-10")
        _ = try lab.run("2027-03-22")  // April's card, sent before the April price starts
        #expect(try lab.run("2027-04-23").sent.isEmpty)  // 1 May 2027 is a Saturday: its card goes on Monday 26 April
        _ = try lab.run("2027-04-26")  // May's card, at the new price
        let charges = try lab.store.charges(customerID: lab.customer, from: nil, to: nil)
        #expect(charges.map(\.amountMinorUnits) == [12_500, 12_500, 13_000])
        #expect(charges.map(\.kind) == [.cardSent, .cardSent, .cardSent])
    }
}

@Suite("Charges ledger: compensation falls due and stays")
struct ChargesLedgerTests {
    @Test("not returned 3 months after the period: charged at the amount of the last on-time return date; it stays when the card comes back")
    func chargeStaysAfterLateReturn() throws {
        let lab = try DispatchLab()
        let e = try lab.enrol("Berg, Bo", id: "040490-4444", start: "2027-02-01", ordered: "2027-01-10")
        _ = try lab.run("2027-01-11")
        let issue = try #require(try lab.store.issues(customerID: lab.customer).first)
        #expect(issue.periodEnd == day("2027-02-28"))
        let ledger = ChargesLedger(store: lab.store)
        // The last on-time return date is 2027-05-28: nothing due on it, due the day after.
        #expect(try ledger.recordDue(on: day("2027-05-28")).isEmpty)
        let due = try ledger.recordDue(on: day("2027-05-29"))
        #expect(due.map(\.kind) == [.notReturned] && due[0].dueOn == day("2027-05-29") && due[0].amountMinorUnits == 40_000)
        #expect(due[0].priceDay == day("2027-05-28"))
        // The card comes back in June (the compensation amount has gone up meanwhile): the charge stays as it was.
        var station = try IntakeStation.open(store: lab.store, customerID: lab.customer, arrivedOn: day("2027-06-10"), logger: WorkflowFixture.logger)
        #expect(try station.scan(issue.cardID).isAccepted)
        _ = try station.close()
        #expect(try ledger.recordDue(on: day("2027-06-30")).isEmpty)
        let all = try lab.store.charges(customerID: lab.customer, from: nil, to: nil)
        #expect(all.map(\.kind) == [.cardSent, .notReturned])
        #expect(all.map(\.amountMinorUnits) == [12_500, 40_000])
        let statement = try ledger.statement(customerID: nil, from: nil, to: nil, asOf: day("2027-06-30"))
        #expect(statement.totalMinorUnits == 52_500)
        #expect(statement.totals.map(\.month) == ["2027-01", "2027-05"])
        #expect(statement.totals.map(\.amountMinorUnits).reduce(0, +) == statement.totalMinorUnits)
        #expect(statement.rows.last?.enrolment == e.number)
    }

    @Test("a card damaged by the customer: charged on its arrival day; a fit card is not")
    func damaged() throws {
        let lab = try DispatchLab()
        try lab.enrol("Ærø, Else", id: "050505-0001", start: "2027-02-01", ordered: "2027-01-10")
        try lab.enrol("Øster, Ib", id: "050505-0002", start: "2027-02-01", ordered: "2027-01-10")
        _ = try lab.run("2027-01-11")
        let issues = try lab.store.issues(customerID: lab.customer)
        var station = try IntakeStation.open(store: lab.store, customerID: lab.customer, arrivedOn: day("2027-03-03"), logger: WorkflowFixture.logger)
        for i in issues { #expect(try station.scan(i.cardID).isAccepted) }
        _ = try station.close()
        _ = try lab.store.saveInspection(CardInspection(cardID: issues[0].cardID, issueID: nil, stage: .arrival, outcome: .retire,
                                                        damages: [Damage(.missingPellet, element: 2)], inspectedBy: "tech", inspectedAt: Date()))
        _ = try lab.store.saveInspection(CardInspection(cardID: issues[1].cardID, issueID: nil, stage: .arrival, outcome: .fit,
                                                        damages: [], inspectedBy: "tech", inspectedAt: Date()))
        let due = try ChargesLedger(store: lab.store).recordDue(on: day("2027-03-04"))
        #expect(due.count == 1 && due[0].kind == .damaged && due[0].cardID == issues[0].cardID)
        #expect(due[0].dueOn == day("2027-03-03") && due[0].amountMinorUnits == 40_000 && due[0].note.contains("missing pellet"))
        #expect(try ChargesLedger(store: lab.store).recordDue(on: day("2027-03-05")).isEmpty, "recorded once")
    }

    @Test("no compensation amount in force: nothing recorded, a clear reason")
    func noAmount() throws {
        let lab = try DispatchLab(fingerStock: 1)
        try lab.enrol("Finger, Fie", id: "010190-0000", type: .finger, start: "2027-02-01", ordered: "2027-01-10")
        _ = try lab.run("2027-01-11")
        #expect(throws: ChargesError.self) { try ChargesLedger(store: lab.store).recordDue(on: day("2027-06-01")) }
        #expect(try lab.store.charges(customerID: nil, from: nil, to: nil).map(\.kind) == [.cardSent])
    }
}
