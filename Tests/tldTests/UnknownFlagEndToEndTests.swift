import Foundation
import LabStore
import LabStoreSQLite
import Logging
import TestSupport
import Testing

/// End to end: a dose flag this version of tld does not know (written by a newer version, or by
/// hand) is shown by `tld review`, marked as unknown, and kept when the physicist corrects the dose,
/// never silently dropped.
@Suite("tld review: an unknown dose flag", .serialized)
struct UnknownFlagEndToEndTests {
    static let logger = Logger(label: "UnknownFlagEndToEndTests") { _ in SwiftLogNoOpLogHandler() }

    @Test("shown and marked on the review list, kept on correction")
    func unknownFlagIsShownAndKept() async throws {
        let dir = try TemporaryDirectory("tld-unknown-flag")
        defer { dir.cleanup() }
        let tld = try ProductRunner(product: "tld")
        let common = ["--database", "lab.sqlite"]
        let demo = try await tld.run(["demo", "--out", "out", "--physicist-reviews", "--review-level", "0.5"] + common, in: dir.url)
        #expect(demo.status == 0, "stderr: \(demo.stderr)")

        // A newer version re-evaluated one dose under review and added a flag this one does not know.
        let db = dir.path("lab.sqlite")
        let (doseID, cardID): (Int64, String) = try {
            let store = try SQLiteLabStore.open(path: db, logger: Self.logger)
            let pending = try store.batches().compactMap(\.id).flatMap { try store.currentDoses(batch: $0) }
            let old = try #require(pending.first { $0.state == .needsReview })
            let new = try store.saveEvaluatedDose(DoseEvaluation(
                batchID: old.batchID, cardID: old.cardID, hp10MilliSievert: old.hp10MilliSievert, hp007MilliSievert: old.hp007MilliSievert,
                detectionLimitMilliSievert: old.detectionLimitMilliSievert, flags: old.flags + ["pmt-drift"], remarks: old.remarks,
                algorithmID: "four-element-v9", calibrationID: old.calibrationID, evaluatedAt: Date(), state: .needsReview),
                reviewReasons: [(.qualityFlags, "pmt-drift")], audit: .automatic)
            return (try #require(new.id).rawValue, new.cardID)
        }()

        let list = try await tld.run(["review", "--no-curves"] + common, in: dir.url)
        #expect(list.status == 0, "stderr: \(list.stderr)")
        let block = list.stdout.components(separatedBy: "\ndose ").first { $0.contains("card \(cardID) ") } ?? ""
        #expect(block.contains("pmt-drift (a flag unknown to this version of tld)"), "\(list.stdout)")

        let corrected = try await tld.run(["review", "--correct", "\(doseID)", "--hp10", "0.80", "--who", "Dr. P",
                                           "--why", "PMT checked: dose from the curve"] + common, in: dir.url)
        #expect(corrected.status == 0, "stderr: \(corrected.stderr)")
        let flags = try await LabDatabaseQuery.lines(db, """
            SELECT flags FROM doseResult WHERE cardID = '\(cardID)' AND supersededAt IS NULL
            """)
        #expect(flags.count == 1 && flags[0].contains("\"pmt-drift\"") && flags[0].contains("\"corrected-by-physicist\""), "\(flags)")
    }
}
