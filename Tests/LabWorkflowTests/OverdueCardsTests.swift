import Foundation
import LabReports
import LabStore
import Testing
@testable import LabWorkflow

@Suite("Overdue cards: reminders and compensation (DOMAIN.md §3)")
struct OverdueCardsTests {
    @Test("reminder one month after the period, compensation after three months or for a damaged card")
    func stagesByDate() throws {
        let f = try WorkflowFixture()
        var station = try IntakeStation.open(store: f.store, customerID: "K-1001", arrivedOn: day("2026-10-20"), logger: WorkflowFixture.logger)
        #expect(try station.scan(f.wholeBodyCards[0]).isAccepted)
        #expect(try station.scan(f.wholeBodyCards[1]).isAccepted)
        _ = try station.close()
        _ = try f.store.saveInspection(CardInspection(
            cardID: f.wholeBodyCards[0], issueID: nil, stage: .arrival, outcome: .retire,
            damages: [Damage(.crackedPellet, element: 2)], remark: "holder broken", inspectedBy: "tech", inspectedAt: Date()))
        _ = try f.store.saveInspection(CardInspection(
            cardID: f.wholeBodyCards[1], issueID: nil, stage: .arrival, outcome: .fit, damages: [], remark: "",
            inspectedBy: "tech", inspectedAt: Date()))
        let overdue = OverdueCards(store: f.store)

        // Three weeks after the whole-body period: only the damaged card.
        let early = try overdue.list(on: day("2026-11-04"))
        #expect(early.rows.map(\.cardID) == [f.wholeBodyCards[0]])
        #expect(early.rows.first?.stage == .compensationDamaged)
        #expect(early.rows.first?.detail == "cracked pellet (element 2); holder broken")

        // A month and a few days after: reminders for the missing whole-body cards of both customers;
        // the finger card (period to 31 October) is not due yet.
        let reminders = try overdue.list(on: day("2026-11-20"))
        #expect(reminders.count(.reminderDue) == 2)
        #expect(Set(reminders.rows.filter { $0.stage == .reminderDue }.map(\.cardID)) == [f.wholeBodyCards[2], f.foreignCard])
        #expect(reminders.rows.first { $0.cardID == f.wholeBodyCards[2] }?.daysSincePeriodEnd == 37)
        #expect(!reminders.rows.contains { $0.cardID == f.fingerCards[0] })
        // The reminder day itself (period end + 1 month) is not yet overdue.
        #expect(try overdue.list(on: day("2026-11-14")).count(.reminderDue) == 0)

        // After three months: compensation for the whole-body cards; the finger card is on its reminder.
        let late = try overdue.list(on: day("2027-01-20"))
        #expect(late.count(.compensationNotReturned) == 2)
        #expect(late.rows.first { $0.cardID == f.fingerCards[0] }?.stage == .reminderDue)
        #expect(late.rows.first { $0.cardID == f.wholeBodyCards[1] } == nil)

        // One customer only; an unknown customer is an error, not an empty list.
        let one = try overdue.list(on: day("2027-01-20"), customerID: "K-2002")
        #expect(one.rows.map(\.cardID) == [f.foreignCard])
        #expect(throws: LabStoreError.self) { try overdue.list(on: day("2027-01-20"), customerID: "K-9999") }

        // Names and enrolment numbers, never the national ID.
        for text in [late.csv(), late.text()] {
            #expect(text.contains("Berg, Bo"))
            #expect(!text.contains("121288") && !text.contains("050505") && !text.contains("1212"))
        }
        #expect(late.csv().hasPrefix("customer,customer_name,wearer,enrolment,"))
    }

    @Test("a past day's list counts a card that came back later as out on that day")
    func pastDayStaysTheSame() throws {
        let f = try WorkflowFixture()
        // Whole-body period to 2026-10-14: reminder from 2026-11-15. Card 2 comes back on 2026-12-01,
        // card 0 on 2027-01-20 (after compensation became due on 2027-01-15), damaged.
        var station = try IntakeStation.open(store: f.store, customerID: "K-1001", arrivedOn: day("2026-12-01"), logger: WorkflowFixture.logger)
        #expect(try station.scan(f.wholeBodyCards[2]).isAccepted)
        _ = try station.close()
        station = try IntakeStation.open(store: f.store, customerID: "K-1001", arrivedOn: day("2027-01-20"), logger: WorkflowFixture.logger)
        #expect(try station.scan(f.wholeBodyCards[0]).isAccepted)
        _ = try station.close()
        _ = try f.store.saveInspection(CardInspection(
            cardID: f.wholeBodyCards[0], issueID: nil, stage: .arrival, outcome: .retire,
            damages: [Damage(.crackedPellet, element: 2)], remark: "", inspectedBy: "tech", inspectedAt: Date()))
        let overdue = OverdueCards(store: f.store)

        // 2026-11-20, asked afterwards: cards 0 and 2 were still out (as card 1, never back), on the reminder.
        let before = try overdue.list(on: day("2026-11-20"), customerID: "K-1001")
        #expect(Set(before.rows.filter { $0.stage == .reminderDue }.map(\.cardID)) == Set(f.wholeBodyCards.prefix(3)))
        #expect(!before.rows.contains { $0.stage == .compensationDamaged })
        // The day card 2 came back: off the list; card 0 still on it (and the finger card, due from 1 December).
        let back = try overdue.list(on: day("2026-12-01"), customerID: "K-1001")
        #expect(Set(back.rows.filter { $0.stage == .reminderDue }.map(\.cardID)) == [f.wholeBodyCards[0], f.wholeBodyCards[1], f.fingerCards[0]])
        // After three months card 0 is out for compensation; once back it is charged as damaged.
        #expect(try overdue.list(on: day("2027-01-16"), customerID: "K-1001").rows
            .contains { $0.cardID == f.wholeBodyCards[0] && $0.stage == .compensationNotReturned })
        let after = try overdue.list(on: day("2027-01-21"), customerID: "K-1001")
        #expect(after.rows.filter { $0.cardID == f.wholeBodyCards[0] }.map(\.stage) == [.compensationDamaged])
    }

    @Test("the result list says a reminder is due, not that one was sent")
    func resultListRemark() throws {
        let f = try WorkflowFixture()
        let list = try ReportBuilder(store: f.store, protector: f.protector)
            .resultList(customerID: "K-1001", from: day("2026-10-01"), to: day("2026-10-31"), today: day("2026-11-20"))
        let row = try #require(list.rows.first { $0.cardID == f.wholeBodyCards[0] })
        #expect(row.status == "missing")
        #expect(row.remarks == ["not returned", "reminder due"])
    }
}
