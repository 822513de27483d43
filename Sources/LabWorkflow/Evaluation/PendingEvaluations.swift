import Foundation
import LabStore
import Logging

/// Batches that are read but not (completely) evaluated, and cards still without a dose: every
/// command that finds them evaluates them (``finish(batch:)``) or says exactly why it cannot
/// (``Report/notEvaluated``).
public struct PendingEvaluations: Sendable {
    let store: any EvaluationStore
    let evaluator: BatchEvaluator

    public init(store: any EvaluationStore, evaluator: BatchEvaluator) {
        self.store = store
        self.evaluator = evaluator
    }

    /// The pending evaluations of a lab on either backend, evaluated by the standard ``BatchEvaluator``.
    public init(store: any EvaluationStore, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.init(store: store, evaluator: BatchEvaluator(store: store, logger: logger, now: now))
    }

    /// One batch after evaluation: its state and the cards without a dose, with the reason.
    public struct Report: Sendable {
        public var batch: ReadoutBatch
        public var state: BatchEvaluationState
        public var notEvaluated: [CardNotEvaluated]
    }

    /// Evaluates the pending complete batches (or only `batch`, which is then evaluated again for its
    /// cards without a dose, e.g. once a calibration exists). Returns a report per batch evaluated.
    @discardableResult
    public func finish(batch only: ReadoutBatch.ID? = nil) throws -> [Report] {
        var batches = try store.completeBatches(evaluation: .pending)
        if let only {
            guard let b = try store.batch(id: only) else { throw WorkflowError.batchNotFound("\(only)") }
            batches = [b]
        }
        var reports: [Report] = []
        for b in batches {
            guard let id = b.id else { continue }
            guard b.state == .complete else { throw EvaluationRefused.batchStillOpen(b.groupID) }
            guard try store.batchEvaluation(id: id) != .notForDoses else { throw EvaluationRefused.notForDoses(b.groupID) }
            try evaluator.evaluate(batchID: id)
            reports.append(Report(batch: b, state: try store.batchEvaluation(id: id), notEvaluated: try store.notEvaluatedCards(batch: id)))
        }
        return reports
    }

    /// The cards without a dose, over all batches (with the reason why).
    public func outstanding() throws -> [Report] {
        var reports: [Report] = []
        for b in try store.batches() {
            guard let id = b.id else { continue }
            let cards = try store.notEvaluatedCards(batch: id)
            let state = try store.batchEvaluation(id: id)
            if !cards.isEmpty || (state == .pending && b.state == .complete) {
                reports.append(Report(batch: b, state: state, notEvaluated: cards))
            }
        }
        return reports
    }

    /// The lines an operator reads for reports: one per card without a dose.
    public static func describe(_ reports: [Report]) -> [String] {
        reports.flatMap { r in
            r.notEvaluated.map { "batch \(r.batch.groupID): card \($0.cardID) not evaluated: \($0.reason.description) (\($0.detail))" }
                + (r.state == .pending && r.notEvaluated.isEmpty ? ["batch \(r.batch.groupID): evaluation not finished"] : [])
        }
    }
}

/// Why a batch cannot be evaluated now.
public enum EvaluationRefused: Error, Sendable, Hashable, CustomStringConvertible {
    case batchStillOpen(String)
    case notForDoses(String)

    public var description: String {
        switch self {
        case let .batchStillOpen(g): "batch \(g) is still being read (open): finish the readout first (tld readout resumes it)"
        case let .notForDoses(g): "batch \(g) is an anneal background check, not a batch of wearers' doses"
        }
    }
}
