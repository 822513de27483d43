import Foundation
import LabStore
import Testing
@testable import LabWorkflow

@Suite("Review context: reasons, wearer, period, previous doses; the review page")
struct ReviewContextTests {
    /// Andersen (the fixture's first wearer in Danish order) wears a whole-body card (2026-07-15…10-14,
    /// 0.30 mSv, released) and a finger card (2026-10-01…31) whose dose goes to review above the level.
    @Test func contextOfAFingerDoseShowsTheWholeBodyPeriodBefore() throws {
        let f = try WorkflowFixture()
        let batch = try CycleTests.readBatch(f)
        let doses = try f.store.currentDoses(batch: batch)
        let wholeBody = try #require(doses.first { $0.cardID == f.wholeBodyCards[1] })
        _ = try f.store.setDoseState(id: try #require(wholeBody.id), to: .released, audit: DoseAudit(who: "Dr. P", why: "ok"), action: .accepted)
        let finger = try #require(doses.first { $0.cardID == f.fingerCards[0] })
        let detail = "Hp(0.07) 0.10 mSv > review level 0.05 mSv (customer K-1001)"
        _ = try f.store.routeToReview(dose: try #require(finger.id), reasons: [(.aboveReviewLevel, detail)],
                                      audit: DoseAudit(who: "system", why: "level"))

        let contexts = try ReviewContextBuilder(store: f.store, protector: f.protector).all()
        let c = try #require(contexts.first { $0.dose.cardID == f.fingerCards[0] })
        #expect(c.batchGroupID == "R-1")
        #expect(c.reasons.map(\.reason) == [.aboveReviewLevel] && c.reasons.first?.detail == detail)
        let person = try #require(c.person)
        #expect(person.wearerName == "Andersen, Anna" && person.nationalIDFirst4 == "0101")
        #expect(person.customerID == "K-1001" && person.customerName == "Testklinik")
        #expect(person.periodStart == day("2026-10-01") && person.periodEnd == day("2026-10-31") && person.dosimeterType == .finger)
        // The earlier period: the whole-body card, released, with its dose; the year's Hp(10) before this one.
        #expect(c.previous.count == 1)
        let before = try #require(c.previous.first)
        #expect(before.cardID == f.wholeBodyCards[1] && before.periodEnd == day("2026-10-14"))
        #expect(before.status == .measured && before.hp10MilliSievert == 0.3)
        #expect(c.yearToDateHp10MilliSievert == 0.3)
        #expect(c.elements.map(\.element) == [1, 2, 3, 4])

        // The text lines and the page say the same.
        #expect(ReviewPageBuilder.reasons(c) == ["above review level: \(detail)"])
        let context = Dictionary(uniqueKeysWithValues: ReviewPageBuilder.context(c).map { ($0.label, $0.value) })
        #expect(context["wearer"] == "Andersen, Anna" && context["national ID"] == "0101******")
        #expect(context["period"] == "2026-10-01 – 2026-10-31" && context["customer"] == "K-1001 Testklinik")
        #expect(ReviewPageBuilder.previousRows(c) == [["2026-07-15 – 2026-10-14", "K-1001", "whole-body", f.wholeBodyCards[1], "0.300", "0.100", "measured"]])
        let html = ReviewPageBuilder.page(batch: "R-1", contexts: [c], generated: "now").html()
        #expect(html.contains("Andersen, Anna") && html.contains("0101******") && !html.contains("010190"))
        #expect(html.contains("&gt; review level 0.05 mSv"))
        #expect(html.components(separatedBy: "<figure>").count - 1 == 4)
        #expect(html.contains("Temperature (°C)"))
        #expect(contexts.allSatisfy { $0.dose.state == .needsReview })
    }

    @Test func aLabDosimeterHasNoPerson() throws {
        let f = try WorkflowFixture()
        let batch = try #require(try f.store.openBatch(
            groupID: "CAL", reader: ReaderIdentity(model: "TLR", serial: "S1", firmware: "1"), elementsPerCard: 4,
            timeTemperatureProfile: ReadoutJob.stored(.lifMgTiDefault), source: "test").id)
        try storeReading(f.store, card: "W120", batch: batch)
        let dose = try f.store.saveDose(DoseEvaluation(batchID: batch, cardID: "W120", hp10MilliSievert: 2, hp007MilliSievert: 2,
                                                       detectionLimitMilliSievert: 0.08, algorithmID: "test", calibrationID: nil,
                                                       evaluatedAt: Date()))
        _ = try f.store.routeToReview(dose: try #require(dose.id), reasons: [(.unexpectedCard, "card W120 is not on an open issue")],
                                      audit: DoseAudit(who: "system", why: "unexpected"))
        let c = try #require(try ReviewContextBuilder(store: f.store, protector: f.protector).all().first)
        #expect(c.person == nil && c.previous.isEmpty && c.yearToDateHp10MilliSievert == nil)
        #expect(ReviewPageBuilder.context(c).first?.value.hasPrefix("none") == true)
    }
}
