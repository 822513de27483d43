import Foundation
import LabStore
import LabStoreSQLite
import TestSupport
import Testing
@testable import LabWorkflow

@Suite("tld import: one transaction, idempotent")
struct LabImportTests {
    static func lab() throws -> (SQLiteLabStore, LabImport, NationalIDProtector) {
        let store = try SQLiteLabStore.inMemory(logger: WorkflowFixture.logger)
        let protector = try NationalIDProtector(masterKey: Data(repeating: 0x22, count: 32))
        return (store, LabImport(store: store, protector: protector, logger: WorkflowFixture.logger), protector)
    }

    static func counts(_ store: SQLiteLabStore) throws -> [Int] {
        [try store.customers().count, try store.allWearers().count, try store.allEnrolments().count]
    }

    @Test("the example file: 3 customers, 19 wearers, 22 enrolments; again: nothing changes")
    func importTwice() throws {
        let (store, importer, protector) = try Self.lab()
        let bytes = Array(try Data(contentsOf: RepoPaths.file("examples/lab-import.csv")))
        let first = try importer.run(utf8: bytes, orderedOn: day("2026-12-06"))
        #expect(first.customersAdded == 3 && first.wearersAdded == 19 && first.enrolmentsAdded == 22)
        let enrolments = try store.allEnrolments()
        let wearers = try store.allWearers()
        #expect(enrolments.map(\.number) == (1...22).map { Enrolment.number(sequence: $0) })

        let second = try importer.run(utf8: bytes, orderedOn: day("2027-01-10"))
        #expect(second.changedNothing && second.unchangedRows == 22)
        #expect(try store.allEnrolments() == enrolments)
        #expect(try store.allWearers() == wearers, "the same sealed IDs: wearers found by look-up hash, not re-sealed")

        // What landed: sealed IDs, derived birth dates, change days, the cycle of 3-month cards.
        let hanne = try #require(wearers.first { $0.name == "Holm, Hanne" })
        #expect(try protector.firstFourDigits(of: hanne.protectedID) == "0707")
        #expect(hanne.birthDate == day("2001-07-07"), "7th digit 4, year 01: born 2001")
        let dorte = try #require(wearers.first { $0.name == "Dahl, Dorte" })
        let dorteEnrolments = enrolments.filter { $0.wearerID == dorte.id }
        #expect(dorteEnrolments.count == 2)
        let threeMonth = try #require(dorteEnrolments.first { $0.periodLength == .threeMonths })
        #expect(threeMonth.changeDay == 15 && threeMonth.cycleMonth == 1)
        #expect(threeMonth.schedule.period(containing: day("2027-03-01")) == WearPeriod(start: day("2027-01-15"), end: day("2027-04-14")))
        let finger = try #require(dorteEnrolments.first { $0.dosimeterType == .finger })
        #expect(finger.endDate == day("2027-06-30") && finger.orderedOn == day("2026-12-06"))
    }

    @Test("a file with one bad row imports nothing, and lists the row")
    func badRowImportsNothing() throws {
        let (store, importer, _) = try Self.lab()
        let file = ImportLine.file([ImportLine(), ImportLine().with("national_id", "020280-2222"),
                                    ImportLine().with("national_id", "030380-3333").with("period", "2w")])
        #expect {
            _ = try importer.run(utf8: file, orderedOn: day("2026-12-06"))
        } throws: { error in
            guard case let .rejected(r)? = error as? LabImport.Failure else { return false }
            return r.problems.map(\.line) == [4]
        }
        #expect(try Self.counts(store) == [0, 0, 0])
    }

    @Test("a failure while writing rolls back the whole import")
    func storeFailureRollsBack() async throws {
        let dir = try TemporaryDirectory("tld-import-rollback")
        defer { dir.cleanup() }
        let store = try SQLiteLabStore.open(path: dir.path("lab.sqlite"), logger: WorkflowFixture.logger)
        let importer = LabImport(store: store, protector: try NationalIDProtector(masterKey: Data(repeating: 0x22, count: 32)),
                                 logger: WorkflowFixture.logger)
        _ = try importer.run(utf8: ImportLine.file([ImportLine()]), orderedOn: day("2026-12-06"))
        // The database refuses any change of an enrolment (a stand-in for a disk failure half-way).
        let sqlite = ProductRunner(executable: URL(fileURLWithPath: "/usr/bin/sqlite3"))
        let r = try await sqlite.run([dir.path("lab.sqlite"),
            "CREATE TRIGGER failUpdate BEFORE UPDATE ON enrolment BEGIN SELECT RAISE(ABORT, 'disk on fire'); END;"], in: dir.url)
        try #require(r.status == 0, "\(r.stderr)")
        // A new customer and wearer first, then a row that changes the stored enrolment's end date.
        let file = ImportLine.file([
            ImportLine().with("customer_number", "K-2000").with("national_id", "050580-5555"),
            ImportLine().with("end_date", "2027-06-30"),
        ])
        #expect(throws: LabImport.Failure.self) { _ = try importer.run(utf8: file, orderedOn: day("2026-12-07")) }
        #expect(try Self.counts(store) == [1, 1, 1], "K-2000 and its wearer were rolled back with the failed row")
        #expect(try store.allEnrolments().map(\.endDate) == [nil])
    }

    @Test("an updated export: a new end date and a changed name update the records, nothing is duplicated")
    func updatedExport() throws {
        let (store, importer, _) = try Self.lab()
        _ = try importer.run(utf8: ImportLine.file([ImportLine()]), orderedOn: day("2026-12-06"))
        let s = try importer.run(utf8: ImportLine.file([ImportLine().with("end_date", "2027-06-30").with("wearer_name", "Jensen-Holm, Mette")]),
                                 orderedOn: day("2026-12-07"))
        #expect(s.enrolmentsUpdated == 1 && s.wearersUpdated == 1 && s.enrolmentsAdded == 0 && s.wearersAdded == 0)
        #expect(try store.allEnrolments().map(\.endDate) == [day("2027-06-30")])
        #expect(try store.allWearers().map(\.name) == ["Jensen-Holm, Mette"])
    }
}
