import Foundation
import PostgresLabStore
import Synchronization
import Testing
@testable import LabStore

extension StoreBackend {
    /// The backends of the dose-record roles (``DoseRecordStore``, ``DoseRecordBatchStore``,
    /// ``RegistryExportStore``, ``RetentionStore``): PostgreSQL implements them too since issue 15.
    static var doseRecordRole: [StoreBackend] { readoutRole }
}

/// The dose-record roles' store on any backend.
typealias DoseRecordRoles = DoseRecordBatchStore & RegistryExportStore & RetentionStore

extension StoreFixture {
    /// Opens the store (again) for the dose-record roles: any backend.
    func openDoseRecords() throws -> any DoseRecordRoles {
        if let postgresURL {
            return try PostgresLabStore.open(url: postgresURL, logger: Self.logger, now: clock.now)
        }
        return try openSQLite()
    }
}

/// The dose-record roles on every backend that has them: the same periods, statuses, orders,
/// refusals and export log on SQLite and PostgreSQL, and two desks at once losing or doubling nothing.
@Suite("Store contract: dose records (a person's record, assigned doses, registry export log, retention)")
struct DoseRecordContractTests {
    static func day(_ s: String) -> CalendarDay { RecordSamples.day(s) }

    /// One person (010190-0000) at K-1001 and K-1002; the K-1001 card is read and released at 0.40 mSv
    /// by "Dr. P"; the K-1002 card is not returned. A second person (020290-0000) at K-1001 took over a
    /// card of a third (030390-0000) by handover.
    struct Lab {
        var store: any DoseRecordRoles
        var lookup: Data
        var measured: CardIssue
        var missing: CardIssue
    }

