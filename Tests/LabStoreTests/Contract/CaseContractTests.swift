import Dispatch
import Foundation
import LabStorePostgres
import Synchronization
import Testing
@testable import LabStore

extension StoreBackend {
    /// The backends of the cases role (``CaseStore``) and the annual review's reads
    /// (``AnnualReviewStore``): PostgreSQL implements them too since issue 15.
    static var caseRole: [StoreBackend] { readoutRole }
}

extension StoreFixture {
    /// Opens the store (again) for the cases role's contract: any backend.
    func openCases() throws -> any AnnualReviewStore {
        if let postgresURL {
            return try PostgresLabStore.open(url: postgresURL, logger: Self.logger, now: clock.now)
        }
        return try openSQLite()
    }
}

/// The cases role on every backend that has it: the same cases, notifications (numbers included),
/// refusals, orders, sums and annual-review reads on SQLite and PostgreSQL; and two benches releasing
/// doses of one person over a level at once open one case and raise one notification.
@Suite("Store contract: monitoring-level cases, notifications, annual reviews")
struct CaseContractTests {
    typealias Store = any AnnualReviewStore

    static func day(_ s: String) -> CalendarDay { RecordSamples.day(s) }

    /// A person (by national ID) working at K-1001 and K-1002, each with one whole-body card for
    /// 2026-07-15…2026-10-14, returned, inspected and read in `batch`, with an evaluated (not released)
    /// dose of `hp10` mSv each. Returns the two doses, K-1001's first.
    static func person(_ store: Store, nationalID: String, batch: ReadoutBatch.ID, hp10: [Double], tag: String) throws -> [DoseResult] {
        var doses: [DoseResult] = []
        for (n, customerID) in ["K-1001", "K-1002"].enumerated() where n < hp10.count {
            if try store.customer(id: customerID) == nil { _ = try store.saveCustomer(Customer(id: customerID, name: "Klinik \(customerID)")) }
            let wearer = try store.addWearer(customerID: customerID, name: "Person \(tag)", nationalID: try RecordSamples.protector.protect(nationalID))
            let enrolment = try store.enrol(Enrolment(
                wearerID: try #require(wearer.id), customerID: customerID, dosimeterType: .wholeBody, periodLength: .threeMonths,
                startDate: day("2026-07-15"), orderedOn: day("2026-07-01")))
            let card = "\(customerID)-\(tag)"
            try store.addCards([Card(id: card, dosimeterType: .wholeBody, stateChangedAt: Date())])
            _ = try store.issueCards([IssueRequest(cardID: card, enrolmentID: try #require(enrolment.id), periodStart: day("2026-07-15"),
                                                   periodEnd: day("2026-10-14"))], customerID: customerID, dispatchedOn: day("2026-07-08"))
            let issue = try #require(try store.currentIssue(cardID: card))
            let ret = try store.openReturn(customerID: customerID, arrivedOn: day("2026-10-20"))
            _ = try store.acceptReturnedCard(issueID: try #require(issue.id), returnID: try #require(ret.id), handedOverToName: nil,
                                             scannedCode: card, message: "accepted")
            _ = try store.saveInspection(CardInspection(cardID: card, issueID: issue.id, stage: .arrival, outcome: .fit, damages: [],
                                                        inspectedBy: "tech", inspectedAt: Date()))
            try store.storeCard(card, batch: batch)
            _ = try store.markCardsRead(batch: batch)
            doses.append(try store.saveDose(Samples.evaluation(batch: batch, card: card, hp10: hp10[n]),
                                            audit: DoseAudit(who: "system", why: "evaluated"), action: .evaluated))
        }
        return doses
    }

    static func draft(_ person: DosePerson, dose: DoseResult, kind: CaseKind, key: String, value: Double, on day: CalendarDay) throws -> LevelCase {
        LevelCase(personLookup: person.personLookup, kind: kind, periodKey: key, customerID: person.customerID, wearerID: person.wearerID,
                  doseID: try #require(dose.id), valueMilliSievert: value, levelMilliSievert: kind.level(.defaults(customerID: person.customerID)),
                  openedOn: day, openedAt: Date(timeIntervalSince1970: 1_795_100_000), deadline: day.adding(days: kind.deadlineDays))
    }

