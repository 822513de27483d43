import Foundation
import LabStore
import LabStoreSQLite
import Logging
import TestSupport
import Testing

/// `tld db copy` (issue 15): a SQLite lab (readouts, doses with their audit trail, calibrations, master data) into an empty PostgreSQL database on the
/// tests' private cluster, ids kept, verified (the whole demo lab: DbCopyWholeLabEndToEndTests).
@Suite("tld db copy: SQLite to PostgreSQL", .serialized, .enabled(if: PostgresTestLab.enabled, PostgresTestLab.skipReason))
struct DbCopyEndToEndTests {
    static let quiet = Logger(label: "DbCopyEndToEndTests") { _ in SwiftLogNoOpLogHandler() }

    /// A lab with readout data only: a complete batch of 5 cards (one element lost, one absent, a
    /// calibration card in the manifest) and an open batch of 2 cards, each with reader QC.
    static func readoutLab(at path: String) throws {
        let store = try SQLiteLabStore.open(path: path, logger: quiet)
        let profile = TimeTemperatureProfile(preheatDeciCelsius: 1000, preheatMilliseconds: 5000, rampDeciCelsiusPerSecond: 100,
                                             maximumDeciCelsius: 3000, acquisitionMilliseconds: 26_670, channels: 200,
                                             annealDeciCelsius: 3000, annealMilliseconds: 10_000)
        for (b, cards) in [(1, 5), (2, 2)] {
            let batch = try store.openBatch(groupID: "COPY\(b)", reader: ReaderIdentity(model: "TLR-6600S", serial: "TL0090\(b)", firmware: "1.4.2"),
                                            elementsPerCard: 4, timeTemperatureProfile: profile, source: "reader:TL0090\(b)")
            guard let id = batch.id else { throw PostgresTestLab.QueryFailed(sql: "open batch", stderr: "no id") }
            let cardIDs = (0..<cards).map { PostgresReadoutEndToEndTests.luhn(String(format: "5%d%05d", b, $0)) }
            try store.saveManifest(cardIDs.enumerated().map { i, card in
                i == 0 ? BatchCard(batchID: id, cardID: card, role: .calibration, annealedAt: Date(timeIntervalSince1970: 1_796_000_000.123),
                                   deliveredHp10MilliSievert: 2, deliveredHp007MilliSievert: 2.1, referenceField: "S-Cs")
                    : BatchCard(batchID: id, cardID: card, role: .worker, annealedAt: nil, unexpected: i == 2)
            })
            _ = try store.saveReaderQC(ReaderQCRecord(batchID: id, takenAt: Date(), pmtDarkCountsPerSecond: 12, referenceLightCounts: 50_000,
                                                      highVoltageVolts: 900, heaterDeciCelsius: 250))
            for (c, card) in cardIDs.enumerated() {
                for element in 1...4 {
                    if b == 1 && c == 1 && element == 4 {
                        _ = try store.markElementLost(batch: id, card: card, element: element, reason: "heating interrupted (test)")
                    } else if b == 1 && c == 2 && element == 3 {
                        _ = try store.markElementAbsent(batch: id, card: card, element: element)
                    } else {
                        let counts = (0..<200).map { UInt32(($0 * 37 + c * 11 + element * 5 + b) % 5000) }
                        let temperatures = (0..<200).map { Int16(200 + $0 * 14) }
                        let crc = ElementCurve(counts: counts, temperaturesDeciCelsius: temperatures, channelMicroseconds: 133_350,
                                               pmtDarkCountsPerSecond: 12, heaterMaxDeciCelsius: 3001, readerCurveCRC32: 0).computedCRC32()
                        _ = try store.saveReadoutCurve(batch: id, card: card, element: element, readAt: Date(), curve: ElementCurve(
                            counts: counts, temperaturesDeciCelsius: temperatures, channelMicroseconds: 133_350,
                            pmtDarkCountsPerSecond: 12, heaterMaxDeciCelsius: 3001, readerCurveCRC32: crc))
                    }
                }
            }
            if b == 1 { _ = try store.finishBatch(id: id) }
        }
        // A reader calibration entered by hand.
        _ = try store.saveCalibration(CalibrationRecord(
            kind: CalibrationKind(rawValue: "countsPerMilliSievert/deep"), subject: "TL00901", value: 1234.5, unit: "counts/mSv",
            validFrom: Date(timeIntervalSince1970: 1_796_000_000.25), source: "certificate DK-17 (test)"))
    }

