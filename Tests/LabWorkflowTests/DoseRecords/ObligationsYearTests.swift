import Foundation
import LabStore
import TestSupport
import Testing
@testable import LabWorkflow

/// Issue 13's "done when": the test year (``ObligationsYear``) raises every notification on the right
/// day and no other, opens exactly the cases its own model expects, gives every sum (quarter, year,
/// lifetime) right, and its registry export validates and reads back to the same records. The
/// obligations are checked through the code `tld` runs: ``DoseReview`` / ``LevelCheck`` for cases
/// and notifications, the dose record and ``DoseRecordSums`` (`tld history`), ``RegistryExport``,
/// ``RegistryFile`` and ``RegistryReimport`` (`tld registry export`, `validate --compare`).
@Suite("Obligations: a test year of 200 persons at 3 customers", .cpuHeavy)
struct ObligationsYearTests {
    @Test("notifications on the right day and no other; the cases; every sum; the registry export validates and re-imports")
    func testYear() throws {
        let year = try ObligationsYear()
        let store = year.store
        let people = Dictionary(uniqueKeysWithValues: year.lookups.map { ($0.value, $0.key) })

        // Notifications: exactly two, each on the release day of the dose that crossed.
        let notifications = try store.notifications(unsentOnly: false)
        var raised: Set<String> = []
        for n in notifications {
            let c = try #require(try store.levelCase(id: n.caseID))
            raised.insert("\(people[c.personLookup] ?? -1) \(c.kind.rawValue) \(n.raisedOn)")
        }
        #expect(raised == ["\(ObligationsYear.high) notifiable-period 2027-06-10", "\(ObligationsYear.crosser) notifiable-year 2027-09-10"])
        #expect(notifications.count == 2)

        // Cases: exactly those the model expects (the crosser's and the high dose's, the dual person's
        // year crossed only with both customers' doses), each opened on its day, none for anyone else.
        let cases = try store.levelCases(includeClosed: true, customerID: nil)
        let actual = Set(cases.map { ObligationsYear.ExpectedCase(person: people[$0.personLookup] ?? -1, kind: $0.kind, periodKey: $0.periodKey, openedOn: $0.openedOn) })
        let expected = year.expectedCases()
        #expect(actual == expected, "missing: \(expected.subtracting(actual).sorted { $0.description < $1.description }), unexpected: \(actual.subtracting(expected).sorted { $0.description < $1.description })")
        #expect(expected.contains(.init(person: ObligationsYear.dual, kind: .investigationYear, periodKey: "2027", openedOn: day("2027-12-10"))))
        #expect(Set(actual.map(\.person)) == [ObligationsYear.dual, ObligationsYear.high, ObligationsYear.crosser])
        #expect(cases.allSatisfy { $0.deadline == $0.openedOn.adding(days: $0.kind.deadlineDays) })

        // Every sum of every person, as tld history computes it, against the model.
        for (person, lookup) in year.lookups {
            let periods = try store.doseRecord(nationalIDLookup: lookup)
            let mine = year.model.filter { $0.person == person }
            func sum(_ window: DoseRecordSums.Window) -> Double { DoseRecordSums.summary(periods, window: window).personalHp10MilliSievert }
            for q in 1...4 {
                let quarter = DoseRecordSums.Quarter(year: 2027, quarter: q)
                let want = mine.filter { $0.end >= quarter.first && $0.end <= quarter.last }.reduce(0) { $0 + $1.counted }
                #expect(abs(sum(.quarter(quarter)) - want) < 1e-9, "person \(person) \(quarter)")
            }
            let total = mine.reduce(0) { $0 + $1.counted }
            #expect(abs(sum(.year(2027)) - total) < 1e-9, "person \(person) year")
            #expect(abs(sum(.lifetime) - total) < 1e-9, "person \(person) lifetime")
            #expect(periods.filter { $0.status != .handedOver }.count == mine.count, "person \(person) periods")
        }
        let handedOver = try store.doseRecord(nationalIDLookup: try #require(year.lookups[ObligationsYear.handedOver]))
        #expect(handedOver.filter { $0.status == .handedOver }.map(\.periodEnd) == [day("2027-06-30")])
        #expect(try store.doseRecord(nationalIDLookup: try #require(year.lookups[ObligationsYear.successor])).first?.wornOnHandover == true)

        // The registry export: the set query gives the periods the per-person path gave.
        let export = RegistryExport(store: store, protector: year.protector)
        let (from, to, on) = (day("2027-01-01"), day("2027-12-31"), day("2028-04-15"))
        let pending = try export.pending(from: from, to: to, on: on)
        #expect(pending.pending == (try export.perPersonPending(from: from, to: to, on: on)))
        for (id, wearer) in pending.wearers { #expect(try store.wearer(id: id) == wearer) }
        var file = Data()
        let outcome = try #require(try export.run(from: from, to: to, on: on, createdAt: "2028-04-15T08:00:00Z", fileName: "registry-2027.csv") { file = $0 })
        #expect(outcome.originals == year.model.count && outcome.corrections == 0)

        // It validates, and every record is the model's: the right person, customer, period, dose, status.
        let text = try #require(String(data: file, encoding: .utf8))
        guard case let .success((header, records)) = RegistryFile.parse(text) else { Issue.record("the export does not validate: \(RegistryFile.parse(text))"); return }
        func line(_ person: Int, _ customer: String, _ end: CalendarDay, _ status: RegistryFile.Status, _ hp10: String) -> String {
            "\(person) \(customer) \(end) \(status.rawValue) \(hp10)"
        }
        let fromFile = try records.map { r in
            line(people[try year.protector.lookup(r.nationalID)] ?? -1, r.customer, r.periodEnd, r.status, RegistryFile.mSv(r.hp10MilliSievert))
        }
        let fromModel = year.model.map { line($0.person, $0.customer, $0.end, $0.status, RegistryFile.mSv($0.counted)) }
        #expect(fromFile.sorted() == fromModel.sorted())

        // Read back against the lab's records, field by field: the same records.
        let reimport = RegistryReimport(store: store, protector: year.protector)
        let back = try reimport.compare(header: header, records: records)
        #expect(back.problems.isEmpty, "\(back.problems)")
        #expect(back.matched == records.count && back.superseded == 0)
        // A changed field, a record of another person, a record the log does not hold: each found.
        var changed = records
        changed[7].hp10MilliSievert = (changed[7].hp10MilliSievert ?? 0) + 0.1
        changed[8].nationalID = records[9].nationalID == records[8].nationalID ? records[20].nationalID : records[9].nationalID
        changed[9].recordID = 999_999
        let problems = try reimport.compare(header: header, records: changed).problems.map(\.description)
        #expect(problems.contains("line 9: record \(records[7].recordID): Hp(10) not as in the lab's records"), "\(problems)")
        #expect(problems.contains("line 10: record \(records[8].recordID): the national ID is not the person the log sent this record for"))
        #expect(problems.contains("line 11: record 999999 is not in export 1 of the log"))
        #expect(problems.contains("line 1: record \(records[9].recordID) of export 1 is missing from the file"))

        // Sent once: nothing pending any more, by either path.
        #expect(try export.pending(from: from, to: to, on: on).pending.isEmpty)
        #expect(try export.perPersonPending(from: from, to: to, on: on).isEmpty)
    }
}

extension ObligationsYearTests {
    @Test("a sum equal to a level is not above it (compared at 0.1 µSv, not in binary floating point)")
    func levelComparison() {
        let twenty = (0..<20).reduce(0.0) { sum, _ in sum + 0.05 }
        #expect(twenty > 1.0, "the binary sum is above 1")
        #expect(!LevelCheck.exceeds(twenty, 1.0))
        #expect(LevelCheck.exceeds(1.0001, 1.0) && !LevelCheck.exceeds(1.00004, 1.0))
        #expect(LevelCheck.exceeds(15.0001, CaseKind.notifiableYearMilliSievert) && !LevelCheck.exceeds(15, CaseKind.notifiableYearMilliSievert))
    }
}

extension RegistryExport {
    /// The export's pending records as the first version computed them, one query per person
    /// (`personLookups`, then each person's dose record): the reference the set query must equal.
    func perPersonPending(from: CalendarDay, to: CalendarDay, on day: CalendarDay) throws -> [Pending] {
        var latest: [String: RegistryLogRecord] = [:]
        func key(_ issue: CardIssue.ID, _ lookup: Data) -> String { "\(issue.rawValue):" + lookup.base64EncodedString() }
        for r in try store.latestRegistryRecords(periodEndFrom: from, to: to) { latest[key(r.issueID, r.personLookup)] = r }
        var out: [Pending] = []
        for lookup in try store.personLookups(periodEndFrom: from, to: to) {
            for p in try store.doseRecord(nationalIDLookup: lookup) where p.periodEnd >= from && p.periodEnd <= to {
                guard let status = RegistryFile.Status(p.status) else { continue }
                if p.status == .notReturned && day <= ReturnDeadlines.compensationDue(periodEnd: p.periodEnd) { continue }
                let content = Self.content(p, customer: p.customerID)
                let last = latest[key(p.issueID, lookup)]
                if let last, last.content == content { continue }
                out.append(Pending(period: p, lookup: lookup, corrects: last?.id, content: content, status: status))
            }
        }
        return Self.ordered(out)
    }
}