    static func lab(_ fixture: StoreFixture) throws -> Lab {
        let store = try fixture.openDoseRecords()
        let a = try RecordSamples.setUp(store, customerID: "K-1001", cards: 1)
        let b = try RecordSamples.setUp(store, customerID: "K-1002", cards: 1)
        _ = try store.issueCards([IssueRequest(cardID: a.cardIDs[0], enrolmentID: try #require(a.enrolment.id),
                                               periodStart: day("2026-07-15"), periodEnd: day("2026-10-14"))],
                                 customerID: "K-1001", dispatchedOn: day("2026-07-08"))
        _ = try store.issueCards([IssueRequest(cardID: b.cardIDs[0], enrolmentID: try #require(b.enrolment.id),
                                               periodStart: day("2026-07-15"), periodEnd: day("2026-10-14"))],
                                 customerID: "K-1002", dispatchedOn: day("2026-07-08"))
        let ret = try store.openReturn(customerID: "K-1001", arrivedOn: day("2026-10-20"))
        let issue = try #require(try store.currentIssue(cardID: a.cardIDs[0]))
        _ = try store.acceptReturnedCard(issueID: try #require(issue.id), returnID: try #require(ret.id),
                                         handedOverToName: nil, scannedCode: a.cardIDs[0], message: "accepted")
        _ = try store.saveInspection(CardInspection(cardID: a.cardIDs[0], issueID: issue.id, stage: .arrival, outcome: .fit,
                                                    damages: [], inspectedBy: "tech", inspectedAt: Date()))
        let batchID = try #require(try store.openSampleBatch().id)
        try store.storeCard(a.cardIDs[0], batch: batchID)
        #expect(try store.markCardsRead(batch: batchID) == [a.cardIDs[0]])
        let dose = try store.saveDose(Samples.evaluation(batch: batchID, card: a.cardIDs[0], hp10: 0.4, hp007: 0.45, state: .evaluated),
                                      audit: DoseAudit(who: "system", why: "evaluated"), action: .evaluated)
        _ = try store.setDoseState(id: try #require(dose.id), to: .released, audit: DoseAudit(who: "Dr. P", why: "ok"), action: .accepted)
        let missing = try #require(try store.currentIssue(cardID: b.cardIDs[0]))
        let measuredID = try #require(issue.id)
        let measured = try #require(try store.issue(id: measuredID))
        return Lab(store: store, lookup: try RecordSamples.protector.lookup("010190-0000"), measured: measured, missing: missing)
    }

    /// Adds `count` persons at `customerID`, each with one card issued for 2026-07-15…2026-10-14 and
    /// not returned: periods a dose can be assigned to.
    static func unreturnedIssues(_ store: any DoseRecordRoles, customerID: String, count: Int) throws -> [CardIssue.ID] {
        _ = try store.saveCustomer(Customer(id: customerID, name: "Klinik \(customerID)"))
        var out: [CardIssue.ID] = []
        for n in 0..<count {
            let w = try store.addWearer(customerID: customerID, name: "Person \(n)",
                                        nationalID: try RecordSamples.protector.protect(String(format: "0101%02d-%04d", 50 + n, n)))
            let e = try store.enrol(Enrolment(wearerID: try #require(w.id), customerID: customerID, dosimeterType: .wholeBody,
                                              periodLength: .threeMonths, startDate: day("2026-07-15"), orderedOn: day("2026-07-01")))
            let card = "\(customerID)-U\(n)"
            try store.addCards([Card(id: card, dosimeterType: .wholeBody, stateChangedAt: Date())])
            _ = try store.issueCards([IssueRequest(cardID: card, enrolmentID: try #require(e.id), periodStart: day("2026-07-15"),
                                                   periodEnd: day("2026-10-14"))], customerID: customerID, dispatchedOn: day("2026-07-08"))
            out.append(try #require(try store.currentIssue(cardID: card)?.id))
        }
        return out
    }

    static func notional(_ issue: CardIssue.ID, _ hp10: Double, why: String = "card lost", replaces: AssignedDose.ID? = nil) -> AssignedDose {
        AssignedDose(issueID: issue, method: .notional, reason: .lost, hp10MilliSievert: hp10, hp007MilliSievert: nil,
                     who: "Dr. P", why: why, replacesID: replaces)
    }

    @Test("a person's record spans customers, by look-up hash; measured and not-returned periods; who wore a card",
          arguments: StoreBackend.doseRecordRole)
    func acrossCustomers(backend: StoreBackend) throws {
        let lab = try Self.lab(try backend.makeFixture())
        let wearers = try lab.store.wearers(nationalIDLookup: lab.lookup)
        #expect(wearers.map(\.customerID) == ["K-1001", "K-1002"])
        let periods = try lab.store.doseRecord(nationalIDLookup: lab.lookup)
        #expect(periods.map(\.issueID) == [lab.measured.id, lab.missing.id].compactMap { $0 })
        let measured = try #require(periods.first)
        #expect(measured.status == .measured && measured.hp10MilliSievert == 0.4 && measured.hp007MilliSievert == 0.45)
        #expect(measured.releasedAt != nil && measured.doseID != nil && measured.arrivedOn == Self.day("2026-10-20"))
        #expect(measured.enrolmentNumber == "TILM-00000001" && measured.wearerID == wearers[0].id)
        #expect(periods.last?.status == .notReturned && periods.last?.arrivedOn == nil)
        #expect(try lab.store.wornBy(issueID: try #require(lab.missing.id)) == wearers[1])
        #expect(try lab.store.wornBy(issueID: CardIssue.ID(rawValue: 999)) == nil)
        #expect(try lab.store.doseRecord(nationalIDLookup: try RecordSamples.protector.lookup("020290-0000")).isEmpty)
        #expect(try lab.store.wearers(nationalIDLookup: try RecordSamples.protector.lookup("020290-0000")).isEmpty)
    }

    @Test("an assigned dose: marked and current; a second one, a measured period and a 'lost' card that came back are refused with SQLite's messages",
          arguments: StoreBackend.doseRecordRole)
    func assigned(backend: StoreBackend) throws {
        let lab = try Self.lab(try backend.makeFixture())
        let missingID = try #require(lab.missing.id)
        let measuredID = try #require(lab.measured.id)
        let colleague = try lab.store.assignDose(AssignedDose(
            issueID: missingID, method: .colleague, reason: .lost, hp10MilliSievert: 0.4, hp007MilliSievert: 0.45,
            sourceIssues: [measuredID], who: "Dr. P", why: "card lost; same work as colleague"))
        #expect(colleague.id != nil && colleague.sourceIssues == [measuredID] && colleague.sourceIssueIDs == "[\(measuredID.rawValue)]")
        let p = try #require(try lab.store.doseRecord(nationalIDLookup: lab.lookup).first { $0.issueID == missingID })
        #expect(p.status == .assigned && p.hp10MilliSievert == 0.4 && p.assignment == colleague && p.releasedAt == colleague.assignedAt)

        #expect(throws: LabStoreError.immutableRow(message: "this period already has an assigned dose: correct it (it is replaced, not added to)")) {
            try lab.store.assignDose(Self.notional(missingID, 1, why: "again"))
        }
        let corrected = try lab.store.assignDose(Self.notional(missingID, 0.6, why: "better estimate", replaces: colleague.id))
        #expect(try lab.store.currentAssignedDoses(issueIDs: [missingID, measuredID]) == [missingID: corrected])
        #expect(try lab.store.doseRecord(nationalIDLookup: lab.lookup).first { $0.issueID == missingID }?.hp10MilliSievert == 0.6)
        #expect(throws: LabStoreError.immutableRow(message: "the dosimeter came back: it is not lost or unreturned")) {
            try lab.store.assignDose(Self.notional(measuredID, 1))
        }
        var unreadable = Self.notional(measuredID, 1)
        unreadable.reason = .unreadable
        #expect(throws: LabStoreError.immutableRow(message: "the dosimeter of this period has a measured dose: nothing to assign")) {
            try lab.store.assignDose(unreadable)
        }
        #expect(throws: LabStoreError.nonFiniteValue(field: "assigned dose")) {
            try lab.store.assignDose(Self.notional(missingID, .nan, replaces: corrected.id))
        }
        #expect(throws: LabStoreError.self) { try lab.store.assignDose(Self.notional(missingID, -1, replaces: corrected.id)) }
        #expect(try lab.store.currentAssignedDoses(issueIDs: [missingID]) == [missingID: corrected])
    }

    @Test("many records in one read equal the per-person reads; who released a customer's doses",
          arguments: StoreBackend.doseRecordRole)
    func batch(backend: StoreBackend) throws {
        let lab = try Self.lab(try backend.makeFixture())
        let other = try RecordSamples.protector.lookup("020290-0000")
        let records = try lab.store.doseRecords(nationalIDLookups: [lab.lookup, other, lab.lookup])
        #expect(records == [lab.lookup: try lab.store.doseRecord(nationalIDLookup: lab.lookup)])
        #expect(try lab.store.doseRecords(nationalIDLookups: []).isEmpty)
        let released = try lab.store.releasers(customerID: "K-1001", from: Self.day("2026-10-01"), to: Self.day("2026-10-31"))
        #expect(released.map(\.who) == ["Dr. P"] && released.map(\.doses) == [1])
        #expect(try lab.store.releasers(customerID: "K-1001", from: Self.day("2026-11-01"), to: Self.day("2026-12-31")).isEmpty)
        #expect(try lab.store.releasers(customerID: "K-1002", from: Self.day("2026-10-01"), to: Self.day("2026-10-31")).isEmpty)
    }

    @Test("the registry export log: periods of a range, numbering, the latest record, corrections, a failed write leaves the log as it was",
          arguments: StoreBackend.doseRecordRole)
    func registryLog(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let lab = try Self.lab(fixture)
        let from = Self.day("2026-10-01"), to = Self.day("2026-10-31")
        #expect(try lab.store.personLookups(periodEndFrom: from, to: to) == [lab.lookup])
        let periods = try lab.store.registryPeriods(periodEndFrom: from, to: to)
        #expect(periods.map(\.period) == (try lab.store.doseRecord(nationalIDLookup: lab.lookup)))
        #expect(periods.map(\.wearer) == (try lab.store.wearers(nationalIDLookup: lab.lookup)))
        #expect(try lab.store.registryPeriods(periodEndFrom: Self.day("2027-01-01"), to: Self.day("2027-12-31")).isEmpty)

        func record(_ p: RegistryPeriod, id: Int64, corrects: Int64?, content: String) -> RegistryLogRecord {
            RegistryLogRecord(id: id, issueID: p.period.issueID, personLookup: p.personLookup, kind: corrects == nil ? .original : .correction,
                              correctsID: corrects, status: p.period.status, hp10MilliSievert: p.period.hp10MilliSievert,
                              hp007MilliSievert: p.period.hp007MilliSievert, content: content)
        }
        struct WriteFailed: Error {}
        #expect(throws: WriteFailed.self) {
            try lab.store.recordRegistryExport(from: from, to: to, fileName: "x.csv") { _, _ in throw WriteFailed() }
        }
        #expect(try lab.store.registryExports().isEmpty)

        let first = try lab.store.recordRegistryExport(from: from, to: to, fileName: "q4.csv") { exportID, firstRecord in
            #expect(exportID == 1 && firstRecord == 1)
            return (periods.enumerated().map { record($1, id: firstRecord + Int64($0), corrects: nil, content: "v1") }, "abc")
        }
        #expect(first.id == 1 && first.recordCount == 2 && first.fileName == "q4.csv" && first.from == from && first.to == to)
        let second = try lab.store.recordRegistryExport(from: from, to: to, fileName: "q4-c.csv") { exportID, firstRecord in
            #expect(exportID == 2 && firstRecord == 3)
            return ([record(periods[1], id: firstRecord, corrects: 2, content: "v2")], "def")
        }
        #expect(try lab.store.registryExports() == [first, second])
        #expect(try lab.store.registryRecords(exportID: 1).map(\.id) == [1, 2])
        #expect(try lab.store.registryRecords(exportID: 2) == [record(periods[1], id: 3, corrects: 2, content: "v2")])
        #expect(try lab.store.registryCorrections(of: [1, 2, 3]) == [2: 3])
        #expect(try lab.store.registryCorrections(of: []).isEmpty)
        #expect(Set(try lab.store.latestRegistryRecords(periodEndFrom: from, to: to).map(\.id)) == [1, 3])

        // A record that no longer follows the latest one sent for its period is refused; nothing is written.
        #expect(throws: LabStoreError.constraintViolation(operation: "record a registry export", message: RegistryExportConflict.message)) {
            try lab.store.recordRegistryExport(from: from, to: to, fileName: "again.csv") { _, firstRecord in
                ([record(periods[0], id: firstRecord, corrects: nil, content: "v1")], "ghi")
            }
        }
        #expect(try lab.store.registryExports().count == 2)
    }

    @Test("retention facts: every person once, with their wearer rows, birth date and periods",
          arguments: StoreBackend.doseRecordRole)
    func retention(backend: StoreBackend) throws {
        let lab = try Self.lab(try backend.makeFixture())
        let people = try lab.store.personRetention()
        let wearers = try lab.store.wearers(nationalIDLookup: lab.lookup)
        #expect(people.count == 1)
        let p = try #require(people.first)
        #expect(p.lookup == Array(lab.lookup))
        #expect(p.wearers.map(\.id) == wearers.compactMap(\.id) && p.wearers.map(\.customerID) == ["K-1001", "K-1002"])
        #expect(p.firstPeriodStart == Self.day("2026-07-15") && p.lastPeriodEnd == Self.day("2026-10-14") && p.periods == 2)
    }

    @Test("two desks assigning a dose to the same periods at once: one dose per period, the other desk refused, nothing lost",
          arguments: StoreBackend.doseRecordRole)
    func twoDesksAssign(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let setup = try fixture.openDoseRecords()
        let issues = try Self.unreturnedIssues(setup, customerID: "K-3003", count: 8)
        let desks = [try fixture.openDoseRecords(), try fixture.openDoseRecords()]
        let stored = Mutex<[AssignedDose]>([])
        let refused = Mutex<[LabStoreError]>([])
        for issue in issues {
            DispatchQueue.concurrentPerform(iterations: 2) { desk in
                do {
                    let dose = try desks[desk].assignDose(Self.notional(issue, Double(desk + 1) / 10, why: "desk \(desk)"))
                    stored.withLock { $0.append(dose) }
                } catch let error as LabStoreError {
                    refused.withLock { $0.append(error) }
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
        }
        let doses = stored.withLock { $0 }
        #expect(doses.count == issues.count)
        #expect(Set(doses.map(\.issueID)) == Set(issues))
        #expect(refused.withLock { $0 } == Array(repeating: LabStoreError.immutableRow(
            message: "this period already has an assigned dose: correct it (it is replaced, not added to)"), count: issues.count))
        let current = try setup.currentAssignedDoses(issueIDs: issues)
        #expect(current.count == issues.count && Set(current.values) == Set(doses))
    }

    @Test("two desks recording a registry export of the same periods at once: each record sent once, the other export refused",
          arguments: StoreBackend.doseRecordRole)
    func twoDesksExport(backend: StoreBackend) throws {
        let fixture = try backend.makeFixture()
        let setup = try fixture.openDoseRecords()
        _ = try Self.unreturnedIssues(setup, customerID: "K-4004", count: 5)
        let from = Self.day("2026-10-01"), to = Self.day("2026-10-31")
        let desks = [try fixture.openDoseRecords(), try fixture.openDoseRecords()]
        for round in 0..<3 {
            // Both desks worked out the same records to send (the latest sent: round - 1's) before either recorded its export.
            let periods = try setup.registryPeriods(periodEndFrom: from, to: to)
            let latest = Dictionary(uniqueKeysWithValues: try setup.latestRegistryRecords(periodEndFrom: from, to: to).map { ($0.issueID, $0.id) })
            let exported = Mutex<[RegistryExportEntry]>([])
            let refused = Mutex<[LabStoreError]>([])
            DispatchQueue.concurrentPerform(iterations: 2) { desk in
                do {
                    let entry = try desks[desk].recordRegistryExport(from: from, to: to, fileName: "r\(round)-d\(desk).csv") { _, first in
                        (periods.enumerated().map { n, p in
                            RegistryLogRecord(id: first + Int64(n), issueID: p.period.issueID, personLookup: p.personLookup,
                                              kind: latest[p.period.issueID] == nil ? .original : .correction,
                                              correctsID: latest[p.period.issueID], status: p.period.status, hp10MilliSievert: nil,
                                              hp007MilliSievert: nil, content: "round \(round)")
                        }, "sha-\(desk)")
                    }
                    exported.withLock { $0.append(entry) }
                } catch let error as LabStoreError {
                    refused.withLock { $0.append(error) }
                } catch {
                    Issue.record("unexpected \(error)")
                }
            }
            #expect(exported.withLock { $0.count } == 1)
            #expect(refused.withLock { $0 } == [.constraintViolation(operation: "record a registry export", message: RegistryExportConflict.message)])
        }
        let log = try setup.registryExports()
        #expect(log.map(\.id) == [1, 2, 3] && log.map(\.recordCount) == [5, 5, 5])
        let records = try (1...3).flatMap { try setup.registryRecords(exportID: $0) }
        #expect(records.map(\.id) == Array(1...15))
        #expect(try setup.latestRegistryRecords(periodEndFrom: from, to: to).map(\.id).sorted() == Array(11...15))
        #expect(try setup.registryCorrections(of: Array(1...15)) == Dictionary(uniqueKeysWithValues: (1...10).map { (Int64($0), Int64($0 + 5)) }))
    }
}
