import Foundation
import Testing
@testable import LabStore
@testable import LabStorePostgres

/// The backend-independent table checksum of `tld db copy` (``LabTableChecksum``): its canonical
/// text, and on PostgreSQL that a copied table's checksum equals its SQLite source's and changes
/// when one value changes.
@Suite("Table checksum: canonical form")
struct LabTableChecksumTests {
    @Test("each value's canonical text: NULL, integers, booleans as 0/1, shortest reals, JSON with sorted keys, hex blobs, escaped text")
    func canonicalText() {
        #expect(LabTableChecksum.canonicalText(.null, kind: .text) == "\\N")
        #expect(LabTableChecksum.canonicalText(.integer(-42), kind: .integer) == "-42")
        #expect(LabTableChecksum.canonicalText(.integer(1), kind: .boolean) == "1")
        #expect(LabTableChecksum.canonicalText(.real(0.1 + 0.2), kind: .real) == "0.30000000000000004")
        #expect(LabTableChecksum.canonicalText(.integer(3), kind: .real) == "3.0")
        #expect(LabTableChecksum.canonicalText(.text(#"{"b": [1, 2], "a": "x"}"#), kind: .json)
                == LabTableChecksum.canonicalText(.text(#"{"a":"x","b":[1,2]}"#), kind: .json))
        #expect(LabTableChecksum.canonicalText(.text("not json"), kind: .json) == "not json")
        #expect(LabTableChecksum.canonicalText(.blob([0x00, 0xAB, 0x10]), kind: .blob) == "00ab10")
        #expect(LabTableChecksum.canonicalText(.text("a\tb\r\nc\\"), kind: .text) == "a\\tb\\r\\nc\\\\")
    }

    @Test("the checksum ignores row order, sees every value, and tells a tab inside a value from a column boundary")
    func rowOrderAndValues() {
        func checksum(_ rows: [[LabTableValue]]) -> LabTableChecksum {
            var accumulator = LabTableChecksum.Accumulator(kinds: [.integer, .text])
            for row in rows { accumulator.add(row) }
            return accumulator.finish()
        }
        let rows: [[LabTableValue]] = [[.integer(1), .text("a")], [.integer(2), .text("b")]]
        #expect(checksum(rows) == checksum(rows.reversed()))
        #expect(checksum(rows).rows == 2)
        #expect(checksum(rows) != checksum([[.integer(1), .text("a")], [.integer(2), .text("c")]]))
        #expect(checksum(rows) != checksum([[.integer(1), .text("a")]]))
        #expect(checksum([[.integer(1), .text("a\tb")]]) != checksum([[.integer(1), .text("a")], [.integer(2), .text("b")]]))
        #expect(checksum([[.integer(1), .null]]) != checksum([[.integer(1), .text("")]]))
        #expect(checksum([]).sha256 == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")  // SHA-256 of nothing
    }
}

@Suite("PostgreSQL whole-lab copy: checksums", .serialized,
       .enabled(if: PostgresTestServer.url != nil || PostgresTestServer.isCI, "TLD_TEST_POSTGRES_URL is not set (make test starts a cluster)"))
struct PostgresLabCopyTests {
    @Test("after copyLab every table's checksum equals its SQLite source's; one changed value on PostgreSQL changes only that table's")
    func checksumsFollowTheContent() throws {
        let source = try StoreFixture(backend: .sqliteFile).openSQLite()
        let batchID = try #require(try source.openSampleBatch().id)
        try source.storeCard("C-1", batch: batchID)
        _ = try source.saveDose(Samples.evaluation(batch: batchID, card: "C-1", hp10: 1.25, flags: ["glow-spike", "Å-ø"]))
        _ = try source.saveCalibration(CalibrationContractTests.factor(1.0 / 3, from: 0))

        let fixture = try StoreBackend.postgres.makeFixture()
        let target = try PostgresLabStore.open(url: try #require(fixture.postgresURL), logger: StoreFixture.logger, now: fixture.clock.now)
        let tables = try source.tableNames()
        let copied = try target.copyLab(from: source, tables: tables, referenceTables: ["cardtransition"])
        #expect(copied["doseResult"] == 1 && copied["calibrationRecord"] == 1 && copied["elementReading"] == 4, "\(copied)")
        #expect(copied["cardTransition"] == nil, "the reference rows a new lab has are kept, not copied again")
        let kinds = try target.labColumnKinds()
        func both(_ table: String) throws -> (LabTableChecksum, LabTableChecksum) {
            let columnKinds = try #require(kinds[table.lowercased()])
            return (try source.tableChecksum(table, kinds: columnKinds),
                    try target.tableChecksum(table, columns: try source.tableColumns(table), kinds: columnKinds))
        }
        for table in tables {
            let (a, b) = try both(table)
            #expect(a == b, "\(table)")
        }
        #expect(try both("doseResult").0.rows == 1)

        // A calibration is never changed (a trigger refuses it): the tampering goes around the trigger.
        try target.transaction("tamper") { session in
            try session.execute("SET LOCAL session_replication_role = replica")
            try session.execute("UPDATE calibrationRecord SET source = source || ' (changed)'")
        }
        let (a, b) = try both("calibrationRecord")
        #expect(a.rows == b.rows && a != b)
        #expect(try both("doseResult").0 == both("doseResult").1)
    }
}
