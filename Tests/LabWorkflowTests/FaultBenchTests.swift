// The issue-5 bench: 200 simulated cards, one fault of every kind, through the real driver on a
// pseudo-terminal and the SQLite store, resumed the way an operator would with `tld readout`.
import Foundation
import Instruments
import LabStore
import LabStoreSQLite
import ReaderProtocol
import TLSimulator
import TestSupport
import Testing
@testable import LabWorkflow

/// In `make test`'s serial pass (scripts/swift-test-passes.sh): a simulated reader on a pseudo-terminal, with wall-clock reconnect timeouts.
@Suite("Fault bench: 200 cards, one fault of each kind", .serialized)
struct FaultBenchTests {
    /// One fault of each kind, spread over the magazine (card n = FaultBench.cardID(n)).
    static func faults() -> [ScenarioFault] {
        let c = FaultBench.cardID
        return [
            ScenarioFault(kind: .corruptReply, at: FaultTrigger(card: c(10), element: 2, request: "getChunk")),
            ScenarioFault(kind: .dropReply, at: FaultTrigger(card: c(20), request: "status", occurrence: 2)),
            ScenarioFault(kind: .duplicateReply, at: FaultTrigger(card: c(30), request: "releaseElement")),
            ScenarioFault(kind: .delayReply, at: FaultTrigger(card: c(40), request: "getCurveInfo"), ms: 400),
            ScenarioFault(kind: .garbage, at: FaultTrigger(card: c(50), request: "readElement"), bytes: 40),
            ScenarioFault(kind: .stall, at: FaultTrigger(card: c(60), request: "getChunk"), ms: 600),
            ScenarioFault(kind: .heaterFault, at: FaultTrigger(card: c(70), element: 3), fraction: 0.4),
            ScenarioFault(kind: .hvFault, at: FaultTrigger(card: c(80), element: 1)),
            ScenarioFault(kind: .doorOpen, at: FaultTrigger(card: c(90), element: 4)),
            ScenarioFault(kind: .jam, at: FaultTrigger(load: 100)),
            ScenarioFault(kind: .reboot, at: FaultTrigger(card: c(110), element: 2), ms: 200, fraction: 0.5),
            ScenarioFault(kind: .unplug, at: FaultTrigger(card: c(120), element: 3, request: "getChunk"), ms: 300),
        ]
    }

    @Test("every reading accounted for: stored, or lost with its reason; nothing twice; the batch completes")
    func benchRun() async throws {
        #expect(Set(Self.faults().map(\.kind)) == Set(FaultKind.allCases), "one fault of each kind")
        let dir = try TemporaryDirectory("fault-bench")
        defer { dir.cleanup() }
        let scenario = FaultBench.scenario(cards: 200, elementMilliseconds: 2, faults: Self.faults())
        try scenario.validate()
        let link = dir.path("reader")
        // No state file: writing the whole magazine after every change would triple the run time.
        let server = PtyReaderServer(engine: try ReaderEngine(scenario: scenario), linkPath: link)
        try server.start()
        defer { server.stop() }

        let store = try SQLiteLabStore.inMemory(logger: FaultBench.quiet)
        let job = ReadoutJob(store: store, logger: FaultBench.quiet)
        let manifest = FaultBench.manifest(scenario)
        // As the operator does: run `tld readout`; when a fault stops it, fix the reader and run
        // `tld readout --clear-faults` again.
        var stops: [ReaderEvents] = []
        let notices = NoticeLog()
        var outcome: ResilientReadout.Outcome?
        for run in 0..<8 where outcome == nil {
            let readout = ResilientReadout(
                job: job, opener: FaultBench.opener(path: link),
                policy: .init(reconnectTimeout: .seconds(20), retryInterval: .milliseconds(50),
                              readerConfiguration: FaultBench.readerConfiguration, clearFaultsAtStart: run > 0),
                logger: FaultBench.quiet)
            do {
                outcome = try await readout.run(manifest: manifest, groupID: "BENCH", notify: { notices.record($0) })
            } catch {
                let events = try #require(ReaderRecovery(error).faultEvents, "run \(run) stopped by something else: \(error)")
                stops.append(events)
            }
        }
        let done = try #require(outcome, "the batch did not complete in 8 runs; stops: \(stops)")
        #expect(stops == [.heaterFault, .highVoltageFault, .doorOpen, .jam])
        #expect(done.reconnections == 1, "the unplug")
        #expect(server.replugCount == 1)
        let said = notices.entries.map(\.description)
        #expect(said.contains { $0.hasPrefix("reader TL00042 disconnected") && $0.contains("waiting for it to come back") }, "\(said)")
        #expect(said.contains("reader TL00042 is back: resumed"), "\(said)")
        #expect(said.filter { $0.hasPrefix("cleared the reader's fault events") }.count == 4, "\(said)")
        guard case let .read(result) = done.result else { Issue.record("nothing read"); return }
        #expect(result.batch.state == .complete)
        #expect(server.withEngine { $0.readerStatus.magazineRemaining } == 0)

        let batchID = try #require(result.batch.id)
        let rows = try FaultBench.rows(store, batch: batchID)
        let keys = rows.map(\.key)
        let expected = Set(scenario.cards.flatMap { card in card.presentElements.map { "\(card.id)/\($0)" } })
        #expect(keys.count == expected.count, "each element exactly once")
        #expect(Set(keys) == expected)
        let lost = rows.filter { $0.status == .lost }
        // The heater fault and the reboot cut a heating off; every other fault lost nothing.
        #expect(Set(lost.map(\.key)) == ["\(FaultBench.cardID(70))/3", "\(FaultBench.cardID(110))/2"])
        for row in lost {
            #expect(row.lostReason?.contains("interrupted") == true, "\(row.key): \(row.lostReason ?? "no reason")")
            #expect(row.curveCRC32 == nil && row.channels == 0, "\(row.key): a lost element has no curve")
        }
        for row in rows where row.status == .stored {
            #expect(row.channels == 200 && row.curveCRC32 != nil, "\(row.key)")
        }
        // A card with a lost element is never reported as a plain dose: flagged and sent for review.
        let doses = try store.currentDoses(batch: batchID)
        #expect(doses.count == scenario.cards.count)
        for key in lost.map(\.key) {
            let card = String(key.split(separator: "/")[0])
            let dose = try #require(doses.first { $0.cardID == card })
            #expect(dose.state == .needsReview, "\(card): \(dose.state)")
            #expect(dose.flags.contains { $0.contains("element-lost") }, "\(card): \(dose.flags)")
        }
    }
}