    static func release(_ store: Store, _ dose: DoseResult, who: String = "Dr. P") throws {
        _ = try store.setDoseState(id: try #require(dose.id), to: .released, audit: DoseAudit(who: who, why: "checked"), action: .accepted)
    }

    @Test("the person of a dose, the running Hp(10) sums with the dose being checked, released doses not checked yet",
          arguments: StoreBackend.caseRole)
    func personAndSums(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openCases()
        let batch = try #require(try store.openSampleBatch().id)
        let doses = try Self.person(store, nationalID: "010190-0000", batch: batch, hp10: [6, 7.5], tag: "A")
        let ids = try doses.map { try #require($0.id) }
        let person = try #require(try store.dosePerson(dose: ids[0]))
        #expect(person.personLookup == (try RecordSamples.protector.lookup("010190-0000")))
        #expect(person.customerID == "K-1001" && person.wearerName == "Person A" && person.dosimeterType == .wholeBody)
        #expect(person.periodStart == Self.day("2026-07-15") && person.periodEnd == Self.day("2026-10-14"))
        #expect(try store.wearer(id: person.wearerID)?.customerID == "K-1001")
        #expect(try store.dosePerson(dose: DoseResult.ID(rawValue: 999)) == nil)
        #expect(try store.currentDoseIDs() == doses.compactMap(\.id))

        let year = (Self.day("2026-01-01"), Self.day("2026-12-31"))
        // Nothing released: the record counts both as pending (0); the dose being checked counts.
        #expect(try store.personHp10Sum(personLookup: person.personLookup, from: year.0, through: year.1, including: nil) == 0)
        #expect(try store.personHp10Sum(personLookup: person.personLookup, from: year.0, through: year.1, including: doses[1].id) == 7.5)
        #expect(try store.releasedDosesNotChecked().isEmpty)
        try Self.release(store, doses[0])
        #expect(try store.personHp10Sum(personLookup: person.personLookup, from: year.0, through: year.1, including: doses[1].id) == 13.5)
        // A released dose counts once, whether or not it is the one being checked.
        #expect(try store.personHp10Sum(personLookup: person.personLookup, from: year.0, through: year.1, including: doses[0].id) == 6)
        // Periods ending outside the range do not count.
        #expect(try store.personHp10Sum(personLookup: person.personLookup, from: Self.day("2027-01-01"), through: Self.day("2027-12-31"),
                                        including: doses[1].id) == 0)
        #expect(try store.releasedDosesNotChecked() == [ids[0]])
        try store.markLevelsChecked(dose: ids[0])
        try store.markLevelsChecked(dose: ids[0])
        #expect(try store.releasedDosesNotChecked().isEmpty)
        try Self.release(store, doses[1])
        #expect(try store.releasedDosesNotChecked() == [ids[1]])
    }

