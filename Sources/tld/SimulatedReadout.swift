import Foundation
import Instruments
import LabStore
import LabStoreSQLite
import LabWorkflow
import Logging
import TLSimulator

/// One magazine read on the simulated reader over a pseudo-terminal, resumable: the simulator keeps
/// its magazine in `statePath`, the store keeps the open batch, so a run killed at any moment and
/// started again with the same files finishes the same batch.
enum SimulatedReadout {
    struct WrongBatch: Error, CustomStringConvertible {
        let expected: String
        let found: String?
        var description: String {
            "the simulated reader has no card to read and its last batch is \(found ?? "none"), not \(expected)"
        }
    }

    static func run(
        scenarioPath: String, statePath: String, manifest: [ShipmentCard], groupID: String, store: any EvaluationStore,
        logger: Logger, evaluate: Bool, speedMilliseconds: Double
    ) async throws -> ReadoutBatch {
        let scenario = try Scenario.load(path: scenarioPath)
        let stateLock = try WriterLock.acquire(for: statePath, holder: "tld demo")
        defer { stateLock.release() }
        let server = PtyReaderServer(engine: try ReaderEngine(
            scenario: scenario, statePath: statePath, pace: .elementMilliseconds(speedMilliseconds)))
        let device = try server.start()
        defer { server.stop() }
        var job = ReadoutJob(store: store, logger: logger)
        job.evaluatesDoses = evaluate
        job.backgroundCheck = !evaluate
        let result = try await withReaderSession(transport: try await SerialPortTransport.open(path: device), logger: logger) { reader in
            try await job.run(reader: reader, manifest: manifest, groupID: groupID)
        }
        switch result {
        case let .read(outcome):
            return outcome.batch
        case let .nothingToRead(_, last):
            // Killed after the magazine was read: the batch is complete; make sure it is evaluated.
            guard let last, last.groupID == groupID, let id = last.id else {
                throw WrongBatch(expected: groupID, found: last?.groupID)
            }
            if evaluate { try job.evaluator?.evaluate(batchID: id) }
            return last
        }
    }

    /// Writes a scenario file once (atomically), so a restarted run reads the same magazine.
    static func writeOnce(_ scenario: Scenario, to path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(scenario).write(to: URL(fileURLWithPath: path), options: .atomic)
    }
}
