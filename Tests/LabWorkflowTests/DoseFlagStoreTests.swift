import Dosimetry
import Foundation
import LabStore
import LabStoreSQLite
import Logging
import TestSupport
import Testing
@testable import LabWorkflow

/// The typed dose flags against the store: every code comes back as its flag from a database file
/// reopened, and a code this build does not know is read as `unknown`, shown on the review screen,
/// and kept on the physicist's correction, never dropped.
@Suite("Dose flags through the store")
struct DoseFlagStoreTests {
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static func openBatch(_ store: SQLiteLabStore, card: String) throws -> ReadoutBatch.ID {
        let batch = try #require(try store.openBatch(
            groupID: "FLAGS", reader: ReaderIdentity(model: "TLR", serial: "S1", firmware: "1"), elementsPerCard: 4,
            timeTemperatureProfile: ReadoutJob.stored(.lifMgTiDefault), source: "test").id)
        try storeReading(store, card: card, batch: batch)
        return batch
    }

    static func dose(_ batch: ReadoutBatch.ID, card: String, flags: [DoseFlag], state: DoseState = .evaluated) -> DoseEvaluation {
        DoseEvaluation(batchID: batch, cardID: card, hp10MilliSievert: 0.4, hp007MilliSievert: 0.4, detectionLimitMilliSievert: 0.08,
                       flags: flags.map(\.code), algorithmID: "test", calibrationID: nil, evaluatedAt: Date(), state: state)
    }

    @Test("every known flag's code round-trips through a database file, in order")
    func everyFlagRoundTrips() throws {
        let dir = try TemporaryDirectory("flags")
        defer { dir.cleanup() }
        let path = dir.path("lab.sqlite")
        do {
            let store = try SQLiteLabStore.open(path: path, logger: Self.logger)
            let batch = try Self.openBatch(store, card: "W1")
            _ = try store.saveDose(Self.dose(batch, card: "W1", flags: DoseFlag.allKnown))
        }
        let reopened = try SQLiteLabStore.open(path: path, logger: Self.logger)
        let dose = try #require(try reopened.doseHistory(card: "W1").last)
        #expect(dose.doseFlags == DoseFlag.allKnown)
        #expect(dose.flags == DoseFlag.allKnown.map(\.code))
    }

    @Test("an unknown code in the database is read as unknown, shown on the review screen, and kept on correction")
    func unknownCodeIsReportedNotDropped() throws {
        let f = try WorkflowFixture()
        let batch = try Self.openBatch(f.store, card: "W2")
        // A code written by a newer version of tld (or by hand), beside known ones.
        let stored = try f.store.saveDose(DoseEvaluation(
            batchID: batch, cardID: "W2", hp10MilliSievert: 0.4, hp007MilliSievert: 0.4, detectionLimitMilliSievert: 0.08,
            flags: ["glow-spike", "pmt-drift", "glow-new-check"], algorithmID: "test", calibrationID: nil, evaluatedAt: Date()))
        #expect(stored.doseFlags == [.glow(.spike), .unknown("pmt-drift"), .unknown("glow-new-check")])

        let id = try #require(stored.id)
        _ = try f.store.routeToReview(dose: id, reasons: [(.qualityFlags, "glow-spike, pmt-drift, glow-new-check")],
                                      audit: DoseAudit(who: "system", why: "flags"))
        let c = try #require(try ReviewContextBuilder(store: f.store, protector: f.protector).all().first { $0.dose.cardID == "W2" })
        #expect(ReviewPageBuilder.summary(c).contains(
            "flags: glow-spike, pmt-drift (a flag unknown to this version of tld), glow-new-check (a flag unknown to this version of tld)"))

        let corrected = try DoseReview(store: f.store, logger: Self.logger)
            .correct(doseID: id, hp10MilliSievert: 0.3, hp007MilliSievert: nil, who: "Dr. P", why: "checked the curve")
        #expect(corrected.doseFlags == [.glow(.spike), .unknown("pmt-drift"), .unknown("glow-new-check"), .correctedByPhysicist])
    }
}