    @Test("a case opens once; its notification is raised once and numbered per year; closing needs a complete investigation and a sent notification, with SQLite's messages",
          arguments: StoreBackend.caseRole)
    func lifecycle(backend: StoreBackend) throws {
        let store = try backend.makeFixture().openCases()
        let batch = try #require(try store.openSampleBatch().id)
        let doses = try Self.person(store, nationalID: "010190-0000", batch: batch, hp10: [12, 4], tag: "A")
        let ids = try doses.map { try #require($0.id) }
        let person = try #require(try store.dosePerson(dose: ids[0]))
        let day = Self.day("2026-11-05")
        let draft = try Self.draft(person, dose: doses[0], kind: .notifiablePeriod, key: "2026-07-15..2026-10-14", value: 12, on: day)
        let first = try store.openCase(draft)
        let again = try store.openCase(draft)
        #expect(first.isNew && !again.isNew && first.levelCase.id == again.levelCase.id)
        #expect(first.levelCase.kind == .notifiablePeriod && first.levelCase.valueMilliSievert == 12 && first.levelCase.levelMilliSievert == 10)
        #expect(first.levelCase.openedOn == day && first.levelCase.deadline == day && first.levelCase.isOpen)
        #expect(first.levelCase.openedAt == draft.openedAt && first.levelCase.personLookup == person.personLookup)
        let caseID = try #require(first.levelCase.id)
        #expect(try store.levelCase(id: caseID) == first.levelCase)

        let n1 = try store.raiseNotification(caseID: caseID, on: day)
        let n2 = try store.raiseNotification(caseID: caseID, on: day.adding(days: 1))
        #expect(n1.isNew && !n2.isNew && n2.notification == n1.notification)
        let notificationID = try #require(n1.notification.id)
        #expect(n1.notification.reportNumber == "N-2026-0001" && n1.notification.raisedOn == day && !n1.notification.isSent)
        // A second case of the person (another kind): the next number of the year; a case of 2027: that year's first.
        let yearCase = try store.openCase(try Self.draft(person, dose: doses[0], kind: .investigationYear, key: "2026", value: 16, on: day))
        let yearID = try #require(yearCase.levelCase.id)
        #expect(try store.raiseNotification(caseID: yearID, on: day).notification.reportNumber == "N-2026-0002")
        let later = try store.openCase(try Self.draft(person, dose: doses[1], kind: .investigationQuarter, key: "2027-Q1", value: 4,
                                                      on: Self.day("2027-01-10")))
        let laterID = try #require(later.levelCase.id)
        #expect(try store.raiseNotification(caseID: laterID, on: Self.day("2027-01-10")).notification.reportNumber == "N-2027-0001")
        #expect(try store.notification(caseID: caseID) == n1.notification)
        #expect(try store.notification(id: notificationID) == n1.notification)
        #expect(try store.notification(caseID: LevelCase.ID(rawValue: 999)) == nil)
        #expect(try store.notifications(unsentOnly: true).map(\.reportNumber) == ["N-2026-0001", "N-2026-0002", "N-2027-0001"])

        // A correction follows the open case.
        try store.updateCaseDose(caseID: caseID, doseID: ids[1], valueMilliSievert: 11.5)
        #expect(try store.levelCase(id: caseID)?.valueMilliSievert == 11.5)
        #expect(throws: LabStoreError.nonFiniteValue(field: "valueMilliSievert")) {
            try store.updateCaseDose(caseID: caseID, doseID: ids[1], valueMilliSievert: .infinity)
        }
        try store.updateCaseDose(caseID: caseID, doseID: ids[0], valueMilliSievert: 12)

        // Closing: nothing recorded yet.
        #expect(throws: LabStoreError.invalidRecord("case \(caseID.rawValue) cannot close: its investigation lacks "
                                                   + CaseInvestigation(caseID: caseID, recordedBy: "", recordedAt: Date()).missing.joined(separator: "; "))) {
            try store.closeCase(id: caseID, by: "P")
        }
        let partial = try store.recordInvestigation(CaseInvestigation(caseID: caseID, personalDose: true, recordedBy: "P", recordedAt: Date()))
        #expect(partial.personalDose == true && !partial.isComplete)
        #expect(throws: LabStoreError.invalidRecord("the refined effective dose must be between 0 and 10 000 mSv, not -1.0")) {
            try store.recordInvestigation(CaseInvestigation(caseID: caseID, refinedEffectiveMilliSievert: -1, recordedBy: "P", recordedAt: Date()))
        }
        #expect(throws: LabStoreError.invalidRecord("no case 999")) {
            try store.recordInvestigation(CaseInvestigation(caseID: LevelCase.ID(rawValue: 999), causes: "x", recordedBy: "P", recordedAt: Date()))
        }
        let full = try store.recordInvestigation(CaseInvestigation(
            caseID: caseID, apronWorn: false, refinedEffectiveMilliSievert: 11, refinedMethod: "Hp(10) as E", causes: "c", actions: "a",
            workerInformedBy: "RPO", workerInformedOn: day, recordedBy: "Q", recordedAt: Date(timeIntervalSince1970: 1_795_200_000)))
        #expect(full.isComplete && full.personalDose == true && full.recordedBy == "Q", "a later step keeps the earlier answers")
        #expect(try store.investigation(caseID: caseID) == full)
        #expect(try store.investigation(caseID: yearID) == nil)
        // Complete, but the notification is not sent.
        #expect(throws: LabStoreError.invalidRecord(
            "case \(caseID.rawValue) cannot close: notification N-2026-0001 is not marked sent (tld notifications mark-sent)")) {
            try store.closeCase(id: caseID, by: "P")
        }
        let sentAt = Date(timeIntervalSince1970: 1_795_300_000)
        let sent = try store.markNotificationSent(id: notificationID, by: "P", how: .secureEmail, at: sentAt)
        #expect(sent.isSent && sent.sentAt == sentAt && sent.sentBy == "P" && sent.sentHow == .secureEmail && sent.reportNumber == "N-2026-0001")
        #expect(throws: LabStoreError.invalidRecord("notification N-2026-0001 is marked sent already")) {
            try store.markNotificationSent(id: notificationID, by: "Q", how: .post, at: Date())
        }
        #expect(throws: LabStoreError.invalidRecord("no notification 999")) {
            try store.markNotificationSent(id: AuthorityNotification.ID(rawValue: 999), by: "Q", how: .post, at: Date())
        }
        #expect(try store.notifications(unsentOnly: true).map(\.reportNumber) == ["N-2026-0002", "N-2027-0001"])
        #expect(try store.notifications(unsentOnly: false).map(\.reportNumber) == ["N-2026-0001", "N-2026-0002", "N-2027-0001"])

        let closed = try store.closeCase(id: caseID, by: "P")
        #expect(!closed.isOpen && closed.closedBy == "P" && closed.id == caseID)
        #expect(throws: LabStoreError.invalidRecord("case \(caseID.rawValue) is closed already")) { try store.closeCase(id: caseID, by: "P") }
        #expect(throws: LabStoreError.invalidRecord("no case 999")) { try store.closeCase(id: LevelCase.ID(rawValue: 999), by: "P") }
        #expect(throws: LabStoreError.invalidRecord("case \(caseID.rawValue) is closed: its investigation never changes")) {
            try store.recordInvestigation(CaseInvestigation(caseID: caseID, causes: "other", recordedBy: "Q", recordedAt: Date()))
        }
        // A closed case does not follow a correction.
        try store.updateCaseDose(caseID: caseID, doseID: ids[1], valueMilliSievert: 3)
        #expect(try store.levelCase(id: caseID)?.valueMilliSievert == 12)

        // Open ones by deadline (the notifiable one is due the day it opened, the others 30 days on); closed ones on request.
        #expect(try store.levelCases(includeClosed: false, customerID: nil).compactMap(\.id) == [yearID, laterID])
        #expect(try store.levelCases(includeClosed: true, customerID: nil).compactMap(\.id) == [caseID, yearID, laterID])
        #expect(try store.levelCases(includeClosed: true, customerID: "K-1002").isEmpty)
        #expect(try store.levelCases(includeClosed: true, customerID: "K-1001").count == 3)
    }

    @Test("annual reviews: the first writing counts; the reads of a customer's review equal the per-person records",
          arguments: StoreBackend.caseRole)
    func annualReview(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let store = try fixture.openCases()
        let batch = try #require(try store.openSampleBatch().id)
        let a = try Self.person(store, nationalID: "010190-0000", batch: batch, hp10: [1.5, 2], tag: "A")
        _ = try Self.person(store, nationalID: "020290-0000", batch: batch, hp10: [0.3], tag: "B")
        try Self.release(store, a[0])
        #expect(try store.annualReviewsWritten(year: 2026).isEmpty)
        try store.recordAnnualReview(customerID: "K-1001", year: 2026, by: "RPO")
        let written = try #require(try store.annualReviewsWritten(year: 2026)["K-1001"])
        try store.recordAnnualReview(customerID: "K-1001", year: 2026, by: "other")
        #expect(try store.annualReviewsWritten(year: 2026) == ["K-1001": written], "the first writing counts")
        #expect(try store.annualReviewsWritten(year: 2025).isEmpty)

        let from = Self.day("2022-01-01"), through = Self.day("2026-12-31")
        let records = try store.doseRecords(wearersOf: "K-1001", periodEndFrom: from, through: through)
        let lookupA = try RecordSamples.protector.lookup("010190-0000"), lookupB = try RecordSamples.protector.lookup("020290-0000")
        #expect(Set(records.keys) == [lookupA, lookupB])
        #expect(records[lookupA] == (try store.doseRecord(nationalIDLookup: lookupA)), "the person's periods at every customer")
        #expect(records[lookupA]?.map(\.customerID) == ["K-1001", "K-1002"])
        #expect(records[lookupA]?.first?.status == .measured && records[lookupA]?.last?.status == .pending)
        #expect(records[lookupB] == (try store.doseRecord(nationalIDLookup: lookupB)))
        #expect(try store.doseRecords(wearersOf: "K-1002", periodEndFrom: from, through: through).keys.sorted { $0.lexicographicallyPrecedes($1) }
                == [lookupA])
        #expect(try store.doseRecords(wearersOf: "K-1001", periodEndFrom: Self.day("2027-01-01"), through: Self.day("2027-12-31")).isEmpty)
        #expect(try store.doseRecords(wearersOf: "K-9999", periodEndFrom: from, through: through).isEmpty)

        let inspections = try store.arrivalInspections(customerID: "K-1001", periodEndFrom: from, through: through)
        #expect(inspections == (try store.arrivalInspections(customerID: "K-1001")))
        #expect(inspections.count == 2 && inspections.values.allSatisfy { $0.stage == .arrival && $0.outcome == .fit })
        #expect(try store.arrivalInspections(customerID: "K-1001", periodEndFrom: Self.day("2027-01-01"), through: Self.day("2027-12-31")).isEmpty)
    }

    /// Runs `body` on both connections at once and returns each one's outcome.
    static func race<T: Sendable>(_ first: Store, _ second: Store, _ body: @escaping @Sendable (Store, Int) throws -> T) -> [Result<T, any Error>] {
        let outcomes = Mutex<[Int: Result<T, any Error>]>([:])
        DispatchQueue.concurrentPerform(iterations: 2) { bench in
            let outcome: Result<T, any Error>
            do { outcome = .success(try body(bench == 0 ? first : second, bench)) } catch { outcome = .failure(error) }
            outcomes.withLock { $0[bench] = outcome }
        }
        return outcomes.withLock { [$0[0], $0[1]].compactMap { $0 } }
    }

    @Test("two benches release a person's doses over the year's notification threshold at once: one case, one notification, numbers in sequence",
          arguments: StoreBackend.caseRole.filter(\.persists))
    func racingReleases(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let (first, second) = (try fixture.openCases(), try fixture.openCases())
        let batch = try #require(try first.openSampleBatch().id)
        let day = Self.day("2026-11-05")
        let year = (Self.day("2026-01-01"), Self.day("2026-10-14"))
        for round in 0..<6 {
            // 8 + 8 mSv: neither period above 10 mSv, the year's 16 mSv above 15 mSv.
            let doses = try Self.person(first, nationalID: String(format: "0101%02d-%04d", 60 + round, round), batch: batch, hp10: [8, 8],
                                        tag: "R\(round)")
            let outcomes = Self.race(first, second) { store, bench -> (caseID: LevelCase.ID, isNew: Bool, notification: AuthorityNotification)? in
                // What LevelCheck does for a released dose: release, sum, open, raise.
                let dose = doses[bench]
                guard let id = dose.id else { return nil }
                _ = try store.setDoseState(id: id, to: .released, audit: DoseAudit(who: "bench \(bench)", why: "checked"), action: .accepted)
                guard let person = try store.dosePerson(dose: id) else { return nil }
                let sum = try store.personHp10Sum(personLookup: person.personLookup, from: year.0, through: year.1, including: id)
                guard sum > CaseKind.notifiableYearMilliSievert else {
                    try store.markLevelsChecked(dose: id)
                    return nil
                }
                let opened = try store.openCase(LevelCase(
                    personLookup: person.personLookup, kind: .notifiableYear, periodKey: "2026", customerID: person.customerID,
                    wearerID: person.wearerID, doseID: id, valueMilliSievert: sum, levelMilliSievert: 15, openedOn: day, openedAt: Date(),
                    deadline: day))
                let caseID = try #require(opened.levelCase.id)
                let raised = try store.raiseNotification(caseID: caseID, on: day)
                try store.markLevelsChecked(dose: id)
                return (caseID, opened.isNew, raised.notification)
            }
            let results = try outcomes.map { try $0.get() }.compactMap { $0 }
            #expect(!results.isEmpty, "round \(round): the later check sees both doses released")
            #expect(results.filter { $0.isNew }.count == 1, "round \(round): one case opened")
            #expect(Set(results.map { $0.caseID }).count == 1 && Set(results.map { $0.notification }).count == 1, "round \(round)")
            let lookup = try RecordSamples.protector.lookup(String(format: "0101%02d-%04d", 60 + round, round))
            let cases = try second.levelCases(includeClosed: true, customerID: nil).filter { $0.personLookup == lookup }
            #expect(cases.count == 1 && cases.first?.valueMilliSievert == 16, "round \(round)")
            #expect(try first.releasedDosesNotChecked().isEmpty)
        }
        #expect(try first.notifications(unsentOnly: true).map(\.reportNumber) == (1...6).map { String(format: "N-2026-%04d", $0) })
    }
}
