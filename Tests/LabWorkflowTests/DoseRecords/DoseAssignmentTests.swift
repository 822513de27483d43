import Foundation
import LabStore
import Testing
@testable import LabWorkflow

@Suite("Assigned doses: method (c) from colleagues, notional; the rules")
struct DoseAssignmentTests {
    /// The fixture's cycle: Ørsted 0.12 mSv and Andersen 0.30 mSv released; Berg's card not returned.
    static func lab() throws -> (WorkflowFixture, [Wearer]) {
        let f = try WorkflowFixture()
        let batch = try CycleTests.readBatch(f)
        for dose in try f.store.currentDoses(batch: batch) {
            _ = try f.store.setDoseState(id: try #require(dose.id), to: .released, audit: DoseAudit(who: "Dr. P", why: "ok"), action: .accepted)
        }
        return (f, try f.store.wearers(customerID: "K-1001"))
    }

    @Test("a group of colleagues: the highest dose of the same period; marked on the record and the result list")
    func colleagues() throws {
        let (f, wearers) = try Self.lab()
        let missing = try #require(try f.store.currentIssue(cardID: f.wholeBodyCards[2])?.id)
        let assignment = DoseAssignment(store: f.store)
        let dose = try assignment.fromColleagues(
            issueID: missing, colleagues: try wearers.filter { $0.name != "Berg, Bo" }.map { try #require($0.id) }, who: "Dr. P", why: "card lost",
            today: day("2026-11-20"))
        #expect(dose.method == .colleague && dose.reason == .notReturned)
        #expect(dose.hp10MilliSievert == 0.3 && dose.hp007MilliSievert == 0.1)
        #expect(dose.sourceIssues.count == 2)
        let berg = try #require(wearers.first { $0.name == "Berg, Bo" })
        let record = try f.store.doseRecord(nationalIDLookup: berg.nationalIDLookup)
        let period = try #require(record.first { $0.issueID == missing })
        #expect(period.status == .assigned && period.hp10MilliSievert == 0.3 && period.assignment?.remark.contains("highest of 2") == true)
        // The result list marks it.
        let list = try ReportBuilder(store: f.store, protector: f.protector).resultList(
            customerID: "K-1001", from: day("2026-10-01"), to: day("2026-10-31"), today: day("2026-11-20"))
        let row = try #require(list.rows.first { $0.cardID == f.wholeBodyCards[2] })
        #expect(row.status == "assigned" && row.hp10MilliSievert == 0.3 && row.remarks.contains { $0.hasPrefix("ASSIGNED dose") })
        #expect(list.text().contains("ASSIGNED dose"))
    }

    @Test("refused: before the period's end, a measured period, a colleague elsewhere or without the period, the person themself")
    func refusals() throws {
        let (f, wearers) = try Self.lab()
        let assignment = DoseAssignment(store: f.store)
        let missing = try #require(try f.store.currentIssue(cardID: f.wholeBodyCards[2])?.id)
        let measured = try #require(try f.store.currentIssue(cardID: f.wholeBodyCards[0])?.id)
        let colleague = try #require(wearers.first { $0.name == "Andersen, Anna" }?.id)
        #expect(throws: DoseAssignmentError.periodNotEnded(issue: missing.rawValue, end: day("2026-10-14"))) {
            try assignment.fromColleagues(issueID: missing, colleagues: [colleague], who: "P", why: "w", today: day("2026-10-14"))
        }
        #expect(throws: DoseAssignmentError.measured(issue: measured.rawValue)) {
            try assignment.notional(issueID: measured, hp10MilliSievert: 1, hp007MilliSievert: nil, who: "P", why: "w", today: day("2026-11-20"))
        }
        let other = try #require(try f.store.wearers(customerID: "K-2002").first?.id)
        #expect(throws: DoseAssignmentError.colleagueElsewhere(wearer: other.rawValue, customer: "K-1001")) {
            try assignment.fromColleagues(issueID: missing, colleagues: [other], who: "P", why: "w", today: day("2026-11-20"))
        }
        let berg = try #require(wearers.first { $0.name == "Berg, Bo" }?.id)
        #expect(throws: DoseAssignmentError.samePerson(wearer: berg.rawValue)) {
            try assignment.fromColleagues(issueID: missing, colleagues: [berg], who: "P", why: "w", today: day("2026-11-20"))
        }
        #expect(throws: DoseAssignmentError.badValue("a notional dose is 0–10000 mSv, not -1.0")) {
            try assignment.notional(issueID: missing, hp10MilliSievert: -1, hp007MilliSievert: nil, who: "P", why: "w", today: day("2026-11-20"))
        }
        #expect(throws: DoseAssignmentError.lostButReturned(issue: measured.rawValue)) {
            try assignment.notional(issueID: measured, hp10MilliSievert: 1, hp007MilliSievert: nil, who: "P", why: "w", reason: .lost,
                                    today: day("2026-11-20"))
        }
    }
}