    @Test("a readout lab copied into an empty PostgreSQL database: same rows and ids, every curve's SHA-256 equal, sequences past the ids; a second copy is refused")
    func copyAndVerify() async throws {
        let lab = try await PostgresTestLab.create()
        let dir = try TemporaryDirectory("tld-db-copy")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        try Self.readoutLab(at: dir.path("lab.sqlite"))

        let r = try await tld.run(["db", "copy", "--from", "lab.sqlite", "--to", lab.url], in: dir.url)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("readoutBatch           SQLite 2 rows, PostgreSQL 2 rows; checksum equal"), "\(r.stdout)")
        #expect(r.stdout.contains("batchCard              SQLite 7 rows, PostgreSQL 7 rows; checksum equal"))
        #expect(r.stdout.contains("readerQC               SQLite 2 rows, PostgreSQL 2 rows; checksum equal"))
        #expect(r.stdout.contains("elementReading         SQLite 28 rows, PostgreSQL 28 rows; checksum equal"))
        #expect(r.stdout.contains("raw curves             26 in SQLite, 26 in PostgreSQL; SHA-256 of counts and temperatures equal for every curve"))
        #expect(r.stdout.contains("calibrationRecord      SQLite 1 rows, PostgreSQL 1 rows; checksum equal"))
        #expect(r.stdout.contains("Verified"))
        #expect(try await lab.lines("SELECT kind || '|' || subject || '|' || value || '|' || floor(extract(epoch FROM validFrom) * 1000)::bigint FROM calibrationRecord")
                == ["countsPerMilliSievert/deep|TL00901|1234.5|1796000000250"])

        // The same rows, ids, curves and times on both sides.
        let sqlite = try await SQLiteQuery.lines(dir.path("lab.sqlite"), """
            SELECT id || '|' || batchID || '|' || cardID || '|' || element || '|' || status || '|' || ifnull(lostReason, '') || '|'
                   || ifnull(hex(counts), '') || '|' || ifnull(hex(temperatures), '') || '|' || ifnull(readerCurveCRC32, '')
                   || '|' || strftime('%s', readAt) FROM elementReading ORDER BY id
            """)
        let postgres = try await lab.lines("""
            SELECT id || '|' || batchID || '|' || cardID || '|' || element || '|' || status || '|' || coalesce(lostReason, '') || '|'
                   || coalesce(upper(encode(counts, 'hex')), '') || '|' || coalesce(upper(encode(temperatures, 'hex')), '') || '|'
                   || coalesce(readerCurveCRC32::text, '') || '|' || floor(extract(epoch FROM readAt))::bigint FROM elementReading ORDER BY id
            """)
        #expect(postgres.count == 28)
        #expect(postgres == sqlite)
        #expect(try await lab.lines("SELECT id || '|' || groupID || '|' || state FROM readoutBatch ORDER BY id")
                == ["1|COPY1|complete", "2|COPY2|open"])
        #expect(try await lab.lines("SELECT cardID || '|' || role || '|' || unexpected FROM batchCard WHERE unexpected OR role = 'calibration' ORDER BY cardID")
                .count == 3)
        // New rows get ids after the copied ones.
        #expect(try await lab.int("SELECT nextval(pg_get_serial_sequence('elementreading', 'id'))") == 29)
        #expect(try await lab.int("SELECT nextval(pg_get_serial_sequence('readoutbatch', 'id'))") == 3)

        // Into a database that holds a lab already: refused, nothing added.
        let again = try await tld.run(["db", "copy", "--from", "lab.sqlite", "--to", lab.url], in: dir.url)
        #expect(again.status == 65, "stderr: \(again.stderr)")
        #expect(again.stderr.contains("already holds"))
        #expect(try await lab.int("SELECT count(*) FROM elementReading") == 28)
    }

    /// The readout lab with evaluated doses in batch 1: every card evaluated, one re-evaluated, one
    /// released by a physicist, one sent to review by the system; each change leaves its audit row.
    static func evaluatedLab(at path: String) throws {
        try readoutLab(at: path)
        let store = try SQLiteLabStore.open(path: path, logger: quiet)
        let batch = ReadoutBatch.ID(rawValue: 1)
        let cards = (0..<5).map { PostgresReadoutEndToEndTests.luhn(String(format: "51%05d", $0)) }
        var doses: [DoseResult] = []
        for (c, card) in cards.enumerated() {
            doses.append(try store.saveDose(DoseEvaluation(
                batchID: batch, cardID: card, hp10MilliSievert: 0.1 * Double(c + 1), hp007MilliSievert: 0.12 * Double(c + 1),
                flags: c == 3 ? ["glow-spike"] : [], algorithmID: "four-element-v1", calibrationID: "cal-test",
                evaluatedAt: Date(timeIntervalSince1970: 1_796_000_100.5))))
        }
        let corrected = try store.saveDose(DoseEvaluation(
            batchID: batch, cardID: cards[1], hp10MilliSievert: 0.25, hp007MilliSievert: 0.3, remarks: "fading corrected",
            algorithmID: "four-element-v1", calibrationID: "cal-test", evaluatedAt: Date(timeIntervalSince1970: 1_796_000_200)),
            audit: DoseAudit(who: "anna", why: "fading corrected"), action: .corrected)
        guard let correctedID = corrected.id, let reviewID = doses[2].id else {
            throw PostgresTestLab.QueryFailed(sql: "save dose", stderr: "no id")
        }
        _ = try store.setDoseState(id: correctedID, to: .released, audit: DoseAudit(who: "anna", why: "checked"), action: .accepted)
        _ = try store.setDoseState(id: reviewID, to: .needsReview)
    }

    @Test("a lab with readouts, evaluated doses and calibrations copies with its dose audit trail, row by row")
    func copyWithAuditTrail() async throws {
        let lab = try await PostgresTestLab.create()
        let dir = try TemporaryDirectory("tld-db-copy-audit")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        try Self.evaluatedLab(at: dir.path("lab.sqlite"))

        let r = try await tld.run(["db", "copy", "--from", "lab.sqlite", "--to", lab.url], in: dir.url)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("doseResult             SQLite 6 rows, PostgreSQL 6 rows; checksum equal"), "\(r.stdout)")
        #expect(r.stdout.contains("doseAudit              SQLite 8 rows, PostgreSQL 8 rows; checksum equal"), "\(r.stdout)")
        #expect(r.stdout.contains("Verified"))

        // The same audit rows, ids and times (to the millisecond) on both sides.
        let sqlite = try await SQLiteQuery.lines(dir.path("lab.sqlite"), """
            SELECT id || '|' || doseID || '|' || cardID || '|' || version || '|' || action || '|' || state || '|' || who
                   || '|' || why || '|' || at FROM doseAudit ORDER BY id
            """)
        let postgres = try await lab.lines("""
            SELECT id || '|' || doseID || '|' || cardID || '|' || version || '|' || action || '|' || state || '|' || who
                   || '|' || why || '|' || to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.MS') FROM doseAudit ORDER BY id
            """)
        #expect(sqlite.count == 8)
        #expect(postgres == sqlite)
        #expect(sqlite.filter { $0.contains("|corrected|evaluated|anna|fading corrected|") }.count == 1)
        #expect(sqlite.filter { $0.contains("|accepted|released|anna|checked|") }.count == 1)
        #expect(sqlite.filter { $0.contains("|stateChanged|needsReview|system|state change|") }.count == 1)
        // New audit rows get ids after the copied ones.
        #expect(try await lab.int("SELECT nextval(pg_get_serial_sequence('doseaudit', 'id'))") == 9)
    }

    @Test("a lab read and evaluated by `tld readout --simulate` (doses, audit trail, review reasons) copies and verifies")
    func copySimulatedReadout() async throws {
        let lab = try await PostgresTestLab.create()
        let dir = try TemporaryDirectory("tld-db-copy-readout")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let readout = try await tld.run(["readout", "--simulate", "--database", "lab.sqlite"], in: dir.url)
        #expect(readout.status == 0, "stderr: \(readout.stderr)")
        let path = dir.path("lab.sqlite")
        let doses = try await SQLiteQuery.lines(path, "SELECT count(*) FROM doseResult")
        let audits = try await SQLiteQuery.lines(path, "SELECT count(*) FROM doseAudit")
        let reasons = try await SQLiteQuery.lines(path, "SELECT count(*) FROM doseReviewReason")
        #expect(doses != ["0"] && audits != ["0"] && reasons != ["0"], "the simulated day evaluates doses and routes some to review")

        let r = try await tld.run(["db", "copy", "--from", "lab.sqlite", "--to", lab.url], in: dir.url)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(r.stdout.contains("doseAudit              SQLite \(audits.joined()) rows, PostgreSQL \(audits.joined()) rows; checksum equal"), "\(r.stdout)")
        #expect(r.stdout.contains("doseReviewReason       SQLite \(reasons.joined()) rows, PostgreSQL \(reasons.joined()) rows; checksum equal"), "\(r.stdout)")
        #expect(r.stdout.contains("Verified"))
        #expect(try await lab.lines("SELECT doseID || '|' || reason || '|' || detail FROM doseReviewReason ORDER BY doseID, reason COLLATE \"C\"")
                == SQLiteQuery.lines(path, "SELECT doseID || '|' || reason || '|' || detail FROM doseReviewReason ORDER BY doseID, reason"))
    }

    @Test("a readout lab with master data (tld import) copies whole, customers and sealed national IDs included; a missing SQLite file is exit 66")
    func copiesMasterData() async throws {
        let lab = try await PostgresTestLab.create()
        let dir = try TemporaryDirectory("tld-db-copy-master")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        try Self.readoutLab(at: dir.path("lab.sqlite"))
        let imported = try await tld.run(["import", RepoPaths.file("examples/lab-import.csv").path, "--database", "lab.sqlite"], in: dir.url)
        #expect(imported.status == 0, "stderr: \(imported.stderr)")
        let path = dir.path("lab.sqlite")

        let r = try await tld.run(["db", "copy", "--from", "lab.sqlite", "--to", lab.url], in: dir.url)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        for table in ["customer", "wearer", "enrolment", "nationalIDKeyCheck"] {
            let n = try await SQLiteQuery.lines(path, "SELECT count(*) FROM \(table)").joined()
            #expect(n != "0", "\(table)")
            #expect(r.stdout.contains("\(table.padding(toLength: 22, withPad: " ", startingAt: 0)) SQLite \(n) rows, PostgreSQL \(n) rows; checksum equal"), "\(r.stdout)")
        }
        #expect(try await lab.lines("SELECT id || '|' || name || '|' || upper(encode(nationalIDSealed, 'hex')) FROM wearer ORDER BY id")
                == SQLiteQuery.lines(path, "SELECT id || '|' || name || '|' || hex(nationalIDSealed) FROM wearer ORDER BY id"))
        #expect(r.stdout.contains("--key-file lab.sqlite.key"), "\(r.stdout)")

        let missing = try await tld.run(["db", "copy", "--from", "nothing.sqlite", "--to", lab.url], in: dir.url)
        #expect(missing.status == 66, "stderr: \(missing.stderr)")
    }
}
